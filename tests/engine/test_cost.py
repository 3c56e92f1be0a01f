"""The report's cost per model: on CPU each model's peak memory is its own (the process's
peak is reset before it runs), not the largest seen so far."""
import json
import subprocess
import sys

import pytest

# In a process of its own: a long-lived test process holds freed memory resident, which a
# model's allocation reuses without raising the peak.
SCRIPT = """
import json
from types import SimpleNamespace
import torch
from corefill.engine import cost

def model(extra_mib):
    def forward(masked, mask):
        if extra_mib:  # a model needing extra_mib of working memory for its fill
            scratch = torch.ones(extra_mib * 2**20 // 4)
            scratch += 1
        return masked
    return SimpleNamespace(forward=forward, region=None, blend="paste")

image = torch.zeros(2, 1, 16, 16)
batch = {"image": image, "input": image, "mask": torch.ones(2, 1, 16, 16)}
hungry = cost.measure(model(400), batch, (-1.0, 1.0), torch.device("cpu"))
light = cost.measure(model(0), batch, (-1.0, 1.0), torch.device("cpu"))
print(json.dumps([hungry, light]))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-model peak: Linux's clear_refs")
def test_each_model_reports_its_own_peak_memory_on_cpu():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    hungry, light = json.loads(result.stdout.strip().splitlines()[-1])
    assert light["memory_kind"] == "process peak RSS while this model ran"
    assert hungry["peak_memory_mib"] - light["peak_memory_mib"] > 300, (hungry, light)
    assert light["ms_per_image_batch1"] >= 0 and light["batch_size"] == 2
