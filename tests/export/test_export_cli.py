"""`corefill export` on a trained knee checkpoint, then `corefill inpaint --model` on a
user's image without the training code: the same PNG as `inpaint --checkpoint`; and the
one-line errors (an untraceable generator, a missing extra, a file without metadata)."""
import builtins
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

import export_toys
from corefill.cli import cli, main
from corefill.engine import run
from corefill.errors import CheckpointError
from corefill.export import export
from toy_components import toy_recipe, toy_registries

RECIPES = Path(__file__).resolve().parents[2] / "recipes"
TINY_KNEE = ["train.max_steps=2", "metrics=[psnr_hole]", "baselines=[]",
             "data.dataset.params.train_crops=32", "data.batch_size=4",
             "generator.params.base_channels=4", "generator.params.max_channels=16",
             "discriminator.params.base_channels=4", "discriminator.params.max_channels=16"]


def _invoke(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


@pytest.fixture(scope="module")
def knee(tmp_path_factory):
    folder = tmp_path_factory.mktemp("knee") / "run"
    overrides = [part for o in TINY_KNEE for part in ("-o", o)]
    _invoke("run", RECIPES / "knee.yaml", *overrides, "--device", "cpu", "--out", folder)
    return folder / "checkpoints" / "last.pt"


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    """A real photo at a size the model was not trained on (101 x 150, 8-bit grey)."""
    from skimage import data

    path = tmp_path_factory.mktemp("user") / "camera.png"
    cv2.imwrite(str(path), cv2.resize(data.camera(), (150, 101), interpolation=cv2.INTER_AREA))
    return path


@pytest.mark.parametrize("fmt,name", [("onnx", "last.onnx"),
                                      ("torchscript", "last.torchscript.pt")])
def test_an_exported_model_inpaints_as_the_checkpoint_does(knee, photo, tmp_path, fmt, name):
    result = _invoke("export", "--checkpoint", knee, "--format", fmt)
    model = knee.with_name(name)
    assert f"exported {fmt}: {model}" in result.output and model.is_file()
    _invoke("inpaint", "--model", model, photo, "--out", tmp_path / "exported")
    _invoke("inpaint", "--checkpoint", knee, photo, "--out", tmp_path / "checkpoint")
    got, want = (cv2.imread(str(tmp_path / d / "camera_inpainted.png"), cv2.IMREAD_UNCHANGED)
                 for d in ("exported", "checkpoint"))
    original = cv2.imread(str(photo), cv2.IMREAD_UNCHANGED)
    assert got.shape == want.shape == original.shape
    assert np.abs(got.astype(int) - want.astype(int)).max() <= 1
    assert (got != original).any()  # the hole was filled, by the model


def test_the_exported_model_runs_without_the_plugin_that_trained_it(knee, photo, tmp_path,
                                                                    monkeypatch):
    model = export(knee, "onnx", out=tmp_path / "knee.onnx")
    from corefill.engine.inference import run as inference

    def no_training_code(*args, **kwargs):
        raise AssertionError("an exported model must not rebuild its generator")

    monkeypatch.setattr(inference, "load_any", no_training_code)
    monkeypatch.setattr("corefill.engine.checkpoint.load_trained", no_training_code)
    written = inference.inpaint(None, [photo], model=model, out_dir=tmp_path / "out")
    assert [p.name for p in written] == ["camera_inpainted.png", "camera_comparison.png"]


@pytest.fixture(scope="module")
def untraceable(tmp_path_factory):
    registries = export_toys.add_to(toy_registries())
    recipe = toy_recipe("generator.name=value-branching", "train.max_steps=1",
                        registries=registries)
    folder = run(recipe, out_dir=tmp_path_factory.mktemp("toy") / "run", registries=registries)
    return folder / "checkpoints" / "last.pt", registries


@pytest.mark.parametrize("fmt", ["onnx", "torchscript"])
def test_a_generator_a_trace_cannot_capture_is_one_line_naming_the_checkpoint(
        untraceable, fmt, tmp_path, monkeypatch, capsys):
    checkpoint, registries = untraceable
    with pytest.raises(CheckpointError, match="value-branching"):
        export(checkpoint, fmt, out=tmp_path / "model", registries=registries)
    assert not (tmp_path / "model").exists()
    monkeypatch.setattr("corefill.export.writer.resolve_registries", lambda _: registries)
    with pytest.raises(SystemExit) as exit:
        main(["export", "--checkpoint", str(checkpoint), "--format", fmt])
    err = capsys.readouterr().err
    assert exit.value.code == 2 and err.count("\n") == 1
    assert err.startswith(f"error: {checkpoint}: ") and "does not trace faithfully" in err


def test_onnx_without_the_export_extra_names_the_pip_install(knee, monkeypatch, capsys):
    real_import = builtins.__import__

    def without_onnx(name, *args, **kwargs):
        if name.split(".")[0] in ("onnx", "onnxruntime"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_onnx)
    with pytest.raises(SystemExit) as exit:
        main(["export", "--checkpoint", str(knee), "--format", "onnx"])
    err = capsys.readouterr().err
    assert exit.value.code == 2 and err.count("\n") == 1
    assert "pip install corefill[export]" in err


def test_a_model_file_without_corefill_metadata_is_one_line(tmp_path, photo, capsys):
    foreign = tmp_path / "foreign.onnx"
    foreign.write_bytes(b"not a model")
    with pytest.raises(SystemExit) as exit:
        main(["inpaint", "--model", str(foreign), str(photo), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert exit.value.code == 2 and err.startswith(f"error: {foreign}: cannot load ONNX model")
    assert err.count("\n") == 1
