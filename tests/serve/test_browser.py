"""The page in a real browser: Debian's chromium driven through chromium-driver (Selenium),
against `corefill serve` started as a user starts it, with two checkpoints (knee, then
knee-paste). Upload a photo, draw a stroke with the mouse, press Fill: each model's result
differs from the photo inside the stroke and equals it outside, labelled, beside Telea's.
Undo/redo and strategies: test_browser_edits.py. Skipped only where chromium or its driver
is not installed (.ci/run installs both)."""
import numpy as np

from browser_helpers import (needs_chromium, open_image, press_fill, segment_distance, shown,
                             stroke, wait)
from serve_helpers import png_bytes

pytestmark = needs_chromium


def _photo_file(tmp_path, photo):
    path = tmp_path / "photo.png"
    path.write_bytes(png_bytes(photo))
    return path


def test_the_page_says_for_which_holes_each_model_is_meant(served, browser):
    browser.get(served)
    lines = wait(browser, lambda: browser.find_element("id", "model-lines").text, "the models")
    first, second = lines.splitlines()
    # knee.yaml's mix: centre boxes, random boxes and strokes (5th-95th percentiles)
    assert first.startswith("knee: context-encoder, trained on holes 5-31 px thick and 16-54 "
                            "px across in 64² grey images; strategy auto → crop")
    assert second.startswith("knee-paste: ")
    captions = [browser.find_element("css selector", f"#panel-{i} .label").text for i in (0, 1)]
    assert captions == ["knee", "knee-paste"]
    # The panels run: the image, each model in the order served, Telea.
    order = browser.execute_script(
        "return [...document.querySelectorAll('#panels > figure')].map((f) => f.id)")
    assert order == ["input-panel", "panel-0", "panel-1", "telea-panel"]


def test_a_painted_stroke_is_filled_by_each_model_and_nothing_else_changes(served, browser,
                                                                          photo, tmp_path):
    open_image(browser, served, _photo_file(tmp_path, photo))
    canvas = browser.find_element("id", "view")
    scale = browser.execute_script("return window.corefill.scale")
    width, height = canvas.size["width"], canvas.size["height"]
    assert (round(width / scale), round(height / scale)) == (150, 100)
    a, b = stroke(browser, (0.25, 0.3), (0.75, 0.6), size=60)
    answer = press_fill(browser)
    assert [m["label"] for m in answer["models"]] == ["knee", "knee-paste"]
    radius = 30 / scale  # the brush is 60 screen pixels wide
    distance = segment_distance(100, 150, a, b)
    inside, outside = distance < radius - 2, distance > radius + 2
    assert inside.sum() > 200 and outside.sum() > 5000
    results = [shown(browser, f"result-{i}") for i in (0, 1)]
    for result in results:
        assert result.shape == photo.shape
        assert np.array_equal(result[outside], photo[outside])
        assert np.any(result[inside] != photo[inside], axis=-1).mean() > 0.8
        assert np.abs(result[inside].astype(int) - photo[inside]).mean() > 3
    assert np.abs(results[0][inside].astype(int) - results[1][inside]).mean() > 1
    # Telea's result and each model's download link are there too.
    assert browser.find_element("id", "telea").get_attribute("src").startswith("data:image/png")
    for i, label in enumerate(("knee", "knee-paste")):
        download = browser.find_element("id", f"download-{i}")
        assert download.get_attribute("download") == f"photo_inpainted_{label}.png"
        assert download.get_attribute("href") == answer["models"][i]["result"]


def test_the_eraser_takes_back_what_it_covers(served, browser, photo, tmp_path):
    open_image(browser, served, _photo_file(tmp_path, photo))
    scale = browser.execute_script("return window.corefill.scale")
    painted = segment_distance(100, 150, *stroke(browser, (0.15, 0.5), (0.85, 0.5), size=40))
    erased = segment_distance(100, 150, *stroke(browser, (0.6, 0.5), (0.95, 0.5), size=100,
                                                tool="eraser"))
    press_fill(browser)
    result = shown(browser, "result-0")
    kept = (painted < 20 / scale - 2) & (erased > 50 / scale + 2)
    assert kept.sum() > 100
    assert np.any(result[kept] != photo[kept], axis=-1).mean() > 0.8
    assert np.array_equal(result[erased < 50 / scale - 2], photo[erased < 50 / scale - 2])
    assert np.array_equal(result[painted > 20 / scale + 2], photo[painted > 20 / scale + 2])


def test_a_file_that_is_not_an_image_is_explained_on_the_page(served, browser, tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("these are notes, not pixels")
    browser.get(served)
    wait(browser, lambda: "telea" in browser.find_element("id", "report-body").text,
         "the runs' reports")
    browser.find_element("id", "file").send_keys(str(path))
    message = browser.find_element("id", "message")
    wait(browser, lambda: "not an image" in message.text, "the refusal")
    assert message.get_attribute("class") == "error"
    assert message.text.startswith("notes.png: not an image")
