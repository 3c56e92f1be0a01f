"""The report's cost per model: on CPU each model's peak memory is its own (the process's
peak is reset before it runs), not the largest seen so far."""
import sys
from types import SimpleNamespace

import pytest
import torch

from corefill.engine import cost


def _model(extra_mib: int):
    def forward(masked, mask):
        if extra_mib:  # a model that needs extra_mib of working memory for its fill
            scratch = torch.ones(extra_mib * 2**20 // 4)
            scratch += 1
        return masked
    return SimpleNamespace(forward=forward, region=None, blend="paste")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-model peak: Linux's clear_refs")
def test_each_model_reports_its_own_peak_memory_on_cpu():
    image = torch.zeros(2, 1, 16, 16)
    batch = {"image": image, "input": image, "mask": torch.ones(2, 1, 16, 16)}
    device = torch.device("cpu")
    hungry = cost.measure(_model(400), batch, (-1.0, 1.0), device)
    light = cost.measure(_model(0), batch, (-1.0, 1.0), device)
    assert light["memory_kind"] == "process peak RSS while this model ran"
    assert hungry["peak_memory_mib"] - light["peak_memory_mib"] > 300, (hungry, light)
    assert light["ms_per_image_batch1"] >= 0 and light["batch_size"] == 2
