"""The bundle's entry point (PyInstaller runs this script): the same as `backprop-workbench`.

A frozen bundle starts its worker processes (the kept runs' process, a sweep's pool from the
GUI: forkserver) by running this very executable with multiprocessing's own arguments;
`freeze_support()` (PyInstaller's, on every platform) runs those and exits before the app would
read them as a command line.
"""

import multiprocessing
import sys

from workbench.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
