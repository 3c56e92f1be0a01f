"""Build throw-away plugin distributions on disk, found through ``corefill`` entry points."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

GOOD_MODULE = '''
from typing import Optional

from corefill.hookspecs import hookimpl
from corefill.params import Params
from pydantic import Field


class WidthParams(Params):
    """A toy generator. Values in [-1, 1]."""
    ngf: int = Field(8, ge=1, description="base channel count")
    dropout: float = Field(0.0, ge=0, le=1, description="dropout probability")


class RootParams(Params):
    """A toy dataset."""
    root: Optional[str] = Field(None, description="folder; none = nothing")
    size: int = Field(32, ge=8, description="side")


@hookimpl
def corefill_register(registry):
    registry.add("generator", "{prefix}unet", target="{module}:make", params="{module}:WidthParams")
    registry.add("dataset", "{prefix}folder", target="{module}:make", params="{module}:RootParams")
    registry.add("masker", "{prefix}box", target="{module}:make", params="{module}:WidthParams")
    registry.add("loss", "{prefix}l1", target="{module}:make", params="corefill.params:NoParams")


def make(**kwargs):
    return kwargs
'''


def write_plugin(root: Path, name: str, body: str | None = None, prefix: str = "toy-") -> Path:
    """A plugin distribution ``corefill-<name>`` whose module is ``fake_<name>``."""
    module = f"fake_{name.replace('-', '_')}"
    code = body if body is not None else GOOD_MODULE.format(prefix=prefix, module=module)
    (root / f"{module}.py").write_text(textwrap.dedent(code))
    dist = root / f"corefill_{module}-1.2.3.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: corefill-{name}\nVersion: 1.2.3\n"
    )
    (dist / "entry_points.txt").write_text(f"[corefill]\n{name} = {module}\n")
    return root


def run_cli(args: list[str], plugin_dir: Path | None = None, env: dict | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``corefill`` in a fresh interpreter with ``plugin_dir`` on its path."""
    full_env = dict(os.environ)
    if plugin_dir is not None:
        full_env["PYTHONPATH"] = os.pathsep.join(
            [str(plugin_dir), full_env.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", "from corefill.cli import main; main()", *args],
        capture_output=True, text=True, env=full_env, cwd=cwd, timeout=120,
    )
