"""The documentation site: its pages describe what is (what changed goes to CHANGELOG.md),
the README stays a front page, and `mkdocs build --strict` succeeds (a broken link or
anchor, or a page left out of the navigation, fails it)."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from doc_commands import REPO, site_pages

# Release-journal prose: it belongs in CHANGELOG.md.
JOURNAL = re.compile(r"new in this release|until this release|previous release|another day's|"
                     r"an earlier session|earlier session's|README command \d", re.I)


def test_readme_is_a_front_page():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines"


@pytest.mark.parametrize("page", [REPO / "README.md", *site_pages()],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_no_release_journal(page):
    found = JOURNAL.findall(page.read_text(encoding="utf-8"))
    assert not found, f"{page.relative_to(REPO)}: {found} (what changed goes to CHANGELOG.md)"


def test_every_page_is_in_the_navigation():
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    generated = {"reference/cli.md", "reference/components.md", "reference/recipe.md",
                 "changelog.md"}
    written = {str(p.relative_to(REPO / "docs")) for p in site_pages()}
    for page in written | generated:
        assert f": {page}\n" in nav, f"mkdocs.yml's nav lacks {page}"


@pytest.mark.slow
def test_mkdocs_build_strict(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                             str(tmp_path / "site")], cwd=REPO, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / "site/reference/components/index.html").is_file()
