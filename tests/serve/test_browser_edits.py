"""The page in a real browser (see test_browser.py), what a user does beyond one stroke:
undo and redo strokes (buttons and keys) and see the mask sent follow, and choose the
strategy: a thin stroke on a photo 8 times the model's side is filled sharper by auto
(windows at the photo's resolution) than by resize, with the model's note beside it."""
import numpy as np
from selenium.webdriver.common.keys import Keys

from browser_helpers import (keys, needs_chromium, open_image, press_fill, segment_distance,
                             sent_hole, shown, stroke, wait)
from serve_helpers import png_bytes

pytestmark = needs_chromium


def _buttons(driver) -> tuple[bool, bool]:
    """(undo enabled, redo enabled)."""
    return tuple(driver.find_element("id", name).is_enabled() for name in ("undo", "redo"))


def _psnr(result: np.ndarray, original: np.ndarray, hole: np.ndarray) -> float:
    error = (result[hole].astype(float) - original[hole]) ** 2
    return float(10 * np.log10(255.0 ** 2 / error.mean()))


def test_undo_and_redo_change_the_mask_sent(served, browser, photo, tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(png_bytes(photo))
    open_image(browser, served, path)
    assert _buttons(browser) == (False, False)
    scale = browser.execute_script("return window.corefill.scale")
    across = segment_distance(100, 150, *stroke(browser, (0.1, 0.3), (0.9, 0.3), size=30))
    down = segment_distance(100, 150, *stroke(browser, (0.5, 0.5), (0.5, 0.9), size=30))
    first_only = (across < 15 / scale - 2) & (down > 15 / scale + 2)
    second_only = (down < 15 / scale - 2) & (across > 15 / scale + 2)
    assert first_only.sum() > 200 and second_only.sum() > 100
    assert _buttons(browser) == (True, False)

    press_fill(browser)
    both = sent_hole(browser)
    assert both[first_only].all() and both[second_only].all()

    keys(browser, Keys.CONTROL, "z")  # the second stroke taken back
    assert _buttons(browser) == (True, True)
    answer = press_fill(browser)
    first = sent_hole(browser)
    assert first[first_only].all() and not first[second_only].any()
    assert answer["hole_pixels"] == first.sum() < both.sum()
    result = shown(browser, "result-0")  # what is filled is the mask sent
    assert np.array_equal(result[~first], photo[~first])

    keys(browser, Keys.CONTROL, Keys.SHIFT, "z")  # and brought back
    press_fill(browser)
    assert np.array_equal(sent_hole(browser), both)
    keys(browser, Keys.CONTROL, "z")
    keys(browser, Keys.CONTROL, "y")
    press_fill(browser)
    assert np.array_equal(sent_hole(browser), both)

    for _ in range(2):  # the buttons: back to no stroke at all
        browser.find_element("id", "undo").click()
    assert _buttons(browser) == (False, True)
    assert press_fill(browser) is None
    assert browser.find_element("id", "message").text.startswith("the mask is empty")
    browser.find_element("id", "redo").click()
    press_fill(browser)
    assert np.array_equal(sent_hole(browser), first)

    stroke(browser, (0.2, 0.8), (0.3, 0.8), size=10)  # a new stroke: nothing left to redo
    assert _buttons(browser) == (True, False)


def test_clear_is_a_step_that_undo_takes_back(served, browser, photo, tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(png_bytes(photo))
    open_image(browser, served, path)
    stroke(browser, (0.2, 0.5), (0.8, 0.5), size=20)
    press_fill(browser)
    painted = sent_hole(browser)
    browser.find_element("id", "clear").click()
    assert press_fill(browser) is None  # an empty mask
    keys(browser, Keys.CONTROL, "z")
    press_fill(browser)
    assert painted.any() and np.array_equal(sent_hole(browser), painted)


def test_a_thin_stroke_on_a_large_photo_is_sharper_with_auto_than_resize(served, browser,
                                                                       camera, tmp_path):
    path = tmp_path / "camera.png"
    path.write_bytes(png_bytes(camera))
    open_image(browser, served, path)
    assert browser.execute_script("return window.corefill.scale") == 1  # 512² shown 1:1
    stroke(browser, (0.3, 0.6), (0.8, 0.6), size=3)
    auto = press_fill(browser, "auto")
    hole = sent_hole(browser)
    assert 400 < hole.sum() < 1200 and hole.any(axis=1).sum() <= 5  # a 3 px line
    sharp = shown(browser, "result-0")
    assert auto["models"][0]["strategy"] == "crop"
    # The model trained on strokes (knee.yaml's mix): no note beside its fill.
    assert browser.find_element("id", "notes-0").text == ""
    assert browser.find_element("id", "strategy-0").text.startswith("strategy crop")

    resized = press_fill(browser, "resize")
    assert np.array_equal(sent_hole(browser), hole)  # the same stroke
    blurred = shown(browser, "result-0")
    assert resized["strategy"] == "resize" and resized["models"][0]["strategy"] == "resize"
    assert browser.find_element("id", "notes-0").text == ""
    assert "strategy resize: the whole image" in browser.find_element("id", "model-lines").text
    for result in (sharp, blurred):
        assert np.array_equal(result[~hole], camera[~hole])
    sharp_db, blurred_db = _psnr(sharp, camera, hole), _psnr(blurred, camera, hole)
    assert sharp_db > blurred_db + 3, (sharp_db, blurred_db)
    # Each model got the stroke: two fills, each differing from the photo inside it.
    assert len(resized["models"]) == 2 and not np.array_equal(shown(browser, "result-1"), camera)
    wait(browser, lambda: "2 models" in browser.find_element("id", "message").text, "done")
    # Nearly the whole photo painted: far thicker than any training hole, and the page
    # says so next to the fill.
    browser.find_element("id", "clear").click()
    for row in (0.12, 0.37, 0.62, 0.87):
        stroke(browser, (0.02, row), (0.98, row), size=120)
    press_fill(browser, "auto")
    notes = browser.find_element("id", "notes-0").text
    assert "trained on" in notes, notes  # e.g. "a hole fills 95% of its window; ..."
