"""The demos' reports show KID beside FID: every demo recipe that scores FID scores KID,
and KID shows up in a report's table and cards (a toy report, no Inception run)."""
from pathlib import Path

import pytest

from corefill.config import load_recipe
from corefill.engine.report import render_markdown

RECIPES = sorted((Path(__file__).resolve().parents[2] / "recipes").glob("*.yaml"))


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_recipes_with_fid_also_report_kid(path):
    names = [m.name for m in load_recipe(str(path), ()).metrics]
    if "fid" in names:
        assert "kid" in names, f"{path.name}: fid without kid"


def test_demo_recipes_score_kid():
    with_kid = [p.name for p in RECIPES if "kid" in [m.name for m in load_recipe(str(p), ()).metrics]]
    assert {"knee.yaml", "pix2pix-oasis.yaml"} <= set(with_kid)


def test_kid_appears_in_the_report_table_and_cards():
    model = {"component": "c", "role": "trained", "metrics": {"fid": 50.0, "kid": 0.012},
             "spread": {}, "by_mask_area": {}, "details": {"kid": {"std": 0.003}}}
    report = {"recipe": "r", "recipe_hash": "h", "images": 40, "checkpoint": "last",
              "metrics": [{"name": "fid", "higher_is_better": False},
                          {"name": "kid", "higher_is_better": False}],
              "models": {"trained": model},
              "metrics_info": {"kid": {"images": 40, "implementation": "unbiased MMD²",
                                       "feature_extractor": "Inception", "weights_sha256": "ab",
                                       "region": "full image", "resize": "299²",
                                       "value_range": "[0, ∞)", "higher_is_better": False}}}
    markdown = render_markdown(report)
    assert "kid ↓" in markdown and "0.012" in markdown
    assert "| kid | unbiased MMD² | Inception (ab) | 40 |" in markdown
    assert "kid std over subsets: trained 0.003" in markdown
