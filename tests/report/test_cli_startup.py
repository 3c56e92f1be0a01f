"""`corefill --help` and `corefill CMD --help` load neither torch nor pydantic nor the recipe
schema (benchmarks/startup.py times them against a 0.25 s target)."""
import subprocess
import sys

import pytest

PROBE = """
import sys
from corefill.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
heavy = sorted(m for m in ("torch", "pydantic", "pydantic_core", "yaml", "corefill.recipe",
                           "corefill.config", "corefill.plugins") if m in sys.modules)
print("HEAVY", heavy)
"""


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["components", "--help"],
                                  ["evaluate", "--help"]])
def test_help_imports_nothing_heavy(argv):
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], capture_output=True,
                          text=True, check=True)
    assert "Usage: corefill" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "HEAVY []"
