"""A translation checkpoint (pix2pix, one-hot label maps -> MRI) served: the page takes a
conditioning image, encoded as the dataset encodes its label maps."""
import base64

import cv2
import numpy as np
import pytest
from starlette.testclient import TestClient

from corefill.serve import create_app
from corefill.serve.model import decode_condition, encode_condition
from serve_helpers import decode_png, png_bytes


@pytest.fixture(scope="module")
def client(pix2pix_run):
    return TestClient(create_app(pix2pix_run / "checkpoints" / "best.pt"))


def _translate(client, pixels, name="seg.png"):
    return client.post("/api/translate", files={"condition": (name, png_bytes(pixels))})


def _result(response) -> np.ndarray:
    assert response.status_code == 200, response.text
    url = response.json()["models"][0]["result"]
    return decode_png(base64.b64decode(url.split(",", 1)[1]))


@pytest.fixture(scope="module")
def segmentation(client) -> np.ndarray:
    """A test-split label map as the page offers it: class k stored as k * 85."""
    listing = client.get("/api/samples").json()
    assert listing["samples"] and {s["source"] for s in listing["samples"]} == {"test split"}
    picture = decode_png(client.get(f"/api/samples/{listing['samples'][0]['key']}").content)
    assert picture.shape == (128, 128, 1)
    return picture[:, :, 0]


def test_info_says_translation_with_the_input_channels(client):
    info = client.get("/api/info").json()
    model = info["models"][0]
    assert info["mode"] == "translation" and model["spec"]["input_channels"] == 4
    assert model["report"]["verdict"] and {r["model"] for r in model["report"]["rows"]} == {
        "trained", "label-mean"}
    assert model["holes"] is None and model["strategy_in_force"] == {}
    assert model["holes_line"] == "generates whole 128² grey images from a conditioning image"


def test_test_label_maps_round_trip_to_the_datasets_own_encoding(segmentation):
    from corefill_pix2pix.datasets.slices import encode_labels, labels_from_png

    assert set(np.unique(segmentation)) <= {0, 85, 170, 255} and len(np.unique(segmentation)) > 2
    for encoding, channels in (("onehot", 4), ("scaled", 1)):
        spec = {"input_channels": channels, "channels": 1, "value_range": [-1.0, 1.0]}
        ours = encode_condition(segmentation[:, :, None], spec)
        theirs = encode_labels(labels_from_png(segmentation), encoding).permute(1, 2, 0).numpy()
        assert np.allclose(ours, theirs), encoding
        assert np.array_equal(decode_condition(ours, spec)[:, :, 0], segmentation), encoding


def test_the_generated_image_has_the_conditioning_images_size(client, segmentation):
    small = _result(_translate(client, segmentation))
    assert small.shape == (128, 128, 1) and small.dtype == np.uint8
    big = cv2.resize(segmentation, (256, 256), interpolation=cv2.INTER_NEAREST)
    large = _result(_translate(client, big))
    assert large.shape == (256, 256, 1)
    # The same label map at twice the size reaches the model as the same input.
    shrunk = cv2.resize(large, (128, 128), interpolation=cv2.INTER_AREA)
    assert np.abs(shrunk.astype(int) - small[:, :, 0]).mean() < 2.0


def test_the_result_is_the_generator_on_the_datasets_encoding(client, segmentation,
                                                            pix2pix_run):
    import torch

    from corefill.engine.checkpoint import load_trained
    from corefill_pix2pix.datasets.slices import encode_labels, labels_from_png

    generator, _, _ = load_trained(pix2pix_run / "checkpoints" / "best.pt")
    net_input = encode_labels(labels_from_png(segmentation), "onehot")[None]
    with torch.no_grad():
        output = generator(net_input, torch.ones(1, 1, 128, 128))
    expected = np.round(((output[0, 0] + 1) / 2).clamp(0, 1).numpy() * 255)
    served = _result(_translate(client, segmentation))[:, :, 0]
    assert np.abs(served - expected).max() <= 1


def test_refusals_for_a_translation_model(client, segmentation):
    response = client.post("/api/translate", files={"condition": ("x.png", b"not png")})
    assert response.status_code == 415 and "x.png: not an image" in response.json()["error"]
    response = client.post("/api/fill", files={"image": ("s.png", png_bytes(segmentation)),
                                               "mask": ("m.png", png_bytes(segmentation))})
    assert response.status_code == 409 and "/api/translate" in response.json()["error"]


def test_two_translation_checkpoints_generate_side_by_side(pix2pix_run, segmentation):
    checkpoints = pix2pix_run / "checkpoints"
    both = TestClient(create_app([checkpoints / "best.pt", checkpoints / "last.pt"]))
    labels = [m["label"] for m in both.get("/api/info").json()["models"]]
    assert labels == ["pix2pix/best.pt", "pix2pix/last.pt"]
    answer = _translate(both, segmentation).json()
    assert [m["label"] for m in answer["models"]] == labels
    assert all(_result_of(m).shape == (128, 128, 1) for m in answer["models"])


def _result_of(entry) -> np.ndarray:
    return decode_png(base64.b64decode(entry["result"].split(",", 1)[1]))
