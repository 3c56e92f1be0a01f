"""docs/plugins.md names every option of the conformance kit's checks, with its default as
the code has it, and how a generator declares what the engine reads from it."""
import inspect
import re
from pathlib import Path

import pytest

from corefill import testing

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "plugins.md").read_text()
CHECKS = {"generator": testing.check_generator, "masker": testing.check_masker,
          "discriminator": testing.check_discriminator, "loss": testing.check_loss,
          "metric": testing.check_metric, "dataset": testing.check_dataset}


def guide_row(kind: str) -> str:
    match = re.search(rf"^\| {kind} \| (.+) \|$", GUIDE, re.M)
    assert match, f"no row for {kind} in the guide's table of kit options"
    return match.group(1)


@pytest.mark.parametrize("kind", list(CHECKS))
def test_each_kit_option_and_its_default_is_in_the_guide(kind):
    row = guide_row(kind)
    for name, parameter in inspect.signature(CHECKS[kind]).parameters.items():
        if parameter.kind is not parameter.KEYWORD_ONLY:
            continue
        assert f"`{name}={parameter.default!r}`" in row, (kind, name)


def test_the_guide_says_how_a_generator_declares_the_mask_channel_and_its_output_layer():
    for declaration in ('`mask_channel = True`', '`output_layer = "head"`',
                        '`output_region = "hole_box"`'):
        assert declaration in GUIDE
