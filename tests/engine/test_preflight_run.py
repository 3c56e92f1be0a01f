"""Issue 33: a plugin's mistake stops `corefill run` before the first training step, in one
line naming the component and its plugin (exit 2, no run folder), checked on the recipe's
own data; good components of the same plugin keep working, and `blend: residual` starts
exactly at the harmonic fill where the generator declares its output layer."""
import pytest
import torch
import yaml

import corefill.plugins
from corefill.engine import build, distributed, preflight
from corefill.engine.data import collate, middle, to_device
from corefill.engine.composite import complete
from corefill.nn.blend import harmonic_fill
from corefill.testing import run_cli

import broken_plugin
from toy_components import toy_recipe, toy_recipe_data, toy_registries

OF = "of plugin 'broken' (corefill-broken 0.1.0)"
RGB = (f"generator 'broken:rgb-out' {OF}: output must be (N, C, H, W) = (4, 1, 16, 16) (the "
       "dataset's 1 channel at its size), got (4, 3, 16, 16)")

# issue 33's table (and a masker that ignores its rng): recipe overrides -> the line
MISTAKES = {
    "3 output channels on grey data": (["generator=rgb-out"], RGB),
    "the same with blend residual": (["generator={name: rgb-out, blend: residual}"], RGB),
    "output 100x outside the value range": (
        ["generator=byte-range"],
        f"generator 'broken:byte-range' {OF}: output must lie in the value range (-1, 1) "
        "(tanh-like), got ["),
    "an inverted mask (88% hole)": (
        ["masker=inverted"],
        f"masker 'broken:inverted' {OF}: holes cover 88% of the first batch's images (at most "
        "50% expected): is the polarity inverted? (1 = hole, 0 = known; a masker that "
        "generates whole images says whole_image = True)"),
    "mask values 0/255": (
        ["masker=byte-mask"],
        f"masker 'broken:byte-mask' {OF}: mask values must be exactly 0 or 1 (1 = hole), got "
        "values {0, 255}"),
    "a half-size output": (
        ["generator=half-size"],
        f"generator 'broken:half-size' {OF}: output must be (N, C, H, W) = (4, 1, 16, 16) "
        "(the dataset's 1 channel at its size), got (4, 1, 8, 8)"),
    "a 2-D mask": (
        ["masker=flat-mask"],
        f"masker 'broken:flat-mask' {OF}: masks must be a float tensor (1, 16, 16) of 0 and 1 "
        "(1 = hole), got shape (16, 16)"),
    "the output conv registered before the body, blend residual": (
        ["generator={name: head-first, blend: residual}"],
        f"generator 'broken:head-first' {OF}: blend: residual must start at the harmonic fill "
        "(output 0, the value range's middle, in the hole), but with 'body.2', its last "
        "convolution in modules() order, zeroed the output is off by up to "),
    "a masker that ignores its rng": (
        ["masker=unseeded"],
        f"masker 'broken:unseeded' {OF}: the same rng seed must give the same mask, got two "
        "different masks"),
}


def installed():
    return broken_plugin.add_to(toy_registries())


@pytest.fixture
def plugins(monkeypatch):
    monkeypatch.setattr(corefill.plugins, "registries", installed)


def corefill_run(tmp_path, *overrides):
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(yaml.safe_dump(toy_recipe_data(*overrides)))
    return run_cli("run", str(recipe), "--out", str(tmp_path / "run"))


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_each_mistake_stops_the_run_before_training_in_one_line(mistake, plugins, tmp_path,
                                                                capsys):
    overrides, expected = MISTAKES[mistake]
    assert corefill_run(tmp_path, *overrides) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"error: {expected}"), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "epoch 1/" not in out and not (tmp_path / "run").exists()  # no step, no folder


def test_good_components_beside_them_train(plugins, tmp_path, capsys):
    code = corefill_run(tmp_path, "generator={name: declared-head-first, blend: residual}",
                        "masker=good-box", "train.max_steps=2")
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "run" / "report.md").is_file()


def first_batch(components, recipe):
    keys = [(0, index) for index in range(recipe.data.batch_size)]
    return to_device(collate(components.train_set.items_for_batch(keys)), torch.device("cpu"))


def built(*overrides):
    recipe = toy_recipe(*overrides, registries=installed())
    components = build.components(recipe, build.context(installed()),
                                  dist=distributed.from_env(), device=torch.device("cpu"))
    return recipe, components


def test_a_declared_output_layer_starts_residual_exactly_at_the_harmonic_fill():
    recipe, components = built("generator={name: declared-head-first, blend: residual}",
                               "masker=good-box")
    generator = components.generator
    assert not generator.head.weight.any() and not generator.head.bias.any()
    assert generator.body[2].weight.any()  # the last conv in modules() order is left alone
    assert preflight.problems(components, recipe, torch.device("cpu")) == []
    batch = first_batch(components, recipe)
    generator.eval()
    with torch.no_grad():
        step0 = complete(generator, batch, None, "residual", middle((-1.0, 1.0)))
    assert torch.equal(step0, harmonic_fill(batch["image"], batch["mask"]))


def test_the_check_moves_no_rng_and_leaves_networks_and_threads_as_they_were():
    recipe, components = built("generator={name: rgb-out}")
    before, threads = torch.get_rng_state(), torch.get_num_threads()
    found = preflight.problems(components, recipe, torch.device("cpu"))
    assert found == [RGB]
    assert torch.equal(before, torch.get_rng_state()) and torch.get_num_threads() == threads
    assert components.generator.training


def test_an_adversarial_recipe_checks_its_discriminator_too():
    recipe, components = built("discriminator={name: tiny-d, input: fill}",
                               "losses=[{name: l1-hole}, {name: bce, weight: 0.01}]")
    assert preflight.problems(components, recipe, torch.device("cpu")) == []
    components.networks["discriminator"].net[0] = torch.nn.Conv2d(3, 8, 3)  # 1-channel data
    (line,) = preflight.problems(components, recipe, torch.device("cpu"))
    assert line.startswith("discriminator 'tiny-d' of engine tests: forward on what it sees "
                           "(discriminator.input: fill, (4, 1, 6, 6)) failed: RuntimeError: ")


def test_a_masker_for_whole_images_may_mark_every_pixel():
    recipe, components = built("masker=inverted")
    components.train_set.masker.whole_image = True  # as `none` says for translation
    assert preflight.problems(components, recipe, torch.device("cpu")) == []


def test_the_zeroed_layer_is_the_declared_one_by_name_or_module():
    from corefill.nn.init import output_layer, zero_output_layer

    named = broken_plugin.Net(head_first=True, declare=True)
    assert output_layer(named) == ("head", named.head)
    undeclared = broken_plugin.Net(head_first=True)
    assert output_layer(undeclared)[0] == "body.2"  # the last conv: the wrong one here

    class ByProperty(broken_plugin.Net):
        output_layer = property(lambda self: self.head)

    held = zero_output_layer(ByProperty(head_first=True))
    assert not held.head.weight.any() and held.body[2].weight.any()
    assert "output_layer.weight" not in held.state_dict()  # no second name in checkpoints
    wrong = broken_plugin.Net()
    wrong.output_layer = "tail"
    with pytest.raises(ValueError, match="declares output_layer = 'tail', which is not one"):
        zero_output_layer(wrong)


def test_the_cost_benchmark_checks_a_demo_and_prints_its_figures():
    import re
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "preflight_cost.py"
    done = subprocess.run([sys.executable, str(script), "--rounds", "1", "--recipes",
                           "cifar-ce"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.search(r"^cifar-ce +8 +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+  none ",
                     done.stdout, re.M), done.stdout
