"""Two processes on CPU (gloo) through torchrun stay in sync; only rank 0 writes."""
import json
import subprocess
import sys
from pathlib import Path

import torch

SCRIPT = Path(__file__).with_name("run_toy.py")


def test_two_process_ddp_run_keeps_ranks_identical(tmp_path):
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc_per_node", "2", str(SCRIPT), str(tmp_path / "run"),
               "--dump", str(tmp_path / "dump"), "train.max_epochs=3", "train.log_every=1",
               "discriminator.name=tiny-d", "losses=[{name: l1-hole}, {name: bce, weight: 0.1}]"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    rank0 = torch.load(tmp_path / "dump" / "rank0.pt", weights_only=True)
    rank1 = torch.load(tmp_path / "dump" / "rank1.pt", weights_only=True)
    saved = torch.load(tmp_path / "run" / "checkpoints" / "last.pt", weights_only=True)
    for net in ("generator", "discriminator"):
        for key, value in rank0[net].items():
            assert torch.equal(value, rank1[net][key]), (net, key)
            assert torch.equal(value, saved["networks"][net][key])
    # 12 items over 2 ranks with batch 4: one step per epoch, 8 images per step
    lines = (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    train = [r for r in map(json.loads, lines) if r["type"] == "train"]
    assert [r["step"] for r in train] == [1, 2, 3]
    assert saved["images_seen"] == 24
    assert (tmp_path / "run" / "report.json").exists()
    assert done.stdout.count("validation after epoch 3") == 1  # rank 1 printed nothing
