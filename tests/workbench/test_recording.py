"""Recording training as GIF / MP4 (issue 16): reproducible to the byte, the right frames, clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.io.experiment import EXAMPLES_DIR, Experiment
from workbench import record_cli, recording

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = EXAMPLES_DIR / "default.json"
SMALL = (160, 120)


def test_frames_are_evenly_spaced_from_zero_to_n():
    assert recording.frame_steps(100, 5) == [0, 25, 50, 75, 100]
    assert recording.frame_steps(10, 4) == [0, 3, 7, 10]
    assert recording.frame_steps(7, 1) == [7]


def test_two_gif_recordings_are_byte_identical_with_the_frames_asked_for(qapp, tmp_path):
    from PIL import Image, ImageSequence

    experiment = Experiment.load(DEFAULT)
    a = recording.record(experiment, 300, 4, tmp_path / "a.gif", SMALL, "figure")
    b = recording.record(experiment, 300, 4, tmp_path / "b.gif", SMALL, "figure")
    assert a.read_bytes() == b.read_bytes()
    with Image.open(a) as gif:
        frames = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(gif)]
    assert len(frames) == 4 and frames[0].shape == (SMALL[1], SMALL[0], 3)
    assert not np.array_equal(frames[0], frames[-1])  # the boundary moved


def test_mp4_recordings_are_byte_identical(qapp, tmp_path):
    imageio = pytest.importorskip("imageio.v2")
    pytest.importorskip("imageio_ffmpeg")
    experiment = Experiment.load(DEFAULT)
    a = recording.record(experiment, 100, 5, tmp_path / "a.mp4", SMALL)
    b = recording.record(experiment, 100, 5, tmp_path / "b.mp4", SMALL)
    assert a.read_bytes() == b.read_bytes()
    with imageio.get_reader(a) as reader:
        assert reader.count_frames() == 5


def test_recorded_frames_show_the_runs_weights(qapp):
    """The last frame draws the weights the engine reaches in N steps of the same run."""
    from engine.run import build

    experiment = Experiment.load(DEFAULT)
    frames = recording.capture(experiment, 200, 2, SMALL)
    run = build(experiment)
    run.trainer.run(steps=200)
    figure = recording.RecordingFigure(build(experiment), "decision", 200, SMALL)
    figure.run.network.parameters[...] = run.network.parameters
    figure.draw()
    assert np.array_equal(figure.grab_rgb(), frames[-1])
    figure.close()


def test_bad_requests_are_refused_before_training(qapp, tmp_path):
    with pytest.raises(Exception, match=".gif or .mp4"):
        recording.check_request(10, 2, SMALL, "decision", tmp_path / "x.avi")
    with pytest.raises(Exception, match="--frames"):
        recording.check_request(10, 0, SMALL, "decision", tmp_path / "x.gif")
    with pytest.raises(Exception, match="even"):
        recording.check_request(10, 2, (161, 120), "decision", tmp_path / "x.mp4")


def test_missing_pillow_is_one_clear_line(qapp, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "PIL", None)
    status = record_cli.main([str(DEFAULT), "--steps", "5", "--frames", "2", "--out", str(tmp_path / "x.gif")])
    err = capsys.readouterr().err
    assert status == 1 and err.count("\n") == 1 and "Pillow" in err and "[animation]" in err
    assert not list(tmp_path.iterdir())


def test_record_command_runs_headless(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    out = tmp_path / "run.gif"
    r = subprocess.run([sys.executable, "-m", "workbench", "record", str(DEFAULT), "--steps", "40", "--frames", "3",
                        "--size", "160x120", "--view", "figure", "--out", str(out)],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 0 and "3 frames" in r.stdout
    bad = subprocess.run([sys.executable, "-m", "workbench", "record", str(DEFAULT), "--steps", "4", "--frames", "2",
                          "--size", "big", "--out", str(out)], env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "WIDTHxHEIGHT" in bad.stderr
