"""`python -m workbench [EXPERIMENT.json]`: open the GUI (the full CLI dispatcher comes with branch `experiment`)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from .app import run_gui

    return run_gui(argv[0] if argv else None)


if __name__ == "__main__":
    sys.exit(main())
