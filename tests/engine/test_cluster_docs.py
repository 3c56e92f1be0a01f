"""The Slurm batch script of docs/guides/clusters.md, run as written with stand-ins for
``srun`` (runs its command) and ``scontrol`` (records its arguments), ``corefill`` being
the CLI with the toy components: SIGUSR1 to the batch shell stops training with last.pt
written, the job requeues itself, and its second run continues to the end (issue 30)."""
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from toy_cli import SCRIPT, write_recipe

pytestmark = pytest.mark.slow

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "clusters.md"


def batch_script():
    blocks = re.findall(r"```bash\n(.*?)```", GUIDE.read_text(), re.S)
    return next(block for block in blocks if "#SBATCH --signal=B:USR1@120" in block)


def stand_ins(folder):
    folder.mkdir()
    for name, body in {"srun": 'exec "$@"',
                       "scontrol": f'echo "$@" >> {folder}/scontrol.log',
                       "corefill": f'exec {sys.executable} {SCRIPT} "$@"'}.items():
        (folder / name).write_text(f"#!/bin/bash\n{body}\n")
        (folder / name).chmod(0o755)


def test_the_slurm_script_requeues_on_usr1_and_continues(tmp_path):
    text = batch_script()
    assert "--requeue" in text and "--resume auto" in text
    (tmp_path / "job.sh").write_text(text)
    (tmp_path / "recipes").mkdir()
    write_recipe(tmp_path / "recipes" / "knee.yaml", "train.max_epochs=2",
                 "data.dataset.params.count=48", "data.dataset.params.delay=0.05",
                 "train.log_every=1")
    stand_ins(tmp_path / "bin")
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
           "SLURM_JOB_ID": "42"}

    def job():
        return subprocess.Popen(["bash", "job.sh"], cwd=tmp_path, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    first, log = job(), tmp_path / "runs" / "knee" / "metrics.jsonl"
    deadline = time.monotonic() + 120
    while not (log.exists() and '"step": 3,' in log.read_text()):
        assert first.poll() is None and time.monotonic() < deadline, first.stderr.read()
        time.sleep(0.05)
    first.send_signal(signal.SIGUSR1)  # what --signal=B:USR1@120 does
    out, err = first.communicate(timeout=60)
    assert first.returncode == 75, err[-3000:]
    assert "SIGUSR1: stopped after step" in err and "--resume auto" in err
    assert (tmp_path / "bin" / "scontrol.log").read_text() == "requeue 42\n"
    stopped = torch.load(tmp_path / "runs" / "knee" / "checkpoints" / "last.pt",
                         weights_only=True)["step"]
    assert 3 <= stopped < 24

    second = job()  # the requeued job: the same script again
    out, err = second.communicate(timeout=180)
    assert second.returncode == 0, err[-3000:]
    assert torch.load(tmp_path / "runs" / "knee" / "checkpoints" / "last.pt",
                      weights_only=True)["step"] == 24
    assert (tmp_path / "bin" / "scontrol.log").read_text() == "requeue 42\n"  # not again
