"""Every `corefill ...` command the docs show (README, plugin READMEs, the site's pages
docs/**/*.md, recipe headers) works as written, so docs cannot drift from the code.

- `run` on the embedded data runs for real, with `-o train.max_steps=2` appended;
- `run` on a user's data (a `/data/...` path) is validated with that path pointing at an
  empty folder: names, keys and values must all be right;
- `inpaint`, `evaluate`, `plugins`, `components` run for real; an `inpaint` of a run that
  was only validated uses the checkpoint of the same recipe's embedded-data run.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from doc_commands import REPO, USER_DATA, DocCommand, all_doc_commands

pytestmark = pytest.mark.slow  # a quick run: pytest -m "not slow"

COMMANDS = all_doc_commands()
STEPS = ["-o", "train.max_steps=2"]
USER_PATH = re.compile(re.escape(USER_DATA) + r"([^\s,}\]'\"]+)")


def _option(args: tuple[str, ...], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args[:-1] else None


def _without(args: tuple[str, ...], *options: str, flags: tuple[str, ...] = ()) -> tuple[str, ...]:
    """``args`` less the given options (each with its value) and flags."""
    kept, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in options:
            skip = True
        elif arg not in flags:
            kept.append(arg)
    return tuple(kept)


class Workspace:
    """A folder outside the repo holding `recipes/` (a link) and every run the docs make."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "recipes").symlink_to(REPO / "recipes")
        self.runs: dict[tuple[str, ...], Path] = {}  # run args without --out -> run folder
        # out of a validated-only run -> its recipe, whose embedded-data run stands in for
        # it when a later command reads its checkpoint (only then: the run costs seconds)
        self.validated_out: dict[Path, str] = {}

    def corefill(self, args, check=True) -> subprocess.CompletedProcess:
        env = {**os.environ, "HOME": str(self.root / "home")}
        result = subprocess.run([sys.executable, "-c", "from corefill.cli import main; main()",
                                 *args], cwd=self.root, env=env, capture_output=True, text=True,
                                timeout=900)
        if check:
            assert result.returncode == 0, f"corefill {' '.join(args)}\n{result.stderr[-3000:]}"
        return result

    def out_folder(self, args: tuple[str, ...]) -> Path:
        out = _option(args, "--out")
        if out is not None:
            return self.root / out
        from corefill.config import read_recipe_data

        name = read_recipe_data(self.root / args[1])["name"]
        return self.root / "runs" / name

    def user_data(self, args: tuple[str, ...]) -> tuple[str, ...]:
        """Each `/data/NAME` becomes an empty folder `<workspace>/data/NAME`."""
        def empty_folder(match: re.Match) -> str:
            folder = self.root / "data" / match.group(1)
            folder.mkdir(parents=True, exist_ok=True)
            return str(folder)

        return tuple(USER_PATH.sub(empty_folder, arg) for arg in args)

    def run(self, command: DocCommand) -> None:
        args, out = command.args, self.out_folder(command.args)
        if command.uses_user_data:
            run_only = _without(args[1:], "--out", "--device", flags=("--resume", "--force"))
            result = self.corefill(["validate", *self.user_data(run_only)], check=False)
            assert result.returncode == 0, f"{command}\n{result.stderr}"
            self.validated_out[out] = args[1]
            return
        key = _without(args, "--out")
        if key not in self.runs:
            self.corefill([*args, *STEPS, *(() if "--out" in args else ("--out", str(out)))])
            self.runs[key] = out
            check_report(out)
        elif self.runs[key] != out and not out.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
            out.symlink_to(self.runs[key])

    def embedded_run(self, recipe: str) -> Path:
        key = ("run", recipe)
        if key not in self.runs:
            self.runs[key] = self.out_folder(key)
            self.corefill([*key, *STEPS, "--out", str(self.runs[key])])
        return self.runs[key]

    def checkpoint(self, path: str) -> str:
        checkpoint = self.root / path
        for validated, recipe in self.validated_out.items():
            if checkpoint.is_relative_to(validated):
                return str(self.embedded_run(recipe) / checkpoint.relative_to(validated))
        return str(checkpoint)


def check_report(run: Path) -> None:
    """What a user reads first: a verdict per metric, and no table that says nothing."""
    report = (run / "report.md").read_text()
    assert "## Verdict" in report and "In short: the trained model beats the best baseline by " \
        "a real margin on" in report, report[:2000]
    areas = report.split("## By mask area", 1)
    if len(areas) == 2:  # shown only with more than one bin
        table = areas[1].split("\n## ", 1)[0]
        assert len({row.split("|")[2] for row in table.splitlines()[4:] if row.startswith("|")}) > 1
    if "masker:\n  name: none" in (run / "recipe.yaml").read_text():  # translation: no hole
        assert len(areas) == 1


def test_docs_show_commands():
    verbs = {c.verb for c in COMMANDS}
    assert {"run", "inpaint", "plugins"} <= verbs, verbs
    shown = {c.source.split(":")[0] for c in COMMANDS}
    assert "README.md" in shown and any(s.startswith("recipes/") for s in shown)
    assert any(s.startswith("docs/guides/") for s in shown)  # the site's pages are read
    assert any(s.startswith("docs/plugins/") for s in shown)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Workspace:
    return Workspace(tmp_path_factory.mktemp("doc-commands"))


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.verb == "run"], ids=str)
def test_run_commands(workspace, command):
    workspace.run(command)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.verb != "run"], ids=str)
def test_other_commands(workspace, command):
    args = list(command.args)
    if command.verb in ("inpaint", "evaluate", "serve") and "--checkpoint" in args:
        at = args.index("--checkpoint") + 1
        args[at] = workspace.checkpoint(args[at])
        assert Path(args[at]).is_file(), f"{command}: no earlier doc command makes {args[at]}"
    if command.verb == "serve":  # a server: it must answer, then it is stopped
        _serve_answers(workspace, args)
        return
    result = workspace.corefill(args)
    assert "error" not in result.stderr.lower(), result.stderr


def _serve_answers(workspace, args: list[str]) -> None:
    """`corefill serve ARGS` on a free port answers /api/info within a minute."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "HOME": str(workspace.root / "home")}
    server = subprocess.Popen([sys.executable, "-c", "from corefill.cli import main; main()",
                               *args, "--port", str(port)], cwd=workspace.root, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/info", timeout=2).read()
                return
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail(f"corefill {' '.join(args)}: no answer\n{server.communicate()[0]}")
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=20)
