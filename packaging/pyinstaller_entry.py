"""The bundle's entry point (PyInstaller runs this script): the same as `backprop-workbench`."""

import sys

from workbench.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
