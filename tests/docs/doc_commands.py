"""Find the `corefill ...` commands that the README, the plugin READMEs, the site's pages
(docs/**/*.md) and the recipe headers show, as a user would copy them (continuation lines joined)."""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.S)
# Usage lines (`corefill run RECIPE [-o KEY=VALUE ...]`) describe, they are not commands.
PLACEHOLDER = re.compile(r"\b[A-Z]{3,}\b|\.\.\.")
# A path a user replaces with their own data; tests point it at an empty folder.
USER_DATA = "/data/"


@dataclass(frozen=True)
class DocCommand:
    source: str  # "README.md:12"
    args: tuple[str, ...]  # after `corefill`

    @property
    def verb(self) -> str:
        return self.args[0]

    @property
    def uses_user_data(self) -> bool:
        return any(USER_DATA in arg for arg in self.args)

    def __str__(self) -> str:
        return f"{self.source}: corefill {shlex.join(self.args)}"


def _joined(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join backslash continuations; keep the first line's number."""
    joined, pending, start = [], "", 0
    for number, line in lines:
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        joined.append((start, pending + line))
        pending = ""
    return joined


def _commands(source: str, lines: list[tuple[int, str]]) -> list[DocCommand]:
    found = []
    for number, line in _joined(lines):
        at = line.find("corefill ")
        if at < 0 or (at > 0 and not line[:at].rstrip().endswith(("&&", "$"))):
            continue
        text = line[at + len("corefill "):]
        try:
            args = tuple(shlex.split(text, comments=True))
        except ValueError:
            continue
        if args and not PLACEHOLDER.search(" ".join(args)) and not args[0].startswith("-"):
            found.append(DocCommand(f"{source}:{number}", args))
    return found


def markdown_commands(path: Path) -> list[DocCommand]:
    text = path.read_text(encoding="utf-8")
    found = []
    for block in FENCE.finditer(text):
        first = text.count("\n", 0, block.start(1)) + 1
        lines = [(first + i, line.strip()) for i, line in enumerate(block.group(1).splitlines())]
        found += _commands(str(path.relative_to(REPO)), lines)
    return found


def recipe_header_commands(path: Path) -> list[DocCommand]:
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.startswith("#"):
            break
        lines.append((number, line.lstrip("#").strip()))
    return _commands(str(path.relative_to(REPO)), lines)


def site_pages() -> list[Path]:
    """The documentation site's written pages (mkdocs.yml: docs_dir docs/)."""
    return sorted((REPO / "docs").rglob("*.md"))


def all_doc_commands() -> list[DocCommand]:
    docs = [REPO / "README.md", *site_pages(), *sorted((REPO / "plugins").glob("*/README.md"))]
    found = [c for path in docs for c in markdown_commands(path)]
    found += [c for path in sorted((REPO / "recipes").glob("*.yaml"))
              for c in recipe_header_commands(path)]
    return found
