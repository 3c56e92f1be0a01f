"""docs/linear_ceiling.py and docs/window_network.py, the README's measures of how much
there is to learn: the linear fill contains the harmonic fill, the network starts at it
and improves on it, and both scripts run as the README shows (smaller)."""
import importlib.util
import math
from pathlib import Path

import numpy as np

from corefill.datasets.photos import load_photos

SCRIPT = Path(__file__).parents[1] / "docs" / "linear_ceiling.py"


def _script(path=SCRIPT):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_fitted_linear_fill_is_no_worse_than_harmonic_on_its_own_windows():
    ceiling = _script()
    hole, ring = 6, 4
    side = hole + 2 * ring
    batch = ceiling.windows(load_photos(("camera",), 1, 64)[0], side, 2)
    model = ceiling.RingToHole(side, ring)
    model.add(batch)
    model.solve(ridge=1e-6)
    truth = batch[:, ~model.known]
    linear_mse = ((model.fill(batch) - truth) ** 2).mean()
    harmonic_mse = ((ceiling.harmonic_hole(batch, ~model.known) - truth) ** 2).mean()
    assert linear_mse <= harmonic_mse * 1.001, (linear_mse, harmonic_mse)
    # ...and the two are different fills: the fit learned something of its own.
    assert linear_mse < harmonic_mse * 0.99


def test_the_script_scores_both_fills_on_val_and_test(capsys):
    scores = _script().main(["--size", "48", "--hole", "6", "--ring", "3", "--stride", "4",
                             "--scales", "1.0"])
    assert set(scores) == {"val", "test"}
    for harmonic, linear in scores.values():
        assert math.isfinite(harmonic) and math.isfinite(linear) and 5 < harmonic < 60
    assert "mean hole PSNR harmonic" in capsys.readouterr().out
    assert np.isfinite(list(scores.values())).all()


def test_the_radiograph_split_fits_on_the_top_bands_and_scores_the_bottom_ones():
    scores = _script().main(["--radiographs", "--size", "64", "--hole", "6", "--ring", "3",
                             "--stride", "4", "--scales", "1.0"])
    assert set(scores) == {"test"}
    harmonic, linear = scores["test"]
    assert math.isfinite(linear) and 10 < harmonic < 80


def test_the_window_network_starts_at_the_harmonic_fill_and_trains_past_it():
    network = _script(SCRIPT.with_name("window_network.py"))
    curve = network.main(["--radiographs", "--size", "96", "--hole", "6", "--ring", "3",
                          "--steps", "24", "--every", "24", "--scales", "1.0"])
    (first, harmonic, start), (last, _, end) = curve[0], curve[-1]
    assert (first, last) == (0, 24)
    assert start == harmonic  # a zero correction: step 0 is the harmonic fill exactly
    assert end > start, curve
