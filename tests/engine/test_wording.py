"""Issue 33, words that do not overclaim: the report's "In short" counts only real margins
as wins and says how many are within noise; a run's images/s leaves out the warm-up."""
import json
import time

import numpy as np
import torch

from corefill.engine import run, spread
from corefill.engine.report import in_short
from corefill.engine.state import TrainState
from corefill.engine.stopping import training_summary
from corefill.recipe import TrainSettings
from toy_components import TinyGenerator, toy_recipe, toy_registries


def per_image(values):
    return {"per_sample": {"psnr_hole": torch.tensor(values, dtype=torch.float64)},
            "dataset_metrics": {}, "metrics": {"psnr_hole": float(np.mean(values))}}


def verdict(lead: float, noise: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    base = rng.normal(25.0, 3.0, size=40)
    results = {"trained": per_image(base + lead + rng.normal(0.0, noise, size=40)),
               "telea": per_image(base)}
    return spread.summarise(results, {"psnr_hole": True}, count=40)["verdict"][0]


def test_in_short_counts_only_real_margins_as_wins():
    real, noisy, behind = verdict(1.0, 0.0), verdict(0.5, 4.0, seed=2), verdict(-1.0, 0.0)
    assert real["clear"] and noisy["better"] and not noisy["clear"] and behind["clear"]
    assert in_short([real, noisy]) == ("In short: the trained model beats the best baseline "
                                       "by a real margin on 1 of 2 metrics; 1 margin is "
                                       "within noise.")
    assert in_short([noisy, noisy, behind]) == (
        "In short: the trained model beats the best baseline by a real margin on 0 of 3 "
        "metrics; 2 margins are within noise; it is behind by a real margin on 1.")
    fid = spread.metric_verdict("fid", False, {"trained": 140.0, "telea": 150.0}, None, {})
    assert in_short([fid]) == ("In short: the trained model beats the best baseline by a real "
                               "margin on 0 of 1 metric; 1 margin has no interval to judge "
                               "by (ahead on 1 of them).")


def test_the_summary_rate_leaves_out_the_first_logging_window():
    state = TrainState()
    state.count(8, 3.0, warm_up=True)  # workers starting, first-call allocations
    state.count(16, 1.0, warm_up=False)
    state.elapsed_s = 4.0
    assert state.images_seen == 24 and state.images_per_s() == (16.0, True)
    summary = training_summary(TrainSettings(max_epochs=1), step=6, epoch=1, seconds=4.0,
                               images=24, stopped_by=None, epoch_steps=6,
                               steady=(state.steady_images, state.steady_s))
    assert summary["train_images_per_s"] == 16.0 and summary["warm_up_left_out"]
    assert summary["seconds"] == 4.0
    short = TrainState(images_seen=8, elapsed_s=2.0)  # one window: nothing after it
    assert short.images_per_s() == (4.0, False)


def test_a_slow_first_step_does_not_lower_the_runs_images_per_s(tmp_path, monkeypatch, capsys):
    forward, calls = TinyGenerator.forward, []

    def slow_first(self, input, mask):
        if self.training:
            calls.append(1)
            if len(calls) == 1:
                time.sleep(0.5)
        return forward(self, input, mask)

    monkeypatch.setattr(TinyGenerator, "forward", slow_first)
    recipe = toy_recipe("train.max_epochs=2", "train.log_every=1")
    folder = run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    training = json.loads((folder / "report.json").read_text())["training"]
    state = torch.load(folder / "checkpoints" / "last.pt", weights_only=True)
    assert state["images_seen"] == 24 and state["steady_images"] == 20  # step 1 left out
    assert state["steady_s"] < state["elapsed_s"] - 0.5  # and its half second with it
    assert training["warm_up_left_out"]
    assert training["train_images_per_s"] == float(f"{20 / state['steady_s']:.3g}")
    out = capsys.readouterr().out
    assert "training: 6 steps" in out and "with the warm-up" not in out
    assert "In short: the trained model beats the best baseline by a real margin on " in out
