"""`backprop-workbench export WEIGHTS.npz --format onnx --out model.onnx`: weights for other tools.

    --experiment EXP.json       check the weights against its network and, when it standardised
                                its inputs, carry the training split's mean and scale as metadata
    --include-standardization   put x' = (x − mean) / scale in the graph as its first node

Registered in engine.cli (NAME, add_parser, run); errors surface there as one line on stderr.
"""

from __future__ import annotations

from pathlib import Path

from engine.core.errors import ConfigurationError
from engine.io.experiment import Experiment
from engine.io.onnx_export import save_onnx
from engine.io.weights import load_weights
from engine.run import build

NAME = "export"
FORMATS = ("onnx",)


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="write trained weights for other tools (ONNX)",
                       description="Convert WEIGHTS.npz (as written by 'train' or the app) into an ONNX model: "
                       "one Gemm per layer plus its activation; input 'x' = y^(0), output 'y' = y^(N), "
                       "dynamic batch dimension.")
    p.add_argument("weights", metavar="WEIGHTS.npz")
    p.add_argument("--format", choices=FORMATS, default="onnx", help="output format (default onnx)")
    p.add_argument("--out", metavar="FILE", required=True, help="the file to write, e.g. model.onnx")
    p.add_argument("--experiment", metavar="EXP.json", help="the experiment the weights were trained with "
                   "(its standardisation travels as metadata)")
    p.add_argument("--include-standardization", action="store_true",
                   help="make the model take raw inputs: (x − mean) / scale as its first node (needs --experiment)")


def run(args) -> int:
    network = load_weights(args.weights)
    mean = scale = None
    if args.experiment:
        experiment_run = build(Experiment.load(Path(args.experiment)))
        load_weights(args.weights, experiment_run.network)  # DataError unless sizes and activations agree
        prepared = experiment_run.data
        if prepared.standardized:
            mean, scale = prepared.mean, prepared.std
    if args.include_standardization and mean is None:
        raise ConfigurationError("--include-standardization needs --experiment with standardised inputs")
    save_onnx(args.out, network, mean, scale, args.include_standardization)
    print(f"wrote {args.out}: {'-'.join(map(str, network.sizes))} [{', '.join(network.activation_names)}], "
          f"{'raw inputs' if args.include_standardization else 'input y^(0)'}")
    return 0
