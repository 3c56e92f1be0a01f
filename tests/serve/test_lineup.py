"""Several checkpoints served side by side (two one-step knee runs), the strategy chosen per
request, and each model's notes on holes unlike those it trained on, through the API."""
import base64
from types import SimpleNamespace
from pathlib import Path

import cv2
import numpy as np
import pytest
from starlette.testclient import TestClient

from corefill.errors import CheckpointError
from corefill.serve import create_app
from corefill.serve.lineup import Lineup, labels
from serve_helpers import decode_png, png_bytes


def _best(run: Path) -> Path:
    return run / "checkpoints" / "best.pt"


@pytest.fixture(scope="module")
def both(knee_run, knee_paste_run):
    return TestClient(create_app([_best(knee_run), _best(knee_paste_run)]))


def _pixels(entry_or_url) -> np.ndarray:
    url = entry_or_url if isinstance(entry_or_url, str) else entry_or_url["result"]
    return decode_png(base64.b64decode(url.split(",", 1)[1]))


def _fill(client, image: np.ndarray, hole: np.ndarray, **fields):
    return client.post("/api/fill", data=fields,
                       files={"image": ("photo.png", png_bytes(image), "image/png"),
                              "mask": ("mask.png", png_bytes(hole.astype(np.uint8) * 255))})


def _psnr(result: np.ndarray, original: np.ndarray, hole: np.ndarray) -> float:
    error = (result[hole].astype(float) - original[hole]) ** 2
    return float(10 * np.log10(255.0 ** 2 / error.mean()))


def test_info_gives_each_model_in_order_with_the_holes_it_trained_on(both):
    info = both.get("/api/info").json()
    assert info["strategies"] == ["auto", "crop", "resize"] and info["default_strategy"] == "auto"
    assert [m["label"] for m in info["models"]] == ["knee", "knee-paste"]
    first = info["models"][0]
    # knee.yaml's mix masker: centre boxes, random boxes, strokes (5th-95th percentiles)
    assert first["holes"] == {"thickness_px": [5, 31], "extent_px": [16, 54], "centred": False}
    assert first["holes_line"] == ("trained on holes 5-31 px thick and 16-54 px across in 64² "
                                   "grey images")
    assert first["strategy_in_force"] == {"auto": "crop", "crop": "crop", "resize": "resize"}
    assert [m["spec"]["blend"] for m in info["models"]] == ["residual", "paste"]
    assert all(m["report"]["rows"] for m in info["models"])


def test_every_model_fills_the_same_hole_beside_one_telea(both, photo):
    hole = np.zeros(photo.shape[:2], bool)
    hole[30:60, 50:95] = True
    response = _fill(both, photo, hole)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert [m["label"] for m in answer["models"]] == ["knee", "knee-paste"]
    assert answer["strategy"] == "auto" and answer["hole_pixels"] == hole.sum()
    results = [_pixels(m) for m in answer["models"]]
    for result in results:
        assert result.shape == photo.shape and np.array_equal(result[~hole], photo[~hole])
        assert np.abs(result[hole].astype(int) - photo[hole]).mean() > 3
    assert np.abs(results[0][hole].astype(int) - results[1][hole]).mean() > 1
    expected = cv2.inpaint(photo, hole.astype(np.uint8), 3.0, cv2.INPAINT_TELEA)
    assert np.array_equal(_pixels(answer["telea"]), expected)


def test_a_thin_stroke_on_a_large_image_is_sharper_in_windows_than_resized(both, camera):
    hole = np.zeros(camera.shape[:2], np.uint8)
    cv2.line(hole, (150, 300), (400, 300), 1, 3)
    hole = hole > 0
    auto, resize = (_fill(both, camera, hole, strategy=s).json()["models"][0]
                    for s in ("auto", "resize"))
    assert (auto["strategy"], resize["strategy"]) == ("crop", "resize")
    # The knee model trained on strokes: a 3 px one is nothing unusual.
    assert auto["notes"] == [] and resize["notes"] == []
    sharp, blurred = (_psnr(_pixels(e), camera, hole) for e in (auto, resize))
    assert sharp > blurred + 3, (sharp, blurred)
    # Nearly the whole image as one hole is far from anything it trained on: it says so.
    huge = np.zeros(camera.shape[:2], bool)
    huge[4:-4, 4:-4] = True
    (far,) = _fill(both, camera, huge).json()["models"][:1]
    assert len(far["notes"]) == 1 and "than it trained on" in far["notes"][0]


def test_a_strategy_other_than_the_three_is_a_422_naming_them(both, photo):
    hole = np.zeros(photo.shape[:2], bool)
    hole[10:20, 10:20] = True
    response = _fill(both, photo, hole, strategy="sideways")
    assert response.status_code == 422
    assert response.json()["error"] == ("strategy must be one of auto, crop, resize, "
                                        "got 'sideways'")


def test_a_mask_that_leaves_nothing_known_is_a_422(both, photo):
    response = _fill(both, photo, np.ones(photo.shape[:2], bool))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error.startswith("the mask covers the whole image") and "\n" not in error


def test_a_checkpoint_given_twice_is_loaded_once(knee_run):
    again = knee_run / "checkpoints" / ".." / "checkpoints" / "best.pt"
    lineup = Lineup.load([_best(knee_run), again])
    assert len(lineup.models) == 1 and lineup.labels == ["knee"]


def test_labels_are_the_run_then_the_checkpoint_file_then_the_path():
    def model(path: str):
        return SimpleNamespace(run_name=Path(path).parents[1].name, checkpoint=Path(path))

    assert labels([model("a/knee/checkpoints/best.pt"), model("a/ce/checkpoints/best.pt")]) \
        == ["knee", "ce"]
    assert labels([model("a/knee/checkpoints/best.pt"), model("a/knee/checkpoints/last.pt")]) \
        == ["knee/best.pt", "knee/last.pt"]
    assert labels([model("a/knee/checkpoints/best.pt"), model("b/knee/checkpoints/best.pt")]) \
        == ["a/knee/checkpoints/best.pt", "b/knee/checkpoints/best.pt"]


def test_translation_and_inpainting_models_are_not_served_together(knee_run, pix2pix_run):
    with pytest.raises(CheckpointError) as refused:
        Lineup.load([_best(knee_run), _best(pix2pix_run)])
    message = str(refused.value)
    assert "\n" not in message and "one page serves one kind" in message
    assert "(translation)" in message and "(inpainting)" in message
