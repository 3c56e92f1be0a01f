"""The Python examples the docs show (```python blocks that call `corefill.load`) run as
written, in a folder holding what they name: a trained `runs/knee` and a user's scan."""
from __future__ import annotations

import re
import subprocess
import sys

import cv2
import numpy as np
import pytest

from doc_commands import REPO, site_pages

PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
DOCS = [REPO / "README.md", *site_pages()]


def examples() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in PYTHON_BLOCK.finditer(text):
            if "corefill.load(" in match.group(1):
                line = text[:match.start()].count("\n") + 1
                found.append((f"{doc.relative_to(REPO)}:{line}", match.group(1)))
    return found


EXAMPLES = examples()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    from skimage import data

    root = tmp_path_factory.mktemp("python-example")
    subprocess.run([sys.executable, "-m", "corefill", "run", str(REPO / "recipes" / "knee.yaml"),
                    "-o", "train.max_steps=2", "-o", "metrics=[psnr_hole]", "-o", "baselines=[]",
                    "--out", "runs/knee"], cwd=root, check=True, capture_output=True)
    (root / "runs/knee/checkpoints/last.pt").rename(root / "runs/knee/checkpoints/best.pt")
    scan = cv2.resize(data.camera(), (120, 100), interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(root / "scan.png"), scan.astype(np.uint16) * 257)
    return root


def test_the_docs_show_a_python_example():
    assert EXAMPLES, "the inference guide shows corefill.load in a python block"


@pytest.mark.parametrize("source, code", EXAMPLES, ids=[s for s, _ in EXAMPLES])
def test_python_example_runs_as_written(workspace, source, code):
    for name in ("scan_filled.png",):
        (workspace / name).unlink(missing_ok=True)
    result = subprocess.run([sys.executable, "-c", code], cwd=workspace, capture_output=True,
                            text=True)
    assert result.returncode == 0, f"{source}\n{result.stderr}"
    scan = cv2.imread(str(workspace / "scan.png"), cv2.IMREAD_UNCHANGED)
    filled = cv2.imread(str(workspace / "scan_filled.png"), cv2.IMREAD_UNCHANGED)
    assert filled.shape == scan.shape and filled.dtype == scan.dtype
    assert not np.array_equal(filled, scan)  # the hole was filled
