"""Every shipped inpainting recipe, trained for one step through the CLI, then `corefill
inpaint` through the CLI on a user's images of other sizes, channels and bit depths."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from click.testing import CliRunner

from corefill.cli import cli, main

RECIPES = Path(__file__).resolve().parents[2] / "recipes"
# recipe -> (channels, [height, width], value_range) of the model it trains
EXPECTED = {
    "knee.yaml": (1, [64, 64], [-1.0, 1.0]),
    "cifar-ce.yaml": (3, [32, 32], [-1.0, 1.0]),
    "masked-autoencoder.yaml": (1, [144, 128], [0.0, 1.0]),
    "kaggle-rgb-gan.yaml": (3, [64, 64], [-1.0, 1.0]),
}


@pytest.fixture(scope="module")
def user_images(tmp_path_factory):
    """An odd-size RGB JPEG, an odd-size 16-bit grey PNG, an 8-bit grey PNG (real photos),
    and a mask of another size for each."""
    from skimage import data

    folder = tmp_path_factory.mktemp("user")
    images, masks = folder / "images", folder / "masks"
    images.mkdir(), masks.mkdir()
    photo = cv2.resize(data.astronaut(), (150, 100), interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(images / "photo.jpg"), photo[:, :, ::-1])
    camera = cv2.resize(data.camera(), (101, 77), interpolation=cv2.INTER_AREA)
    low_bits = np.random.default_rng(0).integers(0, 256, camera.shape)
    cv2.imwrite(str(images / "scan.png"), (camera.astype(np.uint16) * 256 + low_bits).astype(np.uint16))
    cv2.imwrite(str(images / "coins.png"), cv2.resize(data.coins(), (70, 90)))
    for stem, (height, width) in {"photo": (40, 33), "scan": (200, 300), "coins": (45, 35)}.items():
        mask = np.zeros((height, width), np.uint8)
        mask[height // 4: height // 2, width // 3: 2 * width // 3] = 255
        cv2.line(mask, (0, height - 3), (width - 1, height // 2), 255, max(1, width // 30))
        cv2.imwrite(str(masks / f"{stem}.png"), mask)
    return images, masks


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def trained(request, tmp_path_factory):
    """``(recipe file name, run folder)`` after one real training step through the CLI."""
    folder = tmp_path_factory.mktemp(request.param.split(".")[0]) / "run"
    result = CliRunner().invoke(cli, [
        "run", str(RECIPES / request.param), "-o", "train.max_steps=1",
        "-o", "metrics=[psnr_hole]", "-o", "baselines=[]", "--device", "cpu",
        "--out", str(folder)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return request.param, folder


def _inpaint(checkpoint, images, out, *extra):
    result = CliRunner().invoke(cli, ["inpaint", "--checkpoint", str(checkpoint), str(images),
                                      "--out", str(out), *extra])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def _read(path):
    return cv2.imread(str(path), cv2.IMREAD_UNCHANGED)


def test_the_checkpoint_carries_the_data_spec_of_the_built_model(trained):
    recipe, run = trained
    state = torch.load(run / "checkpoints" / "last.pt", weights_only=True)
    spec = state["data_spec"]
    assert (spec["channels"], spec["size"], spec["value_range"]) == EXPECTED[recipe]
    assert spec["mask_polarity"] == "1=hole" and not spec["conditional_input"]


def test_user_images_come_back_at_their_own_size_depth_and_channels(trained, user_images,
                                                                    tmp_path):
    recipe, run = trained
    images, masks = user_images
    result = _inpaint(run / "checkpoints" / "last.pt", images, tmp_path, "--masks", masks)
    for source in sorted(images.iterdir()):
        original, out = _read(source), _read(tmp_path / f"{source.stem}_inpainted.png")
        assert out.shape == original.shape and out.dtype == original.dtype, source.name
        mask = _read(masks / f"{source.stem}.png")
        hole = cv2.resize(mask, original.shape[1::-1], interpolation=cv2.INTER_NEAREST) > 127
        assert np.array_equal(out[~hole], original[~hole]), source.name  # known pixels kept
        change = np.abs(out[hole].astype(float) - original[hole]).mean()
        assert change > 0.005 * np.iinfo(original.dtype).max, source.name  # hole regenerated
    warnings = [line for line in result.stderr.splitlines()
                if line.startswith("warning: converted")]
    converted = "photo.jpg" if EXPECTED[recipe][0] == 1 else "coins.png, scan.png"
    assert len(warnings) == 1 and f"({converted})" in warnings[0], result.stderr


def test_without_masks_the_recipes_masker_makes_the_hole(trained, user_images, tmp_path):
    _, run = trained
    images, _ = user_images
    _inpaint(run / "checkpoints" / "last.pt", images, tmp_path)
    for source in sorted(images.iterdir()):
        original, out = _read(source), _read(tmp_path / f"{source.stem}_inpainted.png")
        assert out.shape == original.shape and out.dtype == original.dtype, source.name
        changed = np.any(out != original, axis=-1) if out.ndim == 3 else out != original
        assert 0 < changed.mean() < 0.7, source.name
        comparison = _read(tmp_path / f"{source.stem}_comparison.png")
        assert comparison.shape[:2] == (original.shape[0], 3 * original.shape[1] + 4)


def _rewrite_spec(run, change, tmp_path):
    state = torch.load(run / "checkpoints" / "last.pt", weights_only=True)
    change(state)
    path = tmp_path / "edited.pt"
    torch.save(state, path)
    return path


@pytest.mark.parametrize("trained", ["knee.yaml"], indirect=True)
def test_an_older_checkpoint_without_spec_gives_the_same_result(trained, user_images, tmp_path):
    _, run = trained
    images, masks = user_images
    older = _rewrite_spec(run, lambda state: state.pop("data_spec"), tmp_path)
    _inpaint(run / "checkpoints" / "last.pt", images, tmp_path / "new", "--masks", masks)
    _inpaint(older, images, tmp_path / "old", "--masks", masks)
    for path in sorted((tmp_path / "new").iterdir()):
        assert path.read_bytes() == (tmp_path / "old" / path.name).read_bytes(), path.name


@pytest.mark.parametrize("trained", ["knee.yaml"], indirect=True)
@pytest.mark.parametrize("key, message", [
    ("conditional_input", "not masked images; inpaint needs an inpainting model"),
    ("item_masks", "masks its dataset brought; pass --masks DIR"),
])
def test_models_that_need_other_inputs_are_refused_in_one_line(trained, user_images, tmp_path,
                                                               capsys, key, message):
    _, run = trained
    edited = _rewrite_spec(run, lambda state: state["data_spec"].update({key: True}), tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["inpaint", "--checkpoint", str(edited), str(user_images[0]), "--out",
              str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.startswith(f"error: {edited}: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize("trained", ["knee.yaml"], indirect=True)
def test_weights_from_another_network_layout_are_one_line(trained, user_images, tmp_path, capsys):
    _, run = trained

    def rename_a_layer(state):
        weights = state["networks"]["generator"]
        key = next(iter(weights))
        weights[f"renamed.{key}"] = weights.pop(key)

    edited = _rewrite_spec(run, rename_a_layer, tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["inpaint", "--checkpoint", str(edited), str(user_images[0]), "--out",
              str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and err.count("\n") == 1
    assert err.startswith(f"error: {edited}: its generator weights do not fit")
    assert "corefill-knee-ce" in err and "re-train" in err


@pytest.mark.parametrize("trained", ["knee.yaml"], indirect=True)
def test_a_checkpoint_trained_with_poisson_blend_is_blended_by_inpaint(trained, user_images,
                                                                      tmp_path):
    """The spec's `blend` reaches inference: same weights, other hole pixels, the known
    pixels still exactly the original's, and the fill meets its border more closely."""
    _, run = trained
    images, masks = user_images
    for blend in ("paste", "poisson"):
        (tmp_path / blend).mkdir()
        edited = _rewrite_spec(run, lambda state: state["data_spec"].update(blend=blend),
                               tmp_path / blend)
        _inpaint(edited, images, tmp_path / blend, "--masks", masks)
    source = images / "scan.png"
    original = _read(source).astype(float)
    hole = cv2.resize(_read(masks / "scan.png"), original.shape[1::-1],
                      interpolation=cv2.INTER_NEAREST) > 127
    outputs = {name: _read(tmp_path / name / "scan_inpainted.png").astype(float)
               for name in ("paste", "poisson")}
    assert np.array_equal(outputs["poisson"][~hole], original[~hole])
    assert not np.array_equal(outputs["poisson"][hole], outputs["paste"][hole])
    # the seam: hole pixels next to a known pixel, against that known neighbour
    rim = hole & ~cv2.erode(hole.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    inner_edge = cv2.dilate((~hole).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    seam = rim & inner_edge
    steps = {name: np.abs(out - cv2.blur(original * ~hole, (3, 3))
                          / np.maximum(cv2.blur((~hole).astype(float), (3, 3)), 1e-6))[seam].mean()
             for name, out in outputs.items()}
    assert steps["poisson"] < steps["paste"], steps
