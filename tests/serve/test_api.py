"""corefill serve's API through Starlette's TestClient, on a real one-step knee checkpoint:
fill (at the image's own size, channels and depth), Telea on the same hole, the run's
report and test images, and every refusal as a 4xx with one line. Several checkpoints side
by side, strategies and notes: test_lineup.py."""
import base64
import json

import cv2
import numpy as np
import pytest
from starlette.testclient import TestClient

from corefill.serve import create_app, uploads
from serve_helpers import decode_png, png_bytes


@pytest.fixture(scope="module")
def client(knee_run):
    return TestClient(create_app(knee_run / "checkpoints" / "best.pt"))


def _data_url(url: str) -> np.ndarray:
    prefix = "data:image/png;base64,"
    assert url.startswith(prefix)
    return decode_png(base64.b64decode(url[len(prefix):]))


def _mask(height, width, box):
    mask = np.zeros((height, width), np.uint8)
    top, bottom, left, right = box
    mask[top:bottom, left:right] = 255
    return mask


def _fill(client, image: bytes, mask: bytes, name="photo.png"):
    return client.post("/api/fill", files={"image": (name, image, "image/png"),
                                           "mask": ("mask.png", mask, "image/png")})


def test_fill_keeps_the_known_pixels_and_regenerates_the_painted_hole(client, photo):
    mask = _mask(100, 150, (30, 60, 50, 95))
    response = _fill(client, png_bytes(photo), png_bytes(mask))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert [m["label"] for m in answer["models"]] == ["knee"]
    result, telea = _data_url(answer["models"][0]["result"]), _data_url(answer["telea"])
    hole = mask > 0
    assert result.shape == photo.shape and result.dtype == np.uint8  # RGB stays RGB
    assert np.array_equal(result[~hole], photo[~hole])
    assert np.abs(result[hole].astype(int) - photo[hole]).mean() > 3
    assert (answer["width"], answer["height"], answer["hole_pixels"]) == (150, 100, hole.sum())
    # Telea is cv2.inpaint on the same hole at the image's own size.
    expected = cv2.inpaint(photo, hole.astype(np.uint8), 3.0, cv2.INPAINT_TELEA)
    assert np.array_equal(telea, expected)


def test_a_16_bit_grey_image_comes_back_16_bit_and_a_mask_of_another_size_is_resized(client):
    from skimage import data

    scan = cv2.resize(data.camera(), (101, 77)).astype(np.uint16) * 257 + 3
    mask = _mask(154, 202, (40, 100, 60, 140))  # twice the image's size
    response = _fill(client, png_bytes(scan), png_bytes(mask), name="scan.png")
    assert response.status_code == 200, response.text
    result = _data_url(response.json()["models"][0]["result"])
    assert result.shape == (77, 101, 1) and result.dtype == np.uint16
    hole = cv2.resize(mask, (101, 77), interpolation=cv2.INTER_NEAREST) > 0
    assert np.array_equal(result[~hole, 0], scan[~hole])
    assert response.json()["hole_pixels"] == hole.sum()


def test_info_carries_the_data_spec_and_the_runs_report(client, knee_run):
    info = client.get("/api/info").json()
    assert info["mode"] == "inpainting" and len(info["models"]) == 1
    model = info["models"][0]
    assert model["label"] == model["run"] == "knee" and model["checkpoint"].endswith("best.pt")
    assert model["spec"]["size"] == [64, 64] and model["spec"]["channels"] == 1
    assert model["spec"]["mask_polarity"] == "1=hole"
    report = json.loads((knee_run / "report.json").read_text())
    shown = model["report"]
    assert shown["verdict"] == [v["sentence"] for v in report["verdict"]] and shown["verdict"]
    rows = {row["model"]: row["metrics"]["psnr_hole"] for row in shown["rows"]}
    assert rows == pytest.approx({k: v["metrics"]["psnr_hole"]
                                  for k, v in report["models"].items()})
    assert set(rows) == {"trained", "telea"} and shown["smoke_check"]


def test_a_run_without_report_says_so(knee_run, tmp_path):
    import shutil

    (tmp_path / "checkpoints").mkdir()
    shutil.copy(knee_run / "checkpoints" / "best.pt", tmp_path / "checkpoints" / "best.pt")
    info = TestClient(create_app(tmp_path / "checkpoints" / "best.pt")).get("/api/info").json()
    assert "report.json not found" in info["models"][0]["report"]["missing"]


def test_test_images_come_from_the_test_split_and_preprocessing(client, knee_run):
    listing = client.get("/api/samples").json()
    assert listing["run"] == "knee"
    sources = {s["source"] for s in listing["samples"]}
    assert sources == {"test split", "set apart by preprocessing"}, listing
    first = listing["samples"][0]
    picture = decode_png(client.get(f"/api/samples/{first['key']}").content)
    assert picture.shape == (64, 64, 1)
    assert client.get("/api/samples/nope").status_code == 404


def test_the_page_and_its_script_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and '<canvas id="view"' in page.text
    for script in ("page.js", "mask.js", "report.js"):
        assert f'src="/static/{script}"' in page.text
        assert client.get(f"/static/{script}").status_code == 200


def test_preview_describes_the_image(client):
    from skimage import data

    answer = client.post("/api/preview", files={"image": ("c.png", png_bytes(
        data.camera().astype(np.uint16) * 257))}).json()
    assert (answer["width"], answer["height"]) == (512, 512)
    assert answer["description"] == "16-bit grey"
    assert _data_url(answer["preview"]).dtype == np.uint8


def _refusal(response, status, *fragments):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert "\n" not in error and "Traceback" not in error
    for fragment in fragments:
        assert fragment in error, error
    return error


def test_not_an_image_is_a_415_naming_the_file(client):
    mask = png_bytes(_mask(10, 10, (2, 5, 2, 5)))
    _refusal(_fill(client, b"just some text", mask, name="notes.png"), 415,
             "notes.png: not an image")


def test_a_truncated_png_is_a_415_without_the_servers_temp_path(client, photo):
    data = png_bytes(photo)
    error = _refusal(_fill(client, data[: len(data) // 2], png_bytes(_mask(100, 150, (0, 9, 0, 9))),
                           name="cut.png"), 415, "cut.png")
    assert "corefill-serve-" not in error


def test_an_empty_mask_is_a_422(client, photo):
    _refusal(_fill(client, png_bytes(photo), png_bytes(np.zeros((100, 150), np.uint8))), 422,
             "the mask is empty")


def test_a_file_over_20_mb_is_a_413(client, photo):
    big = png_bytes(photo) + bytes(uploads.MAX_FILE_BYTES)
    _refusal(_fill(client, big, png_bytes(_mask(100, 150, (0, 9, 0, 9)))), 413,
             "upload too large", "20.0 MB")


def test_an_image_over_40_megapixels_is_a_413_before_it_is_decoded(client):
    huge = png_bytes(np.zeros((5000, 8200), np.uint8))  # 41 MP in a small file
    assert len(huge) < 1024 * 1024
    _refusal(_fill(client, huge, png_bytes(_mask(10, 10, (2, 5, 2, 5)))), 413,
             "8200x5000", "megapixels")


def test_a_request_body_over_the_limit_is_refused_by_its_length(client, photo, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_REQUEST_BYTES", 1000)
    _refusal(_fill(client, png_bytes(photo), png_bytes(_mask(100, 150, (0, 9, 0, 9)))), 413,
             "upload too large")


def test_a_body_without_a_length_is_counted_while_it_streams(client, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_REQUEST_BYTES", 10_000)

    def chunks():  # no Content-Length: sent chunked
        yield b"--x\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n"
        for _ in range(20):
            yield bytes(1000)

    response = client.post("/api/fill", content=chunks(),
                           headers={"content-type": "multipart/form-data; boundary=x"})
    _refusal(response, 413, "upload too large")


def test_missing_fields_and_the_wrong_mode_are_4xx(client, photo):
    _refusal(client.post("/api/fill", files={"image": ("p.png", png_bytes(photo))}), 400,
             "no mask file")
    _refusal(client.post("/api/translate", files={"condition": ("p.png", png_bytes(photo))}),
             409, "/api/fill")
