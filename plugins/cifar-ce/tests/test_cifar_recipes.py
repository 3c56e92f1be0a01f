"""The shipped CIFAR recipes run through the real CLI on CIFAR-10 in each published layout,
with only `root` set; a hostile pickle stops the run with one error line."""
import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from cifar_trees import malicious_pickle, py_batches, write_archive, write_py_folder  # noqa: E402

from corefill.data import UnreadableFilesWarning  # noqa: E402
from corefill.testing import run_cli  # noqa: E402

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    """The python folder (with one truncated batch), its archive, and the binary folder."""
    root = tmp_path_factory.mktemp("cifar")
    batches = py_batches(per_batch=12)
    folder = write_py_folder(root / "py", batches)
    archive = write_archive(root / "archive" / "cifar-10-python.tar.gz", folder)
    raw = (folder / "data_batch_4").read_bytes()
    (folder / "data_batch_4").write_bytes(raw[: len(raw) // 2])  # after archiving: only here
    binary = root / "bin" / "cifar-10-batches-bin"
    binary.mkdir(parents=True)
    for name, batch in batches.items():
        labels = np.array(batch[b"labels"], np.uint8)[:, None]
        np.concatenate([labels, batch[b"data"]], axis=1).tofile(binary / f"{name}.bin")
    return {"py": root / "py", "archive": archive, "bin": binary}


@pytest.fixture
def recorder():
    """Every warning of the test, the skipped-files lines included."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


@pytest.mark.parametrize("recipe, layout, skipped", [
    ("cifar-ce.yaml", "py", 1), ("cifar-ce.yaml", "bin", 0), ("cifar-ce-full.yaml", "archive", 0)])
def test_shipped_recipe_runs_on_each_layout(layouts, tmp_path, capsys, recorder, recipe, layout, skipped):
    out = tmp_path / "run"
    code = run_cli("run", str(REPO / "recipes" / recipe), "-o", f"data.dataset.params.root={layouts[layout]}",
                    "-o", "train.max_steps=2", "--out", str(out), "--device", "cpu")
    assert code == 0, capsys.readouterr().err
    counts = [str(w.message) for w in recorder if issubclass(w.category, UnreadableFilesWarning)]
    assert len(counts) == skipped and all("skipped 1 unreadable file(s) of 6" in m for m in counts)
    report = json.loads((out / "report.json").read_text())
    assert report["images"] == 12  # the whole test_batch
    trained = report["models"]["trained"]["metrics"]
    assert 5 < trained["psnr_hole"] < 60 and trained["l2_hole"] > 0
    assert {"telea", "navier-stokes", "harmonic", "mean-fill"} <= set(report["models"])


def test_hostile_pickle_stops_the_run_with_one_line(tmp_path, capsys):
    folder = write_py_folder(tmp_path / "dl", py_batches(per_batch=4))
    marker = tmp_path / "pwned"
    (folder / "data_batch_1").write_bytes(malicious_pickle(marker))
    code = run_cli("run", str(REPO / "recipes" / "cifar-ce.yaml"), "-o",
                    f"data.dataset.params.root={folder}", "-o", "train.max_steps=2",
                    "--out", str(tmp_path / "run"), "--device", "cpu")
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and not marker.exists()
    assert err[-1].startswith("error: cifar10: ") and "data_batch_1: refused to unpickle os.system" in err[-1]
    assert "Traceback" not in "\n".join(err)
