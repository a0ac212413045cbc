"""Headless command line: train an experiment, check gradients, list datasets.

    backprop-workbench train EXPERIMENT.json [--steps N | --epochs E] [--out DIR] [overrides]
    backprop-workbench gradcheck EXPERIMENT.json [--samples N]
    backprop-workbench datasets
    backprop-workbench sweep EXPERIMENT.json --vary KEY=VALUES [...]   (engine.sweep)
    backprop-workbench hessian|landscape EXPERIMENT.json …   (engine.geometry)

Every failure is one line on stderr ("backprop-workbench: error: …") and a non-zero exit
status: 1 for a bad experiment, file or setting, 2 for bad command-line usage, 130 on Ctrl-C.
`workbench.__main__` sends the sub-commands in SUBCOMMANDS here and opens the GUI otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

from engine import export_cli
from engine.analysis.gradient_check import gradient_check
from engine.cli_args import count as _count
from engine.cli_args import epochs as _epochs
from engine.cli_args import positive as _positive
from engine.core.divergences import DIVERGENCES
from engine.core.errors import WorkbenchError
from engine.core.optimizers import OPTIMIZERS
from engine.data.bundled import BUNDLED
from engine.data.toys import BUILTIN
from engine.geometry import hessian_command, landscape_command
from engine.io import atomic
from engine.io.experiment import Experiment
from engine.io.history_csv import stream_history
from engine.io.weights import load_weights
from engine.progress import Progress
from engine.run import build, resume, train_for, write_outputs
from engine.sweep import command as sweep_command

PROG = "backprop-workbench"
#: sub-commands in their own modules (NAME, add_parser(subparsers), run(args)): one line each
EXTENSIONS = (export_cli, sweep_command, hessian_command, landscape_command)
SUBCOMMANDS = frozenset({"train", "gradcheck", "datasets"} | {m.NAME for m in EXTENSIONS})
DEFAULT_STEPS = 1000
GRADCHECK_TOLERANCE = 1e-6


class UsageError(Exception):
    """Bad command-line usage (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise UsageError(f"{message} (see '{self.prog} --help')")


def handles(argv: list[str]) -> bool:
    """True if `argv` is a command-line call (a sub-command or --help), not a GUI launch."""
    return bool(argv) and (argv[0] in SUBCOMMANDS or argv[0] in ("-h", "--help"))


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description="Backprop Workbench: see and teach how neural networks learn. "
                f"Without a sub-command, '{PROG} [EXPERIMENT.json]' opens the application window.",
                epilog=f"'{PROG} --smoke-test OUT.png' checks an install: the window offscreen, 100 training "
                "steps, the decision plot written to OUT.png, exit status 0.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    t = sub.add_parser("train", help="train an experiment headless and write weights, history and experiment",
                       description="Train EXPERIMENT.json without the GUI. Writes DIR/weights.npz, DIR/history.csv "
                       "and DIR/experiment.json (the experiment as run, overrides included).")
    t.add_argument("experiment", metavar="EXPERIMENT.json")
    length = t.add_mutually_exclusive_group()
    length.add_argument("--steps", type=_count, metavar="N",
                        help=f"number of parameter updates (default {DEFAULT_STEPS}; 0 writes the initial weights)")
    length.add_argument("--epochs", type=_epochs, metavar="E", help="train for E passes over the training set")
    t.add_argument("--out", metavar="DIR", help="output directory (default: runs/<experiment name>, "
                   "or the --resume directory)")
    t.add_argument("--resume", metavar="DIR", help="continue from DIR/state.npz (a previous --out) for --steps "
                   "more updates, bit for bit as if never stopped; the history continues its step numbering")
    t.add_argument("--learning-rate", type=float, metavar="X", help="override training.optimizer.learning_rate")
    t.add_argument("--optimizer", choices=sorted(OPTIMIZERS), help="override the optimiser (its other "
                   "hyperparameters take their defaults; the learning rate is kept)")
    t.add_argument("--divergence", choices=sorted(DIVERGENCES), help="override training.divergence")
    t.add_argument("--batch-size", type=int, metavar="N", help="override training.batch_size")
    t.add_argument("--seed", type=int, metavar="N", help="override the experiment seed")
    t.add_argument("--quiet", action="store_true", help="no progress output")
    g = sub.add_parser("gradcheck", help="compare backprop's gradient with central differences",
                       description="Print, per layer, the largest relative error between backprop's "
                       "∂Div/∂W^(k), ∂Div/∂b^(k) and central differences on a few training examples, in float64. "
                       f"Exit status 1 if any exceeds {GRADCHECK_TOLERANCE:g}.")
    g.add_argument("experiment", metavar="EXPERIMENT.json")
    g.add_argument("--samples", type=_positive, default=5, metavar="N", help="examples in the batch (default 5)")
    g.add_argument("--weights", metavar="FILE.npz", help="check at these weights instead of the initial ones")
    sub.add_parser("datasets", help="list the built-in and bundled datasets",
                   description="List the built-in generators (with parameters and defaults) and bundled datasets.")
    for module in EXTENSIONS:
        module.add_parser(sub)
    return p


# -- train ----------------------------------------------------------------------------------
def _overridden(experiment: Experiment, args) -> Experiment:
    """The experiment with the command-line overrides, checked like a file (errors name the key)."""
    doc = experiment.to_dict()
    training, optimizer = doc["training"], doc["training"]["optimizer"]
    if args.optimizer is not None and args.optimizer != optimizer["name"]:
        optimizer = training["optimizer"] = {"name": args.optimizer, "learning_rate": optimizer["learning_rate"]}
    if args.learning_rate is not None:
        optimizer["learning_rate"] = args.learning_rate
    if args.divergence is not None:
        training["divergence"] = args.divergence
    if args.batch_size is not None:
        training["batch_size"] = args.batch_size
    if args.seed is not None:
        doc["seed"] = args.seed
    return Experiment.from_dict(doc, experiment.base_dir)


def _train(args) -> int:
    path = Path(args.experiment)
    experiment = _overridden(Experiment.load(path), args)
    run = build(experiment)
    earlier = resume(run, Path(args.resume)) if args.resume else None
    out = Path(args.out) if args.out else Path(args.resume) if args.resume else Path("runs") / path.stem
    out = _output_folder(out, path)
    steps = DEFAULT_STEPS if args.steps is None and args.epochs is None else args.steps
    progress = Progress(sys.stderr, args.quiet)
    trainer = run.trainer

    def show(fraction: float) -> None:
        progress.update(fraction, trainer.iteration, trainer.history.loss[-1] if len(trainer.history) else math.nan)

    started = time.perf_counter()
    with atomic.atomic_directory(out) as tmp:  # the whole set replaces a previous run, or nothing does
        # history.csv is streamed while training: every iteration at full resolution, in bounded memory
        with stream_history(tmp / "history.csv", trainer.history, earlier), np.errstate(all="ignore"):
            train_for(run, steps, args.epochs, show)  # overflow while diverging: the guard reports it
        progress.close()
        elapsed = time.perf_counter() - started
        write_outputs(run, tmp, final=out, history=False)
    _report(run, elapsed, out)
    return 0


OUTPUTS = ("weights.npz", "history.csv", "experiment.json", "state.npz")


def _output_folder(out: Path, experiment_path: Path) -> Path:
    """`out`, checked: not the folder holding the input experiment, and holding nothing but a previous run."""
    if out.exists() and not out.is_dir():
        raise WorkbenchError(f"--out {out}: is a file, not a folder")
    if out.resolve() == experiment_path.resolve().parent:
        raise WorkbenchError(f"--out {out}: is the folder holding the input experiment {experiment_path.name}; "
                             "a run would overwrite it, so choose another folder")
    if out.is_dir():
        others = sorted(p.name for p in out.iterdir() if p.name not in OUTPUTS)
        if others:
            raise WorkbenchError(f"--out {out}: holds other files ({', '.join(others[:3])}"
                                 f"{', ...' if len(others) > 3 else ''}); a run replaces the whole folder, "
                                 "so choose an empty or new one")
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def _report(run, elapsed: float, out: Path) -> None:
    t, h = run.trainer, run.trainer.history
    rate = f", {t.iteration / elapsed:,.0f} steps/s" if elapsed > 0 and t.iteration else ""
    print(f"trained {t.iteration} steps ({t.epoch:.4g} epochs) in {elapsed:.2f} s{rate}")
    if t.stopped is not None and t.stopped.kind == "diverged":
        print(f"stopped: {t.stopped.message}")
    for split in ("train", "test"):
        loss, accuracy = h.evaluation(f"{split}_loss")[-1], h.evaluation(f"{split}_accuracy")[-1]
        if math.isnan(loss):
            continue
        acc = "" if math.isnan(accuracy) else f"  accuracy {100 * accuracy:.1f} %"
        print(f"{split:5s} loss {loss:.6g}{acc}")
    print(f"wrote {out / 'weights.npz'}, {out / 'history.csv'}, {out / 'experiment.json'}, {out / 'state.npz'}")


# -- gradcheck ------------------------------------------------------------------------------
def _gradcheck(args) -> int:
    from dataclasses import replace

    experiment = Experiment.load(Path(args.experiment))
    experiment = replace(experiment, network=replace(experiment.network, dtype="float64"))
    run = build(experiment)
    if args.weights:
        load_weights(args.weights, run.network)
    t = run.trainer
    n = min(args.samples, len(t.x))
    check = gradient_check(run.network, t.x[:n], t.d[:n], t.divergence)
    print(f"gradient check on {n} training examples, float64, divergence {t.divergence.name}")
    print(f"{'layer':>5}  {'max rel. error W':>16}  {'max rel. error b':>16}")
    for k, err_w, err_b in check.per_layer():
        print(f"{k:>5}  {err_w:16.3e}  {err_b:16.3e}")
    if not check.finite:
        print("the loss or its gradient is not finite at these weights (overflow: inf or NaN), so the "
              "gradients cannot be compared; try smaller weights or inputs")
        return 1
    ok = check.max_relative_error < GRADCHECK_TOLERANCE
    print(f"max relative error {check.max_relative_error:.3e}: "
          + ("OK" if ok else f"above {GRADCHECK_TOLERANCE:g} (ReLU kinks can cause this; see the per-layer values)"))
    return 0 if ok else 1


# -- datasets -------------------------------------------------------------------------------
def _datasets(args) -> int:
    print("Built-in generators (dataset {\"builtin\": NAME, PARAMETER: VALUE, ...}):")
    for name, spec in BUILTIN.items():
        params = ", ".join(f"{k}={v}" for k, v in spec.defaults.items())
        print(f"  {name:13s} {spec.problem:10s} {spec.input_dim}-D  {params}")
        print(f"  {'':13s} {spec.description}")
    print("Bundled datasets (dataset {\"bundled\": NAME}):")
    for name, spec in BUNDLED.items():
        print(f"  {name:13s} {spec.problem:10s} {spec.n_samples} × {spec.n_features}, {spec.n_classes} classes")
        print(f"  {'':13s} {spec.description}")
    return 0


COMMANDS = {"train": _train, "gradcheck": _gradcheck, "datasets": _datasets} | {m.NAME: m.run for m in EXTENSIONS}


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def main(argv: list[str] | None = None) -> int:
    """Run a sub-command; returns the exit status (never raises for a user error)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        try:
            args = _parser().parse_args(argv)
        except UsageError as exc:
            print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
            return 2
        if args.command is None:
            print(f"{PROG}: error: no sub-command; choose one of {', '.join(sorted(SUBCOMMANDS))} "
                  f"(see '{PROG} --help')", file=sys.stderr)
            return 2
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `… datasets | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (WorkbenchError, json.JSONDecodeError, UnicodeError) as exc:
        message = str(exc)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        message = f"{where}{exc.strerror or exc}"
    except MemoryError:
        message = "not enough memory for this experiment"
    print(f"{PROG}: error: {_one_line(message)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
