"""Issue 33: a plugin that fails once training runs (its generator's forward, its masker,
in the main process or a loader worker) gives one line naming the plugin and component,
the traceback in RUN/error.log, and last.pt holding the trained steps."""
import pytest
import torch
import yaml

import corefill.plugins
from corefill.engine import run
from corefill.engine.failure import TrainingFailed
from corefill.errors import ComponentError
from corefill.testing import run_cli

import broken_plugin
from toy_components import toy_recipe, toy_recipe_data, toy_registries

OF = "of plugin 'broken' (corefill-broken 0.1.0)"


def installed():
    return broken_plugin.add_to(toy_registries())


def saved_step(folder):
    return torch.load(folder / "checkpoints" / "last.pt", weights_only=True)["step"]


def test_a_generator_failing_mid_training_is_named_and_last_pt_kept(tmp_path):
    # 3 steps an epoch: its 5th training forward is the 2nd step of epoch 2
    folder = tmp_path / "run"
    with pytest.raises(TrainingFailed) as failed:
        run(toy_recipe("generator=flaky", registries=installed()), out_dir=folder,
            registries=installed())
    message = str(failed.value)
    assert message.startswith(f"training (epoch 2): generator 'broken:flaky' {OF} failed: "
                              "RuntimeError: CUDA error: an illegal memory access was "
                              f"encountered (traceback in {folder}/error.log)")
    assert "\n" not in message
    assert "The trained weights (step 3) are in" in message  # the last epoch end's
    assert "(steps 4-4 could not be saved)" in message  # step 5 was cut in half
    log = (folder / "error.log").read_text()
    assert log.startswith("Traceback") and "in forward" in log and "illegal memory" in log
    assert saved_step(folder) == 3


def test_a_generator_failing_at_the_first_step_is_named_too(tmp_path):
    folder = tmp_path / "run"
    with pytest.raises(ComponentError) as failed:
        run(toy_recipe("generator=fails-first", registries=installed()), out_dir=folder,
            registries=installed())
    assert str(failed.value) == (
        f"training (epoch 1): generator 'broken:fails-first' {OF} failed: RuntimeError: CUDA "
        f"error: an illegal memory access was encountered (traceback in {folder}/error.log); "
        "nothing was trained")
    assert "illegal memory" in (folder / "error.log").read_text()


@pytest.mark.parametrize("workers", [0, 1])
def test_a_masker_failing_mid_epoch_is_named_in_one_line(workers, tmp_path, monkeypatch,
                                                         capsys):
    # train-5 is in the 3rd batch of epoch 1: two steps were trained before it
    monkeypatch.setattr(corefill.plugins, "registries", installed)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(yaml.safe_dump(toy_recipe_data("masker=fails-on-item-5",
                                                     f"data.num_workers={workers}")))
    folder = tmp_path / "run"
    assert run_cli("run", str(recipe), "--out", str(folder)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: training (epoch 1): masker 'broken:fails-on-item-5' {OF} "
                          "failed on item 'train-5': ValueError: cannot draw strokes on "
                          f"train-5: polygon is empty (traceback in {folder}/error.log). The "
                          "trained weights (step 2) are in"), err
    assert "polygon is empty" in (folder / "error.log").read_text()
    assert saved_step(folder) == 2


def test_an_engine_error_is_not_blamed_on_a_plugin(tmp_path, monkeypatch):
    # a failure outside every component (here: the loss weighting) names no plugin
    from corefill.engine import steps

    def broken(self, terms):
        raise KeyError("g_total")

    monkeypatch.setattr(steps.LossSet, "weighted", broken)
    with pytest.raises(KeyError):  # before any step: the engine's traceback, as before
        run(toy_recipe(), out_dir=tmp_path / "run", registries=toy_registries())
