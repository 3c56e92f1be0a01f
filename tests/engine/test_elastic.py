"""torchrun on CPU (gloo), through the CLI as a user calls it: a SIGKILLed worker is
restarted by ``--max-restarts``, rendezvouses, resumes from last.pt (``--resume auto``)
and ends identical to an uninterrupted run; two simulated nodes (c10d rendezvous on
127.0.0.1) end identical to one node with two processes (issue 30)."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from checkpoint_tensors import checkpoint, tensors
from toy_cli import SCRIPT, write_recipe

pytestmark = pytest.mark.slow

# 48 items over 2 ranks at batch 4: 6 steps an epoch, ~0.2 s a step, last.pt every 2 steps
RECIPE = ["discriminator.name=tiny-d", "losses=[{name: l1-hole}, {name: bce, weight: 0.05}]",
          "generator.params.dropout=0.3", "train.max_epochs=3", "train.log_every=1",
          "data.dataset.params.count=48", "data.dataset.params.delay=0.05",
          "train.checkpoint_every_steps=2"]
TORCHRUN = [sys.executable, "-m", "torch.distributed.run"]
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "clusters.md"
# the one-machine elastic command of the guide, run here with the toy recipe
ELASTIC = ["--standalone", "--nproc_per_node=2", "--max-restarts=3"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def corefill_run(recipe, out):
    return [str(SCRIPT), "run", str(recipe), "--out", str(out), "--resume", "auto"]


def start(command):
    # torchrun sets 1 thread a process only with several on a node: the same for both here
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env=env)


def finish(process, limit=240):
    try:
        out, err = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # torchrun and its workers: nothing hangs
        out, err = process.communicate()
        pytest.fail(f"still running after {limit} s: {err[-3000:]}")
    assert process.returncode == 0, err[-4000:]
    return out, err


def assert_identical(a_folder, b_folder):
    a, b = tensors(checkpoint(a_folder)), tensors(checkpoint(b_folder))
    assert a.keys() == b.keys() and "/rng/torch" in a
    different = [key for key in a if not torch.equal(a[key], b[key])]
    assert not different, f"{len(different)} of {len(a)} tensors differ: {different[:5]}"
    assert checkpoint(a_folder)["step"] == checkpoint(b_folder)["step"] == 18


@pytest.fixture(scope="module")
def one_node(tmp_path_factory):
    """An uninterrupted single-node 2-process run, started once for the module."""
    folder = tmp_path_factory.mktemp("one_node")
    recipe = write_recipe(folder / "toy.yaml", *RECIPE)
    process = start([*TORCHRUN, "--standalone", "--nproc_per_node=2",
                     *corefill_run(recipe, folder / "run")])
    yield lambda: (finish(process), folder / "run")[1]
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)


def rank_pid(out_dir, rank):
    """The pid of the worker of ``rank`` writing to ``out_dir``, or None."""
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            env = (entry / "environ").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if str(out_dir).encode() in cmdline and f"RANK={rank}".encode() in env and \
                str(SCRIPT).encode() in cmdline and b"torch.distributed.run" not in cmdline:
            return int(entry.name)
    return None


def test_a_killed_worker_restarts_resumes_and_ends_identical(tmp_path, one_node):
    assert f"torchrun {' '.join(ELASTIC)}" in GUIDE.read_text()
    recipe = write_recipe(tmp_path / "toy.yaml", *RECIPE)
    run = tmp_path / "run"
    process = start([*TORCHRUN, *ELASTIC, *corefill_run(recipe, run)])
    last = run / "checkpoints" / "last.pt"
    deadline = time.monotonic() + 120
    while not (last.exists() and torch.load(last, weights_only=True)["step"] >= 8):
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
        time.sleep(0.05)
    os.kill(rank_pid(run, 1), signal.SIGKILL)  # in epoch 2, after a mid-epoch last.pt
    out, err = finish(process)
    assert "exitcode: -9" in err and "local_rank: 1" in err  # it was killed, and restarted
    assert "connectFullMesh" not in err
    assert_identical(one_node(), run)


def test_two_simulated_nodes_end_identical_to_one_node(tmp_path, one_node):
    recipe = write_recipe(tmp_path / "toy.yaml", *RECIPE)
    port = free_port()
    nodes = [start([*TORCHRUN, "--nnodes=2", f"--node_rank={rank}", "--nproc_per_node=1",
                    "--rdzv_id=toy", "--rdzv_backend=c10d",
                    f"--rdzv_endpoint=127.0.0.1:{port}", *corefill_run(recipe, tmp_path / "run")])
             for rank in (0, 1)]
    for node in nodes:
        finish(node)
    assert_identical(one_node(), tmp_path / "run")
