"""The app tells the desktop who it is (names, desktop file, icon), and `--smoke-test` works."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication

from workbench import app
from workbench.__main__ import main
from workbench.icon import APP_ID, ICON_SIZES, app_icon


@pytest.fixture
def identity(qapp):
    """create_application names the shared test QApplication; put the old names back after."""
    saved = (QCoreApplication.organizationName(), QCoreApplication.applicationName(),
             QGuiApplication.desktopFileName(), QGuiApplication.windowIcon())
    yield
    QCoreApplication.setOrganizationName(saved[0])
    QCoreApplication.setApplicationName(saved[1])
    QGuiApplication.setDesktopFileName(saved[2])
    QGuiApplication.setWindowIcon(saved[3])


def test_application_has_names_desktop_file_and_icon(qapp, identity):
    created = app.create_application()
    assert created is qapp
    assert QCoreApplication.applicationName() == app.APPLICATION
    assert QGuiApplication.desktopFileName() == APP_ID
    icon = QGuiApplication.windowIcon()
    assert not icon.isNull()
    assert max(s.width() for s in icon.availableSizes()) == max(ICON_SIZES)


def test_icon_renders_at_taskbar_size(qapp):
    image = app_icon().pixmap(32, 32).toImage()
    assert image.width() == 32
    assert image.pixelColor(16, 16).alpha() == 255  # the panel, not transparency


def test_smoke_test_flag_trains_and_writes_the_decision_plot(qapp, identity, tmp_path, settings, capsys):
    out = tmp_path / "decision.png"
    assert main(["--smoke-test", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "100 iterations" in capsys.readouterr().out
