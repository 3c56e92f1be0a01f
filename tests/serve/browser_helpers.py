"""Driving corefill serve's page in Debian's chromium (Selenium) for the browser tests:
start the server and the browser, open an image, paint strokes with the mouse, Fill."""
import base64
import shutil
import socket
import subprocess
import time
import urllib.request

import numpy as np
import pytest

from serve_helpers import decode_png

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="Debian's chromium and chromium-driver are not installed "
           "(apt-get install chromium chromium-driver)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(command: list[str]) -> tuple[subprocess.Popen, str]:
    """``command`` (corefill serve ...) on a free port; the process and its URL once the
    page's API answers."""
    port = _free_port()
    process = subprocess.Popen([*command, "--port", str(port)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url + "api/info", timeout=5).read()
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"corefill serve did not start: {process.stdout.read().decode()}")
            time.sleep(0.2)


def start_browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--window-size=1400,1100", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_script_timeout(120)
    return driver


def wait(driver, condition, what, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    message = driver.find_element("id", "message").text
    pytest.fail(f"timed out waiting for {what} (page says: {message!r})")


def open_image(driver, server, path) -> None:
    """A fresh page (empty stroke history) with the image at ``path`` open."""
    driver.get(server)
    wait(driver, lambda: "telea" in driver.find_element("id", "report-body").text,
         "the runs' reports")
    # The test images arrive last (a test split is built once): the page is laid out then.
    wait(driver, lambda: "loading" not in driver.find_element("id", "samples").text,
         "the test images")
    driver.find_element("id", "file").send_keys(str(path))
    wait(driver, driver.find_element("id", "fill").is_enabled, "the image to open")


def segment_distance(height, width, start, end):
    """Distance of every pixel centre (x + 0.5, y + 0.5) to the segment start-end."""
    ys, xs = np.mgrid[0:height, 0:width] + 0.5
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((xs - x0) * dx + (ys - y0) * dy) / max(dx * dx + dy * dy, 1e-9), 0, 1)
    return np.hypot(xs - (x0 + t * dx), ys - (y0 + t * dy))


def stroke(driver, start, end, *, size, tool="brush", steps=12):
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


def data_url_pixels(url: str) -> np.ndarray:
    return decode_png(base64.b64decode(url.split(",", 1)[1]))


def press_fill(driver, strategy=None) -> dict:
    """Choose ``strategy`` (if given), press Fill and wait for the answer: the API's JSON
    as the page got it (``models`` in the order served, ``telea``...)."""
    from selenium.webdriver.support.ui import Select

    if strategy is not None:
        Select(driver.find_element("id", "strategy")).select_by_value(strategy)
    driver.execute_script("window.corefill.answer = null; window.corefill.sentMask = null;"
                          "document.getElementById('message').className = '';")
    driver.find_element("id", "fill").click()
    wait(driver, lambda: driver.execute_script(
        "return window.corefill.answer !== null || "
        "document.getElementById('message').className === 'error'"), "the fill")
    return driver.execute_script("return window.corefill.answer")


def shown(driver, element_id: str) -> np.ndarray:
    """The pixels of an image the page shows (a PNG data URL)."""
    return data_url_pixels(driver.find_element("id", element_id).get_attribute("src"))


def sent_hole(driver) -> np.ndarray:
    """The hole of the mask the page sent with its last Fill (bool (H, W))."""
    return data_url_pixels(driver.execute_script("return window.corefill.sentMask"))[:, :, 0] > 127


def keys(driver, *combination: str) -> None:
    """Press a key combination, e.g. keys(driver, CONTROL, SHIFT, "z")."""
    from selenium.webdriver.common.action_chains import ActionChains

    actions = ActionChains(driver)
    for key in combination[:-1]:
        actions.key_down(key)
    actions.send_keys(combination[-1])
    for key in reversed(combination[:-1]):
        actions.key_up(key)
    actions.perform()
