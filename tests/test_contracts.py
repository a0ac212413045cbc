"""engine/ is a plain NumPy library: importing every module must not pull in Qt or the GUI."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import engine

ROOT = Path(__file__).resolve().parent.parent
BLOCKED = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "workbench")

PROBE = """
import importlib, sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError(f"engine must not import {{name}}")

sys.meta_path.insert(0, Block())
for module in {modules!r}:
    importlib.import_module(module)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {blocked!r})
print("loaded:", loaded)
sys.exit(1 if loaded else 0)
"""


def engine_modules():
    return ["engine"] + [m.name for m in pkgutil.walk_packages(engine.__path__, "engine.")]


def test_every_engine_module_imports_without_qt_or_workbench():
    modules = engine_modules()
    assert "engine.training.trainer" in modules and "engine.core.network" in modules
    probe = PROBE.format(blocked=BLOCKED, modules=modules)
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_probe_catches_a_forbidden_import(tmp_path):
    """The blocker itself works: a module importing PySide6 fails the probe."""
    (tmp_path / "sneaky.py").write_text("import PySide6\n")
    probe = PROBE.format(blocked=BLOCKED, modules=["sneaky"])
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
    assert "engine must not import PySide6" in result.stderr


def test_import_contracts_hold():
    """import-linter's contracts in pyproject.toml: engine without Qt, engine layers, independent panels."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout


def test_ruff_is_clean():
    """The code passes the ruff configuration in pyproject.toml (line length, pyflakes, bugbear, isort)."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
