"""The page in a real browser: Debian's chromium driven through chromium-driver (Selenium),
against `corefill serve` started as a user starts it. Upload a photo, draw a stroke with the
mouse, press Fill: the result differs from the photo inside the stroke and equals it outside.
Skipped only where chromium or its driver is not installed (.ci/run installs both)."""
import base64
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest

from serve_helpers import decode_png, png_bytes

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="Debian's chromium and chromium-driver are not installed "
           "(apt-get install chromium chromium-driver)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(knee_run):
    """`corefill serve` in a subprocess on a free port; its URL once it answers."""
    port = _free_port()
    command = [sys.executable, "-c", "from corefill.cli import main; main()", "serve",
               "--checkpoint", str(knee_run / "checkpoints" / "best.pt"), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url + "api/info", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"corefill serve did not start: {process.stdout.read().decode()}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--window-size=1400,1100", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def _wait(driver, condition, what, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    message = driver.find_element("id", "message").text
    pytest.fail(f"timed out waiting for {what} (page says: {message!r})")


def _open(driver, server, path):
    driver.get(server)
    _wait(driver, lambda: "telea" in driver.find_element("id", "report-body").text,
          "the run's report")
    driver.find_element("id", "file").send_keys(str(path))


def _segment_distance(height, width, start, end):
    """Distance of every pixel centre (x + 0.5, y + 0.5) to the segment start-end."""
    ys, xs = np.mgrid[0:height, 0:width] + 0.5
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((xs - x0) * dx + (ys - y0) * dy) / (dx * dx + dy * dy), 0, 1)
    return np.hypot(xs - (x0 + t * dx), ys - (y0 + t * dy))


def _stroke(driver, start, end, *, size, tool="brush", steps=12):
    """Drag the mouse over the canvas from ``start`` to ``end`` (fractions of its size)
    with the brush or eraser ``size`` screen pixels wide; returns where the pointer went
    in image pixels (the segment's two ends)."""
    from selenium.webdriver.common.action_chains import ActionChains

    driver.find_element("id", tool).click()
    driver.execute_script("const s = document.getElementById('size'); s.value = arguments[0];"
                          "s.dispatchEvent(new Event('input'));", size)
    canvas = driver.find_element("id", "view")
    scale = driver.execute_script("return window.corefill.scale")
    width, height = canvas.size["width"], canvas.size["height"]
    # Selenium offsets are from the canvas's centre; keep every move a whole pixel.
    first = (int(width * (start[0] - 0.5)), int(height * (start[1] - 0.5)))
    step = (int(width * (end[0] - start[0]) / steps), int(height * (end[1] - start[1]) / steps))
    actions = ActionChains(driver, duration=10)
    actions.move_to_element_with_offset(canvas, *first).click_and_hold()
    for _ in range(steps):
        actions.move_by_offset(*step)
    actions.release().perform()
    a = ((first[0] + width // 2) / scale, (first[1] + height // 2) / scale)
    return a, (a[0] + step[0] * steps / scale, a[1] + step[1] * steps / scale)


def _result(driver) -> tuple[str, np.ndarray]:
    driver.find_element("id", "fill").click()
    source = _wait(driver, lambda: driver.find_element("id", "result").get_attribute("src"),
                   "the model's result")
    return source, decode_png(base64.b64decode(source.split(",", 1)[1]))


def test_a_painted_stroke_is_filled_and_nothing_else_changes(server, browser, photo, tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(png_bytes(photo))
    _open(browser, server, path)
    fill = browser.find_element("id", "fill")
    _wait(browser, fill.is_enabled, "the image to open")
    canvas = browser.find_element("id", "view")
    scale = browser.execute_script("return window.corefill.scale")
    width, height = canvas.size["width"], canvas.size["height"]
    assert (round(width / scale), round(height / scale)) == (150, 100)
    a, b = _stroke(browser, (0.25, 0.3), (0.75, 0.6), size=60)
    source, result = _result(browser)
    assert result.shape == photo.shape
    radius = 30 / scale  # the brush is 60 screen pixels wide
    distance = _segment_distance(100, 150, a, b)
    inside, outside = distance < radius - 2, distance > radius + 2
    assert inside.sum() > 200 and outside.sum() > 5000
    assert np.array_equal(result[outside], photo[outside])
    changed = np.any(result[inside] != photo[inside], axis=-1)
    assert changed.mean() > 0.8
    assert np.abs(result[inside].astype(int) - photo[inside]).mean() > 3
    # Telea's result and the download link are there too.
    assert browser.find_element("id", "telea").get_attribute("src").startswith("data:image/png")
    download = browser.find_element("id", "download")
    assert download.get_attribute("download") == "photo_inpainted.png"
    assert download.get_attribute("href") == source


def test_the_eraser_takes_back_what_it_covers(server, browser, photo, tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(png_bytes(photo))
    _open(browser, server, path)
    _wait(browser, browser.find_element("id", "fill").is_enabled, "the image to open")
    scale = browser.execute_script("return window.corefill.scale")
    painted = _segment_distance(100, 150, *_stroke(browser, (0.15, 0.5), (0.85, 0.5), size=40))
    erased = _segment_distance(100, 150, *_stroke(browser, (0.6, 0.5), (0.95, 0.5), size=100,
                                                  tool="eraser"))
    _, result = _result(browser)
    kept = (painted < 20 / scale - 2) & (erased > 50 / scale + 2)
    assert kept.sum() > 100
    assert np.any(result[kept] != photo[kept], axis=-1).mean() > 0.8
    assert np.array_equal(result[erased < 50 / scale - 2], photo[erased < 50 / scale - 2])
    assert np.array_equal(result[painted > 20 / scale + 2], photo[painted > 20 / scale + 2])


def test_a_file_that_is_not_an_image_is_explained_on_the_page(server, browser, tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("these are notes, not pixels")
    _open(browser, server, path)
    message = browser.find_element("id", "message")
    _wait(browser, lambda: "not an image" in message.text, "the refusal")
    assert message.get_attribute("class") == "error"
    assert message.text.startswith("notes.png: not an image")
