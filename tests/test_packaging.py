"""The desktop integration files: the .desktop entry and the AppStream metainfo validate with
their Debian tools (desktop-file-utils, appstream; .ci/run installs them, so on CI a missing
tool fails), they name the application as the app does, and the icon set and pyproject's
data-files are complete."""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from workbench import app
from workbench.icon import APP_ID, ICON_SIZES

ROOT = Path(__file__).resolve().parent.parent
DESKTOP = ROOT / "packaging" / f"{APP_ID}.desktop"
METAINFO = ROOT / "packaging" / f"{APP_ID}.metainfo.xml"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing on CI (.ci/run installs it)")
        pytest.skip(f"{name} not installed (apt-get install desktop-file-utils appstream)")
    return path


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_is_valid():
    result = subprocess.run([tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


def test_desktop_entry_names_the_app_as_the_app_does():
    entry = desktop_entry()
    assert entry["StartupWMClass"] == app.APPLICATION  # Qt's WM_CLASS class is the application name
    assert entry["Icon"] == APP_ID
    assert entry["Categories"] == "Education;Science;"
    assert entry["Exec"].split()[0] in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]


def test_metainfo_is_valid():
    result = subprocess.run([tool("appstreamcli"), "validate", "--no-net", "--strict", str(METAINFO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_metainfo_launches_the_desktop_entry_and_shows_the_committed_screenshot():
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    source = project["urls"]["Source"]  # https://github.com/OWNER/REPO
    assert {u.text for u in root.findall("url")} == {project["urls"]["Homepage"], source}
    # the raw file at the newest release's tag (which does not move), named as pyproject's version
    release = root.find("releases/release").get("version")
    assert release == project["version"]
    image = root.find("screenshots/screenshot/image")
    raw = source.replace("https://github.com/", "https://raw.githubusercontent.com/") + f"/v{release}/"
    assert image.text.startswith(raw), image.text
    screenshot = ROOT / image.text.removeprefix(raw)
    assert screenshot.is_file() and screenshot.parent == ROOT / "resources" / "screenshots"
    assert png_size(screenshot) == (int(image.get("width")), int(image.get("height")))


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


def test_icon_set_has_every_size_rendered_from_the_svg():
    assert (HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for n in ICON_SIZES:
        assert png_size(HICOLOR / f"{n}x{n}" / "apps" / f"{APP_ID}.png") == (n, n)


def test_regular_install_ships_icons_desktop_entry_and_metainfo():
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    shipped = {(target, source) for target, sources in data_files.items() for source in sources}
    for icon in HICOLOR.rglob(f"{APP_ID}.*"):
        source = icon.relative_to(ROOT).as_posix()
        theme_dir = icon.parent.relative_to(ROOT / "resources").as_posix()  # icons/hicolor/NxN/apps
        assert (f"share/{theme_dir}", source) in shipped  # the desktop's icon theme
        assert (f"share/backprop-workbench/{theme_dir}", source) in shipped  # the app's own lookup
    assert ("share/applications", f"packaging/{DESKTOP.name}") in shipped
    assert ("share/metainfo", f"packaging/{METAINFO.name}") in shipped


def test_the_bundles_entry_lets_multiprocessing_run_its_own_children_first():
    """A frozen bundle starts the kept runs' process and the Sweep dialog's pool (forkserver) by
    running itself with multiprocessing's arguments: freeze_support() must take them before the
    app reads them as its command line (packaging/smoke.sh forks a run in the bundle to check it)."""
    import ast

    tree = ast.parse((ROOT / "packaging" / "pyinstaller_entry.py").read_text(encoding="utf-8"))
    main_block = next(node for node in tree.body if isinstance(node, ast.If))
    calls = [ast.unparse(node.func) for statement in main_block.body for node in ast.walk(statement)
             if isinstance(node, ast.Call)]
    assert calls == ["multiprocessing.freeze_support", "sys.exit", "main"]
