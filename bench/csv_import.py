"""CSV import with the real-table options against the plain case, side by side in one process.

    python bench/csv_import.py [--megabytes 195] [--rounds 1]

Writes two CSVs of the same size in a temporary folder: a plain one (numeric columns and a
class column) and one with a preamble line (skip_rows=1), a text feature column (one-hot) and
1 % NA cells in two numeric columns (missing="mean"). Loads each `--rounds` times, alternately,
and prints the seconds per load and the options/plain ratio (issue 15 asks for ≤ 3×).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.data.csv_format import load_csv  # noqa: E402

COLUMNS = 10
ISLANDS = np.array(["Biscoe", "Dream", "Torgersen", "Anvers", "Cuverville"])


def write_table(path: Path, megabytes: float, options: bool, seed: int = 0) -> int:
    """Write about `megabytes` MB of rows; returns the row count."""
    rng = np.random.default_rng(seed)
    header = [f"f{i}" for i in range(COLUMNS)] + (["island"] if options else []) + ["y"]
    budget, rows = int(megabytes * 1e6), 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        if options:
            out.write("# exported by bench/csv_import.py, 1 preamble line\n")
        out.write(",".join(header) + "\n")
        while out.tell() < budget:
            X = rng.normal(size=(50_000, COLUMNS))
            cells = np.char.mod("%.5f", X)
            if options:
                cells[rng.random(X.shape) < 0.01 * (np.arange(COLUMNS) < 2)] = "NA"
                cells = np.column_stack([cells, ISLANDS[rng.integers(0, len(ISLANDS), len(X))]])
            cells = np.column_stack([cells, rng.integers(0, 3, len(X)).astype(str)])
            out.write("\n".join(",".join(row) for row in cells) + "\n")
            rows += len(X)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=195.0)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plain, rich = Path(folder) / "plain.csv", Path(folder) / "options.csv"
        n_plain = write_table(plain, args.megabytes, options=False)
        n_rich = write_table(rich, args.megabytes, options=True)
        print(f"plain:   {plain.stat().st_size / 1e6:.0f} MB, {n_plain:_} rows")
        print(f"options: {rich.stat().st_size / 1e6:.0f} MB, {n_rich:_} rows (skip_rows=1, text column, 1% NA, mean)")
        times: dict[str, list[float]] = {"plain": [], "options": []}
        for _ in range(args.rounds):
            start = time.perf_counter()
            a = load_csv(plain)
            times["plain"].append(time.perf_counter() - start)
            del a
            start = time.perf_counter()
            b = load_csv(rich, skip_rows=1, missing="mean")
            times["options"].append(time.perf_counter() - start)
            summary = b.summary.text()
            del b
    t_plain, t_rich = min(times["plain"]), min(times["options"])
    print(f"plain load:   {t_plain:.1f} s")
    print(f"options load: {t_rich:.1f} s   ({summary})")
    print(f"ratio options/plain: {t_rich / t_plain:.2f}x (per row: {(t_rich / n_rich) / (t_plain / n_plain):.2f}x)")


if __name__ == "__main__":
    main()
