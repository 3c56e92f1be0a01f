"""The `mix` masker and LaMa's random thin / medium / thick evaluation masks."""
import textwrap

import cv2
import numpy as np
import pytest
import torch
from pydantic import ValidationError

from corefill.errors import DataError
from corefill.plugins import registries
from corefill.registry import build
from corefill.testing import check_component, check_masker, run_cli

LAMA = ["lama-thin", "lama-medium", "lama-thick"]
MIX = {"maskers": [{"name": "center", "weight": 3}, {"name": "random-box", "weight": 1}]}
RANDOM_MIX = {"maskers": [{"name": "lama-medium", "weight": 1}, {"name": "free-form", "weight": 1}]}


def make(name, **params):
    return build(registries().get("masker", name), params)


def masks(masker, height, width, seeds):
    return [masker(height, width, rng=np.random.default_rng(s))[0].numpy() for s in seeds]


def depth(mask):
    """Mean distance from a hole pixel to the nearest known pixel: how thick the hole is."""
    hole = mask.astype(np.uint8)
    return float(cv2.distanceTransform(hole, cv2.DIST_L2, 3)[hole > 0].mean())


# --- the conformance kit ----------------------------------------------------------------

@pytest.mark.parametrize("name,params", [(n, {}) for n in LAMA] + [("mix", MIX)])
def test_components_pass_the_kit(name, params):
    check_component("masker", name, params)


@pytest.mark.parametrize("size", [(48, 40), (64, 64), (37, 90), (256, 192)])
@pytest.mark.parametrize("name,params", [(n, {"preset": p}) for n in LAMA for p in (256, 512)]
                         + [("mix", MIX), ("mix", RANDOM_MIX)])
def test_masks_conform_at_square_and_other_sizes(name, params, size):
    masker = make(name, **params)
    check_masker(masker, height=size[0], width=size[1])
    mask = masker(*size, rng=np.random.default_rng(1))
    assert mask.shape == (1, *size) and mask.dtype == torch.float32
    assert torch.all((mask == 0) | (mask == 1)) and mask.sum() > 0


@pytest.mark.parametrize("name,params", [(n, {}) for n in LAMA] + [("mix", RANDOM_MIX)])
def test_same_seed_same_mask_and_seeds_differ(name, params):
    masker = make(name, **params)
    first = [masker(64, 80, rng=np.random.default_rng(s)) for s in range(8)]
    again = [masker(64, 80, rng=np.random.default_rng(s)) for s in range(8)]
    assert all(torch.equal(a, b) for a, b in zip(first, again))
    assert len({m.numpy().tobytes() for m in first}) == 8


# --- LaMa ---------------------------------------------------------------------------------

# Mean hole fraction of LaMa's own generator at 256² (its saicinpainting/training/data/masks.py
# run with configs/data_gen/random_*_256.yaml, 5 variants per image, masks over 0.5 dropped),
# measured over 5000 masks: thin 0.288, medium 0.242, thick 0.265 (sd ~0.13 each). A mean over
# 200 masks has a standard error of ~0.009, so each range is LaMa's mean +- 0.035 (~3.8 SE).
# Note the order: LaMa's thin masks cover *more* than its medium and thick ones (4-51
# narrow strokes vs. 1-6 wide ones, and 23% of medium/thick masks are boxes); what grows
# from thin to thick is the width of the holes, checked by their depth.
LAMA_AREA_256 = {"lama-thin": (0.25, 0.33), "lama-medium": (0.21, 0.28), "lama-thick": (0.23, 0.30)}


@pytest.fixture(scope="module")
def lama_256():
    return {name: masks(make(name), 256, 256, range(200)) for name in LAMA}


@pytest.mark.parametrize("name", LAMA)
def test_mean_hole_fraction_at_256_matches_lama(lama_256, name):
    areas = np.array([m.mean() for m in lama_256[name]])
    low, high = LAMA_AREA_256[name]
    assert low < areas.mean() < high, areas.mean()
    assert areas.max() <= 0.5 and areas.min() > 0  # LaMa's max_tamper_area


def test_thin_medium_thick_grow_in_width_not_in_area(lama_256):
    thickness = {name: np.mean([depth(m) for m in lama_256[name]]) for name in LAMA}
    assert thickness["lama-thin"] < 6 < thickness["lama-medium"] < 13 < thickness["lama-thick"]
    area = {name: np.mean([m.mean() for m in lama_256[name]]) for name in LAMA}
    assert area["lama-medium"] < area["lama-thin"]


def test_lengths_scale_with_the_shorter_side():
    small = masks(make("lama-thick"), 128, 128, range(60))
    large = masks(make("lama-thick"), 256, 512, range(60))  # shorter side 256: twice as thick
    ratio = np.mean([depth(m) for m in large]) / np.mean([depth(m) for m in small])
    assert 1.7 < ratio < 2.3, ratio
    assert abs(np.mean([m.mean() for m in small]) - 0.265) < 0.06


# LaMa's own generator with configs/data_gen/random_{medium,thick}_512.yaml at 512², measured
# the same way over 2000 masks: medium 0.275, thick 0.268 (sd ~0.135); +-0.035 as above.
@pytest.mark.parametrize("name, low, high", [("lama-medium", 0.24, 0.31), ("lama-thick", 0.233, 0.303)])
def test_preset_512_matches_lama_at_512(name, low, high):
    masker = make(name, preset=512)
    assert masker.strokes.max_len == {"lama-medium": 200, "lama-thick": 450}[name]
    areas = np.array([m.mean() for m in masks(masker, 512, 512, range(200))])
    assert low < areas.mean() < high, areas.mean()


def test_area_cap_holds():
    capped = masks(make("lama-thick", max_hole_fraction=0.1), 64, 64, range(40))
    assert max(m.mean() for m in capped) <= 0.1


@pytest.mark.parametrize("size", [(1, 1), (3, 5), (8, 6)])
def test_tiny_images_get_a_valid_mask(size):
    for name in LAMA:
        mask = make(name)(*size, rng=np.random.default_rng(0))
        assert mask.shape == (1, *size) and mask.sum() >= 1


# --- mix ----------------------------------------------------------------------------------

def test_mix_honours_the_weights():
    masker, center = make("mix", **MIX), make("center")(64, 64, rng=None)
    drawn = [masker(64, 64, rng=np.random.default_rng(s)) for s in range(400)]
    centred = sum(torch.equal(m, center) for m in drawn)
    # 3:1 -> p = 0.75; binomial sd over 400 draws = sqrt(400 * 0.75 * 0.25) = 8.7: +-4 sd
    assert 300 - 35 <= centred <= 300 + 35, centred
    assert centred < 400


def test_mix_single_masker_and_nested_mix():
    only = make("mix", maskers=[{"name": "lama-thin", "params": {"preset": 512}, "weight": 2.5}])
    check_masker(only, height=40, width=56)
    nested = make("mix", maskers=[{"name": "mix", "weight": 1, "params": MIX},
                                  {"name": "shapes", "weight": 1}])
    check_masker(nested, height=32, width=32)


def test_mix_fills_in_the_sub_params_defaults():
    spec = registries().get("masker", "mix")
    params = spec.params_class().model_validate(MIX)
    assert params.maskers[1].params == {"min_fraction": 0.1, "max_fraction": 0.5, "count": 1}


@pytest.mark.parametrize("maskers, loc, message", [
    ([{"name": "center", "weight": 1}, {"name": "foo", "weight": 1}],
     ("maskers", 1, "name"), "unknown masker 'foo'"),
    ([{"name": "random-box", "params": {"max_fraction": 2}, "weight": 1}],
     ("maskers", 0, "params", "max_fraction"), "less than or equal to 1"),
    ([{"name": "center", "params": {"fractoin": 0.3}, "weight": 1}],
     ("maskers", 0, "params", "fractoin"), "Extra inputs are not permitted"),
    ([{"name": "none", "weight": 1}], ("maskers", 0, "name"), "cannot contain 'none'"),
    ([{"name": "center", "weight": 0}], ("maskers", 0, "weight"), "greater than 0"),
    ([{"name": "center"}], ("maskers", 0, "weight"), "Field required"),
    ([], ("maskers",), "at least 1 item"),
])
def test_bad_entries_fail_at_build_time_naming_the_entry(maskers, loc, message):
    with pytest.raises(ValidationError) as caught:
        make("mix", maskers=maskers)
    (error,) = caught.value.errors()
    assert error["loc"] == loc and message in error["msg"]


def test_an_entry_that_cannot_be_built_fails_at_build_time(tmp_path):
    entry = {"name": "from-files", "params": {"root": str(tmp_path / "nope"),
                                              "polarity": "white-is-hole"}, "weight": 1}
    with pytest.raises(DataError, match=r"^mix masker: maskers\.1 \(from-files\): .*does not exist"):
        make("mix", maskers=[{"name": "center", "weight": 1}, entry])


def test_unvalidated_entries_still_fail_at_build_time_in_one_line():
    from corefill.errors import RecipeError, RegistryError
    from corefill.maskers.mix import MixMasker
    from corefill.maskers.mix_params import MixEntry
    from corefill.testing import construct

    def mix(name, **params):
        entry = MixEntry.model_construct(name=name, params=params, weight=1.0)
        return construct(MixMasker, checked=False, maskers=[entry])

    with pytest.raises(RegistryError, match=r"^mix masker: maskers\.0 \(foo\): unknown masker 'foo'"):
        mix("foo")
    with pytest.raises(RecipeError, match=r"^mix masker: maskers\.0\.params\.count \(random-box\): "):
        mix("random-box", count=0)
    with pytest.raises(RecipeError, match=r"^mix masker: maskers\.0\.name: a mix cannot contain 'none'"):
        mix("none")


# --- the CLI --------------------------------------------------------------------------------

def test_components_lists_them(capsys):
    assert run_cli("components", "masker") == 0
    out = capsys.readouterr().out
    for name in ["mix", *LAMA]:
        assert f"\n  {name}  [plugin 'builtin'" in out


RECIPE = """
name: mixed
data:
  dataset: {{name: image-folder, params: {{root: {root}}}}}
masker:
  name: mix
  params:
    maskers:
      - {{name: lama-thick, weight: 1}}
      - {{name: {second}, weight: 2}}
generator: mean-fill
losses:
  - {{name: l1-hole}}
"""


def _validate(tmp_path, capsys, second):
    recipe = tmp_path / "mixed.yaml"
    recipe.write_text(textwrap.dedent(RECIPE.format(root=tmp_path, second=second)))
    code = run_cli("validate", str(recipe))
    captured = capsys.readouterr()
    return code, captured.out, captured.err.strip(), str(recipe)


def test_validate_accepts_a_recipe_using_mix(tmp_path, capsys):
    code, out, err, path = _validate(tmp_path, capsys, "free-form")
    assert code == 0, err
    assert f"{path}: ok" in out


@pytest.mark.parametrize("second, expected", [
    ("fre-form", "masker.params.maskers.1.name: unknown masker 'fre-form'; did you mean 'free-form'"),
    ("none", "masker.params.maskers.1.name: a mix cannot contain 'none'"),
])
def test_validate_reports_a_bad_entry_in_one_line(tmp_path, capsys, second, expected):
    code, out, err, path = _validate(tmp_path, capsys, second)
    assert code == 2 and "Traceback" not in err
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {path}: {expected}")
