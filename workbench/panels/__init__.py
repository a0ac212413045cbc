"""The panels the window docks: one module each, listed once in PANELS."""
