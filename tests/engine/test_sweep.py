"""Sweeps: the grid, runs identical to `train`, any executor the same, resumable, interruptible."""

from __future__ import annotations

import concurrent.futures as cf
import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from engine.cli import main
from engine.core.errors import ConfigurationError, ExperimentError
from engine.io.experiment import Experiment
from engine.run import build
from engine.sweep import command
from engine.sweep.execute import run_sweep
from engine.sweep.grid import grid, parse_vary
from engine.sweep.job import Job, run_job
from engine.sweep.summary import summary_svg

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "resources" / "experiments" / "default.json"
LR = "training.optimizer.learning_rate"


def _table(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _weights(path: Path) -> dict:
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def _same_weights(a: Path, b: Path) -> bool:
    wa, wb = _weights(a), _weights(b)
    return wa.keys() == wb.keys() and all(np.array_equal(wa[k], wb[k]) for k in wa)


def test_sweep_vary_lists_ranges_and_json_values():
    assert parse_vary(f"{LR}=0.01,0.1,1").values == (0.01, 0.1, 1)
    rates = np.array(parse_vary(f"{LR}=1e-4..10:13:log").values)
    assert len(rates) == 13 and rates[0] == 1e-4 and rates[-1] == 10
    np.testing.assert_allclose(rates[1:] / rates[:-1], 10 ** (5 / 12), rtol=1e-9)  # evenly spaced in log η
    assert parse_vary(f"{LR}=1e-4..10:6:log").values == (0.0001, 0.001, 0.01, 0.1, 1.0, 10.0)
    assert parse_vary("training.batch_size=1..64:7:log").values == (1, 2, 4, 8, 16, 32, 64)
    assert parse_vary("training.divergence=l2,bce").values == ("l2", "bce")
    acts = parse_vary('network.activations=["tanh","tanh","sigmoid"],["relu","relu","sigmoid"]')
    assert acts.values == (["tanh", "tanh", "sigmoid"], ["relu", "relu", "sigmoid"])
    for bad in ("nokey", f"{LR}=", f"{LR}=1..", f"{LR}=0..1:3:log", f"{LR}=1,1"):
        with pytest.raises(ConfigurationError):
            parse_vary(bad)


def test_sweep_grid_is_the_product_times_seeds_and_checked_up_front():
    experiment = Experiment.load(DEFAULT)
    points = grid(experiment, [parse_vary(f"{LR}=0.1,1"), parse_vary("training.divergence=l2,bce")], seeds=3)
    assert len(points) == 12 and len({p.name for p in points}) == 12
    assert {p.seed for p in points} == {experiment.seed, experiment.seed + 1, experiment.seed + 2}
    assert {(p.experiment.training.optimizer.learning_rate, p.experiment.training.divergence) for p in points} == {
        (0.1, "l2"), (0.1, "bce"), (1, "l2"), (1, "bce")}
    with pytest.raises(ExperimentError, match="training.batch_size"):
        grid(experiment, [parse_vary("training.batch_size=10,-3")])
    with pytest.raises(ConfigurationError, match="not both"):
        grid(experiment, [parse_vary("seed=1,2")], seeds=2)


def test_sweep_optimizer_name_keeps_the_varied_learning_rate():
    points = grid(Experiment.load(DEFAULT), [parse_vary(f"{LR}=0.5"), parse_vary("training.optimizer.name=adam,sgd")])
    assert [(p.experiment.training.optimizer.name, p.experiment.training.optimizer.learning_rate) for p in points] == [
        ("adam", 0.5), ("sgd", 0.5)]


def test_sweep_run_is_bit_identical_to_train(tmp_path):
    out = tmp_path / "sweep"
    assert main(["sweep", str(DEFAULT), "--vary", f"{LR}=0.05,0.5", "--seeds", "2", "--steps", "60",
                 "--workers", "1", "--out", str(out), "--quiet"]) == 0
    rows = _table(out / "sweep.csv")
    assert len(rows) == 4 and {r["status"] for r in rows} <= {"ok", "diverged", "plateau"}
    for row in rows:
        solo = tmp_path / row["run"]
        assert main(["train", str(DEFAULT), "--steps", "60", "--learning-rate", row[LR], "--seed", row["seed"],
                     "--out", str(solo), "--quiet"]) == 0
        assert _same_weights(out / "runs" / row["run"] / "weights.npz", solo / "weights.npz")
        assert (out / "runs" / row["run"] / "history.csv").read_text() == (solo / "history.csv").read_text()


def _results(out: Path) -> dict:
    rows = _table(out / "sweep.csv")
    keep = lambda r: {k: v for k, v in r.items() if k != "wall_time_s"}  # noqa: E731
    return {r["run"]: (keep(r), _weights(out / "runs" / r["run"] / "weights.npz")) for r in rows}


def _assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert a[name][0] == b[name][0]
        assert all(np.array_equal(a[name][1][k], b[name][1][k]) for k in a[name][1])


def test_sweep_workers_and_dask_cluster_give_identical_results(tmp_path):
    distributed = pytest.importorskip("distributed")
    args = ["sweep", str(DEFAULT), "--vary", f"{LR}=0.01,0.3,3", "--seeds", "2", "--steps", "80", "--quiet"]
    assert main(args + ["--workers", "1", "--out", str(tmp_path / "one")]) == 0
    assert main(args + ["--workers", "2", "--out", str(tmp_path / "two")]) == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert main(args + ["--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "dask")]) == 0
    one = _results(tmp_path / "one")
    assert len(one) == 6
    _assert_same(one, _results(tmp_path / "two"))
    _assert_same(one, _results(tmp_path / "dask"))


def test_sweep_marks_diverged_runs(tmp_path):
    diverging = ROOT / "resources" / "experiments" / "diverging_learning_rate.json"
    rate = Experiment.load(diverging).training.optimizer.learning_rate
    assert main(["sweep", str(diverging), "--vary", f"{LR}={rate / 100},{rate}", "--steps", "300",
                 "--workers", "1", "--out", str(tmp_path), "--quiet"]) == 0
    assert [r["status"] for r in _table(tmp_path / "sweep.csv")] == ["ok", "diverged"]
    assert "×" in (tmp_path / "summary.svg").read_text()


class _Counting(cf.Executor):
    """Runs jobs in-process; counts them; raises KeyboardInterrupt at submission `interrupt_at`."""

    def __init__(self, interrupt_at=None):
        self.submitted, self.interrupt_at = 0, interrupt_at

    def submit(self, fn, /, *args, **kwargs):
        self.submitted += 1
        if self.submitted == self.interrupt_at:
            raise KeyboardInterrupt
        future = cf.Future()
        future.set_result(fn(*args, **kwargs))
        return future


def _plan(seeds=3):
    experiment = Experiment.load(DEFAULT)
    axes = [parse_vary(f"{LR}=0.1,1")]
    points = grid(experiment, axes, seeds)
    jobs = [Job(p.name, p.experiment.to_dict(), str(DEFAULT.parent), steps=30) for p in points]
    return points, jobs, [a.key for a in axes]


def test_sweep_interrupted_keeps_finished_runs_and_resumes_the_rest(tmp_path):
    points, jobs, keys = _plan()
    with pytest.raises(KeyboardInterrupt):
        run_sweep(points, jobs, keys, tmp_path, _Counting(interrupt_at=3), window=1)
    assert len(_table(tmp_path / "sweep.csv")) == 2
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == [jobs[0].name, jobs[1].name]
    again = _Counting()
    rows = run_sweep(points, jobs, keys, tmp_path, again, window=1)
    assert again.submitted == len(jobs) - 2 and len(rows) == len(jobs)
    assert [r["run"] for r in _table(tmp_path / "sweep.csv")] == [j.name for j in jobs]
    third = _Counting()
    run_sweep(points, jobs, keys, tmp_path, third)
    assert third.submitted == 0


def test_sweep_refuses_an_out_dir_of_other_settings(tmp_path):
    points, jobs, keys = _plan(seeds=1)
    run_sweep(points, jobs[:1], keys, tmp_path, _Counting())
    other = [Job(jobs[0].name, {**jobs[0].document, "seed": 99}, jobs[0].base_dir, steps=30)]
    with pytest.raises(ConfigurationError, match="other settings"):
        run_sweep(points, other, keys, tmp_path, _Counting())


def test_sweep_target_accuracy_records_first_iteration(tmp_path):
    _, jobs, _ = _plan(seeds=1)
    # two moons: a set the default network separates to 70 % within a few hundred steps at η = 1
    document = {**jobs[1].document, "training": {**jobs[1].document["training"], "evaluate_every": 10},
                "dataset": {"builtin": "moons", "samples": 400, "noise": 0.1, "test_fraction": 0.5, "standardize": True}}
    result = run_job(Job(jobs[1].name, document, jobs[1].base_dir, steps=600, target_accuracy=0.7))
    (tmp_path / "history.csv").write_bytes(result["files"]["history.csv"])
    evaluated = [r for r in _table(tmp_path / "history.csv") if r["train_accuracy"]]
    reached = [int(r["step"]) for r in evaluated if float(r["train_accuracy"]) >= 0.7]
    assert reached, "the default network reaches 70 % on two moons within 600 steps at η = 1"
    assert result["row"]["iterations_to_target"] == reached[0] and reached[0] % 10 == 0
    never = run_job(Job(jobs[1].name, document, jobs[1].base_dir, steps=40, target_accuracy=1.01))
    assert never["row"]["iterations_to_target"] is None


def test_sweep_summary_is_valid_svg_with_a_point_per_run(tmp_path):
    points, jobs, keys = _plan(seeds=2)
    rows = run_sweep(points, jobs, keys, tmp_path, _Counting())
    svg = summary_svg(points, rows, [parse_vary(f"{LR}=0.1,1")])
    tree = ET.fromstring(svg)
    circles = tree.findall(".//{http://www.w3.org/2000/svg}circle")
    assert len(circles) == sum(r["status"] != "diverged" for r in rows.values())
    axes = [parse_vary(f"{LR}=0.1,1"), parse_vary("training.batch_size=5,10,20")]
    points = grid(Experiment.load(DEFAULT), axes)
    jobs = [Job(p.name, p.experiment.to_dict(), str(DEFAULT.parent), steps=20) for p in points]
    rows = run_sweep(points, jobs, [a.key for a in axes], tmp_path / "two", _Counting())
    heatmap = ET.fromstring(summary_svg(points, rows, axes))
    assert len(heatmap.findall(".//{http://www.w3.org/2000/svg}rect")) == 1 + 2 * 3  # background + a cell per pair


def test_sweep_cli_errors_are_one_line(tmp_path, capsys, monkeypatch):
    assert main(["sweep", str(DEFAULT), "--vary", "training.batch_size=0", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "training.batch_size" in err
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    assert main(["sweep", str(DEFAULT), "--vary", f"{LR}=0.1", "--scheduler", "tcp://127.0.0.1:1",
                 "--out", str(tmp_path)]) == 1
    assert "pip install 'backprop-workbench[dask]'" in capsys.readouterr().err


def test_sweep_unreachable_scheduler_is_one_line(tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(command, "CONNECT_TIMEOUT", "2s")
    assert main(["sweep", str(DEFAULT), "--vary", f"{LR}=0.1", "--scheduler", "tcp://127.0.0.1:9",
                 "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert "cannot reach the Dask scheduler" in err and err.count("\n") == 0


def test_sweep_file_runs_its_grid_and_the_command_line_wins(tmp_path):
    shipped = ROOT / "resources" / "sweeps" / "learning_rate.json"
    document = json.loads(shipped.read_text())
    assert document["seeds"] == 3 and parse_vary("k=" + document["vary"][LR]).values[0] == 1e-4
    assert len(parse_vary("k=" + document["vary"][LR]).values) == 13
    small = tmp_path / "small.json"
    small.write_text(json.dumps({**document, "experiment": str(DEFAULT), "vary": {LR: [0.1, 1]}, "seeds": 2}))
    assert main(["sweep", str(small), "--steps", "20", "--workers", "1", "--out", str(tmp_path / "a"), "--quiet"]) == 0
    rows = _table(tmp_path / "a" / "sweep.csv")
    assert [(r[LR], r["seed"], r["iterations"]) for r in rows] == [
        ("0.1", "0", "20"), ("0.1", "1", "20"), ("1", "0", "20"), ("1", "1", "20")]
    assert main(["sweep", str(small), "--seeds", "1", "--vary", "training.batch_size=5", "--steps", "10",
                 "--workers", "1", "--out", str(tmp_path / "b"), "--quiet"]) == 0
    assert [r["training.batch_size"] for r in _table(tmp_path / "b" / "sweep.csv")] == ["5"]
    small.write_text(json.dumps({**document, "experiment": str(DEFAULT), "seeds": 0}))
    assert main(["sweep", str(small), "--out", str(tmp_path / "c")]) == 1


def test_sweep_cancel_starts_no_further_run_and_keeps_finished(tmp_path):
    import threading

    points, jobs, keys = _plan()
    cancel = threading.Event()
    rows = run_sweep(points, jobs, keys, tmp_path, _Counting(), window=1,
                     on_result=lambda done, total, row: cancel.set() if done == 2 else None, cancel=cancel)
    assert len(rows) == 2 and len(_table(tmp_path / "sweep.csv")) == 2


def test_sweep_job_touches_no_disk_and_says_where_its_time_went(monkeypatch):
    import tempfile

    from engine.io import atomic

    def no_disk(*args, **kwargs):
        raise AssertionError("a sweep job wrote to disk")

    for module, name in ((atomic, "atomic_open"), (tempfile, "mkstemp"), (tempfile, "mkdtemp")):
        monkeypatch.setattr(module, name, no_disk)
    _, jobs, _ = _plan(seeds=1)
    result = run_job(jobs[0])
    assert set(result["files"]) == {"weights.npz", "history.csv", "experiment.json", "state.npz"}
    for clock in ("seconds", "cpu_seconds"):
        assert set(result[clock]) == {"setup", "train", "write"} and all(s >= 0 for s in result[clock].values())
    assert sum(result["seconds"].values()) == pytest.approx(result["row"]["wall_time_s"], abs=1e-3)


def test_sweep_run_of_a_data_file_reads_it_from_its_run_folder(tmp_path, monkeypatch):
    (tmp_path / "exp").mkdir()
    X = np.random.default_rng(0).normal(size=(20, 2))
    (tmp_path / "exp" / "points.csv").write_text("u,v,label\n" + "".join(f"{a},{b},{int(a > b)}\n" for a, b in X))
    document = json.loads(DEFAULT.read_text())
    document["dataset"] = {"file": "points.csv", "features": ["u", "v"], "target": "label", "test_fraction": 0.0}
    (tmp_path / "exp" / "mine.json").write_text(json.dumps(document))
    experiment = Experiment.load(tmp_path / "exp" / "mine.json")
    axes = [parse_vary(f"{LR}=0.1")]
    points = grid(experiment, axes)
    monkeypatch.chdir(tmp_path)  # folders given relative to the working directory, as on the command line
    jobs = [Job(p.name, p.experiment.to_dict(), "exp", steps=5) for p in points]
    run_sweep(points, jobs, [LR], Path("out"), _Counting())
    saved = tmp_path / "out" / "runs" / points[0].name / "experiment.json"
    assert json.loads(saved.read_text())["dataset"]["file"] == "../../../exp/points.csv"
    assert build(Experiment.load(saved)).data.n_train == 20


@pytest.mark.parametrize("every", [0.0, 1e9])
def test_sweep_table_is_rewritten_at_most_every_so_often_and_always_at_the_end(tmp_path, monkeypatch, every):
    from engine.sweep import execute

    monkeypatch.setattr(execute, "TABLE_EVERY", every)
    points, jobs, keys = _plan(seeds=2)
    seen = []
    rows = run_sweep(points, jobs, keys, tmp_path, _Counting(), window=1,
                     on_result=lambda done, total, row: seen.append((done, len(_table(tmp_path / "sweep.csv")))))
    assert [done for done, _ in seen] == [1, 2, 3, 4]
    assert [n for _, n in seen] == ([1, 2, 3, 4] if every == 0 else [0, 0, 0, 0])
    assert [r["run"] for r in _table(tmp_path / "sweep.csv")] == [j.name for j in jobs] == list(rows)


def test_sweep_local_pool_from_a_threaded_process_gives_the_in_process_results(tmp_path):
    from engine.core.processes import local_context
    from engine.sweep.pool import local_pool

    assert local_context(may_fork=False).get_start_method() in ("forkserver", "spawn")  # never fork from threads
    points, jobs, keys = _plan(seeds=1)
    run_sweep(points, jobs, keys, tmp_path / "one", _Counting())
    with local_pool(2) as pool:  # what the GUI's sweep dialog uses
        run_sweep(points, jobs, keys, tmp_path / "pool", pool, window=4)
    _assert_same(_results(tmp_path / "one"), _results(tmp_path / "pool"))
