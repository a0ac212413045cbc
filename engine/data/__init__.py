"""Data: the `Dataset` record, built-in toy generators, bundled real sets, the user's files
(`formats.FORMATS`) and preparation for training (split, standardisation)."""
