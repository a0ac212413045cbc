"""The README's promises hold: its notebook example runs, and CI runs its test command."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_notebook_example_runs_and_learns_xor():
    code = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "forward layer 1" in result.stdout and "update" in result.stdout


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line[4:] for line in section.splitlines() if line.startswith("    ") and line.strip()]
    assert len(commands) == 2
    assert commands[0].endswith("backprop-workbench") and "pytest" in commands[1]
    # .ci/run reads the command with this awk program; it must find exactly the README's command
    program = '/^Install and run every test/ {found=1; next} found && /^    [^ ]/ {sub(/^    /, ""); print; exit}'
    assert f"awk '{program}' README.md" in (ROOT / ".ci" / "run").read_text()
    extracted = subprocess.run(["awk", program, "README.md"], cwd=ROOT, capture_output=True, text=True).stdout
    assert extracted.strip() == commands[1]
