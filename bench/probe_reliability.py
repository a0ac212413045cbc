"""Probe the command line as a hostile user would (issue 18) and print a table of outcomes per input class.

    /work/main/.venv/bin/python bench/probe_reliability.py [--fuzz N]

Every input runs `python -m engine.cli …` in its own subprocess with a 4 GB address-space
limit and a 60 s timeout; its exit status, stderr, wall time and peak resident memory (wait4)
are classified as: ok (exit 0), refused (exit 1/2, one "error:" line), traceback, hang
(timeout), abort (killed by a signal), blow-up (peak RSS over 1 GB or "not enough memory").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "engine"))

LIMIT = 4 * 1024**3
TIMEOUT = 60
BLOW_UP = 1024**3
BASE = {"format": "backprop-workbench-experiment", "version": 1, "seed": 0,
        "dataset": {"builtin": "xor", "samples": 40},
        "network": {"sizes": [2, 4, 1], "activations": ["tanh", "sigmoid"]},
        "training": {"divergence": "bce", "optimizer": {"name": "sgd", "learning_rate": 0.1}}}


def _limit():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def run(argv, cwd) -> tuple[str, float, float, str]:
    """(outcome, seconds, peak MB, first stderr line) of one CLI call."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen([sys.executable, "-m", "engine.cli", *map(str, argv)], cwd=cwd, env=env,
                             stdout=subprocess.DEVNULL, stderr=err, preexec_fn=_limit)
        deadline = start + TIMEOUT
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                p.kill()
                _, status, usage = os.wait4(p.pid, 0)
                return "hang", TIMEOUT, usage.ru_maxrss / 1024, ""
            time.sleep(0.02)
        err.seek(0)
        text = err.read()
    seconds, peak = time.perf_counter() - start, usage.ru_maxrss / 1024
    first = text.strip().splitlines()[0] if text.strip() else ""
    if os.WIFSIGNALED(status):
        return "abort", seconds, peak, f"signal {os.WTERMSIG(status)}"
    code = os.WEXITSTATUS(status)
    if "Traceback" in text:
        return "traceback", seconds, peak, text.strip().splitlines()[-1]
    if peak * 2**20 > BLOW_UP or "not enough memory" in text:
        return "blow-up", seconds, peak, first
    if code == 0:
        return "ok", seconds, peak, first
    lines = text.strip().splitlines()
    if code in (1, 2) and (len(lines) == 1 and lines[0].startswith("backprop-workbench: error: ") or argv[0] == "gradcheck"):
        return "refused", seconds, peak, first
    return "traceback", seconds, peak, first


def experiment(folder: Path, name: str, doc=None, text: str | None = None) -> Path:
    path = folder / name
    path.write_text(text if text is not None else json.dumps(doc))
    return path


def changed(**changes) -> dict:
    doc = json.loads(json.dumps(BASE))
    for key, value in changes.items():
        *parents, last = key.split("__")
        node = doc
        for p in parents:
            node = node[p]
        node[last] = value
    return doc


def npz_bomb(path: Path, member_bytes: int, with_weights: bool) -> None:
    from engine.core.network import Network
    from engine.io.weights import save_weights
    if with_weights:
        save_weights(path, Network.create([2, 4, 1], ["tanh", "sigmoid"], seed=0))
    with zipfile.ZipFile(path, "a" if with_weights else "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("junk.npy", "w", force_zip64=True) as member:
            block = b"\0" * 2**24
            for _ in range(member_bytes // len(block)):
                member.write(block)


def cases(folder: Path, fuzz: int):
    """(class, argv) pairs."""
    good = experiment(folder, "good.json", BASE)
    out = ["--out", folder / "run", "--steps", "3", "--quiet"]
    yield "N = 1 (no hidden layer)", ["train", experiment(folder, "n1.json", changed(
        network={"sizes": [2, 1], "activations": ["sigmoid"]})), "--steps", "0", "--out", folder / "n1a"]
    yield "N = 1 (no hidden layer)", ["train", folder / "n1.json", "--steps", "5", "--out", folder / "n1b"]
    yield "N = 1 (no hidden layer)", ["gradcheck", folder / "n1.json"]
    fifo = folder / "pipe.csv"
    os.mkfifo(fifo)
    data_fifo = experiment(folder, "fifo_data.json", changed(dataset={"file": "pipe.csv"}))
    for argv in (["train", fifo], ["gradcheck", fifo], ["gradcheck", good, "--weights", fifo], ["train", data_fifo, *out]):
        yield "FIFO paths", argv
    dev = experiment(folder, "dev_data.json", changed(dataset={"file": "/dev/zero"}))
    for argv in (["train", "/dev/zero"], ["gradcheck", good, "--weights", "/dev/zero"], ["train", dev, *out],
                 ["train", folder]):
        yield "devices and folders", argv
    sizes = [2] + [1] * 1_000_000
    yield "oversized experiments", ["train", experiment(folder, "layers.json", changed(
        network={"sizes": sizes, "activations": ["tanh"] * (len(sizes) - 1)})), *out]
    yield "oversized experiments", ["train", experiment(folder, "big.json", text="[" + "[]," * 6_000_000 + "[]]"), *out]
    yield "oversized experiments", ["train", experiment(folder, "params.json", changed(
        network={"sizes": [2, 100_000, 100_000, 1], "activations": ["tanh", "tanh", "sigmoid"]})), *out]
    line = folder / "line.csv"
    line.write_bytes(b"1," * (40 * 2**20) + b"0\n")
    rows = folder / "rows.csv"
    rows.write_bytes(b"x,y\n" + b"1,0\n2,1\n" * (12 * 2**20))
    for name in ("line.csv", "rows.csv"):
        yield "CSV memory blow-ups", ["train", experiment(folder, f"{name}.json", changed(dataset={"file": name})), *out]
    npz_bomb(folder / "bomb.npz", 2**30, True)
    npz_bomb(folder / "bomb_only.npz", 2**29, False)
    for name in ("bomb.npz", "bomb_only.npz"):
        yield "zip bombs", ["gradcheck", good, "--weights", folder / name]
    yield "zip bombs", ["train", experiment(folder, "npzdata.json", changed(dataset={"file": "bomb_only.npz"})), *out]
    np.save(folder / "plain.npy", np.zeros(3))
    yield "weights: wrong kinds", ["gradcheck", good, "--weights", folder / "plain.npy"]
    (folder / "text.npz").write_text("hello")
    yield "weights: wrong kinds", ["gradcheck", good, "--weights", folder / "text.npz"]
    for i, header in enumerate([b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f8'   \n",
                                b"\x93NUMPY\x01\x00\x46\x00{'descr': '<f8', 'fortran_order': False, "
                                b"'shape': (99999999999, 2), }        \n",
                                b"\x93NUMPY\x01\x00\x43\x00{'descr': '|O', 'fortran_order': False, 'shape': (2, 2), }        \n"
                                + b"\0" * 32,
                                b"not numpy", b"\x93NUMPY\x09\x09"]):
        (folder / f"h{i}.npy").write_bytes(header)
        yield "malformed .npy", ["train", experiment(folder, f"h{i}.json", changed(dataset={"file": f"h{i}.npy"})), *out]
    (folder / "dims-images-idx3-ubyte").write_bytes(bytes([0, 0, 8, 70]) + b"\0\0\0\1" * 70 + b"\0")
    (folder / "dims-labels-idx1-ubyte").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 1, 0]))
    (folder / "one-images-idx3-ubyte").write_bytes(bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 5, 7]))
    (folder / "one-labels-idx1-ubyte").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 2, 3, 3]))
    for name in ("dims", "one"):
        yield "IDX", ["train", experiment(folder, f"{name}.json", changed(
            dataset={"file": f"{name}-images-idx3-ubyte"})), *out]
    for i, scale in enumerate([1e155, 1e200, 1e300, 1.7e308]):
        X = [[scale * (k % 3 - 1), k * 0.1] for k in range(20)]
        yield "huge finite values", ["train", experiment(folder, f"huge{i}.json", changed(
            dataset={"points": {"X": X, "labels": [k % 2 for k in range(20)]}})), *out]
    for i, changes in enumerate([
        {"training__optimizer": {"name": "adagrad", "learning_rate": 0.1, "lr_decay": -1}},
        {"training__optimizer": {"name": "adam", "learning_rate": 0.1, "eps": -1}},
        {"network__init": "uniform", "network__init_scale": 1e308},
        {"network": {"sizes": [2, 4, 1], "activations": ["tanh", "softmax"]}},
        {"training__divergence": "cross_entropy"}, {"training__divergence": "kl"},
        {"training__label_smoothing": 0.1, "dataset": {"builtin": "sine"}, "training__divergence": "l2",
         "network": {"sizes": [1, 4, 1], "activations": ["tanh", "identity"]}},
        {"training__label_smoothing": 0.1, "training__divergence": "l2"},
        {"training__batch_size": 10**30}, {"seed": 2**64},
    ]):
        yield "settings accepted and ignored / overflow", ["train", experiment(folder, f"s{i}.json", changed(**changes)), *out]
    yield "duplicate keys / BOM", ["train", experiment(folder, "dup.json", text=json.dumps(BASE).replace(
        '"seed": 0', '"seed": 0, "seed": 1')), *out]
    (folder / "bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(BASE).encode())
    yield "duplicate keys / BOM", ["train", folder / "bom.json", *out]
    inside = folder / "inside"
    inside.mkdir()
    yield "--out into the input's folder", ["train", experiment(inside, "experiment.json", BASE), "--out", inside]
    yield from fuzzed(folder, fuzz)


def fuzzed(folder: Path, n: int):
    from hypothesis import HealthCheck, given, settings
    from test_fuzz_cli import experiments
    docs = []

    @settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(experiments())
    def collect(doc):
        docs.append(doc)

    collect()
    random.Random(0).shuffle(docs)
    for i, doc in enumerate(docs[:n]):
        sub = folder / f"fuzz{i}"
        sub.mkdir()
        rows = doc["dataset"].pop("_csv", None)
        if rows is not None:
            (sub / "data.csv").write_text("x1,x2,y\n" + "".join(",".join(map(repr, r)) + "\n" for r in rows))
        path = experiment(sub, "e.json", doc)
        yield "hypothesis-generated experiments", ["train", path, "--steps", "3", "--quiet", "--out", sub / "run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzz", type=int, default=40, help="hypothesis-generated experiments (default 40)")
    parser.add_argument("--verbose", action="store_true", help="print every input's outcome and first stderr line")
    args = parser.parse_args()
    table = defaultdict(lambda: defaultdict(int))
    worst = defaultdict(lambda: (0.0, 0.0))
    notes = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for kind, argv in cases(folder, args.fuzz):
            outcome, seconds, peak, line = run(argv, folder)
            table[kind][outcome] += 1
            worst[kind] = (max(worst[kind][0], seconds), max(worst[kind][1], peak))
            if args.verbose:
                print(f"{kind}: {outcome}: {line[:200]}")
            if outcome not in ("ok", "refused"):
                notes.append(f"{kind}: {outcome}: {' '.join(map(str, argv))[:100]} -> {line[:160]}")
    outcomes = ["ok", "refused", "traceback", "hang", "abort", "blow-up"]
    print(f"| input class | tried | {' | '.join(outcomes)} | slowest s | peak MB |")
    print("|---|---:|" + "---:|" * (len(outcomes) + 2))
    totals = defaultdict(int)
    for kind, counts in table.items():
        for o in outcomes:
            totals[o] += counts[o]
        print(f"| {kind} | {sum(counts.values())} | {' | '.join(str(counts[o]) for o in outcomes)} | "
              f"{worst[kind][0]:.1f} | {worst[kind][1]:.0f} |")
    print(f"| **all** | {sum(totals.values())} | {' | '.join(str(totals[o]) for o in outcomes)} | | |")
    for note in notes:
        print("  " + note)


if __name__ == "__main__":
    main()
