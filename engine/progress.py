"""Progress on the command line: a bar on a terminal, a line per tenth otherwise (e.g. in a log)."""

from __future__ import annotations


class Progress:
    """`update(fraction, count, loss)` after each chunk of work; `close()` at the end."""

    def __init__(self, stream, quiet: bool):
        self.stream, self.quiet = stream, quiet
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.shown = -1

    def update(self, fraction: float, count: int, loss: float | None, unit: str = "step") -> None:
        """`loss` None: work without a loss to show (e.g. the points of a landscape)."""
        if self.quiet:
            return
        what = f"{count:,} {unit}" if unit != "step" else f"step {count}"
        if loss is not None:
            what += f"  loss {loss:.4g}"
        if self.tty:
            width = 30
            filled = int(width * fraction)
            self.stream.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {100 * fraction:5.1f} %  "
                              f"{what}   ")
            self.stream.flush()
        elif int(10 * fraction) > self.shown:
            self.shown = int(10 * fraction)
            print(f"{100 * fraction:.0f} %  {what}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.tty and not self.quiet:
            self.stream.write("\n")
