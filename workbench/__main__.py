"""`backprop-workbench` entry point: sub-commands go to the command line, anything else opens the GUI.

    backprop-workbench                         the application window
    backprop-workbench EXPERIMENT.json         the window with that experiment loaded
    backprop-workbench --presentation [EXPERIMENT.json]   the same, in presentation mode (F5 leaves it)
    backprop-workbench train|gradcheck|datasets|export|--help …   engine.cli
    backprop-workbench record …                workbench.record_cli (draws with Qt, offscreen)
    backprop-workbench --smoke-test OUT.png    start offscreen, train 100 steps, export the
                                               decision plot, quit (packaging/smoke.sh)
    backprop-workbench --startup-probe         print the time of the first paint, quit (bench/startup.py)
"""

from __future__ import annotations

import importlib
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not [a for a in argv if a != "--presentation"]:  # the window: no command-line module to import first
        return _gui(None, presentation=bool(argv))
    if argv[:1] == ["--smoke-test"] and len(argv) == 2:
        from .smoke import run_smoke

        return run_smoke(argv[1])
    if argv == ["--startup-probe"]:
        from .smoke import first_paint_probe

        return first_paint_probe()
    if argv and argv[0] == "record":
        return importlib.import_module("workbench.record_cli").main(argv[1:])
    from engine import cli

    if cli.handles(argv):
        try:
            return cli.main(argv)
        finally:  # argparse's --help exits through SystemExit
            if argv[0] in ("-h", "--help"):
                print(f"\nand, drawn by the application's views (offscreen):\n  record    training as an animated GIF or "
                      f"MP4 (see '{cli.PROG} record --help')")
    presentation = "--presentation" in argv
    argv = [a for a in argv if a != "--presentation"]
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print(f"{cli.PROG}: error: expected at most one EXPERIMENT.json or a sub-command "
              f"({', '.join(sorted(cli.SUBCOMMANDS | {'record'}))}), optionally with --presentation; "
              f"see '{cli.PROG} --help'", file=sys.stderr)
        return 2
    return _gui(argv[0] if argv else None, presentation=presentation)


def _gui(experiment: str | None, presentation: bool) -> int:
    try:
        app = importlib.import_module("workbench.app")
    except ImportError as exc:
        missing = exc.name in ("workbench.app", "workbench")
        reason = "the GUI is not available yet" if missing else f"the GUI cannot start: {exc}"
        print(f"backprop-workbench: error: {reason}", file=sys.stderr)
        return 2
    return app.run_gui(experiment, presentation=presentation)


if __name__ == "__main__":
    sys.exit(main())
