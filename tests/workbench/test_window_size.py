"""The first window fits any screen from 1280×720 up and grows with larger screens."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect

from workbench.window_size import FRAME, initial_geometry


@pytest.mark.parametrize("available", [QRect(0, 0, 1280, 720), QRect(0, 27, 1280, 693), QRect(1920, 0, 1920, 1040),
                                       QRect(0, 0, 2560, 1400)])
def test_window_fits_the_available_screen(available):
    g = initial_geometry(available)
    frame = g.adjusted(0, -FRAME, 0, 0)  # with the title bar
    assert available.contains(frame), (g, available)
    assert g.width() >= 0.9 * available.width() and g.height() >= 0.85 * available.height()


def test_window_grows_with_the_screen():
    small, large = initial_geometry(QRect(0, 0, 1280, 720)), initial_geometry(QRect(0, 0, 1920, 1080))
    assert large.width() > small.width() + 500 and large.height() > small.height() + 300


def test_window_minimum_fits_a_projector(window):
    """Every dock's minimum together still fits a 1280×720 projector (less the title bar)."""
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720 - FRAME
