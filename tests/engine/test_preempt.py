"""One command for the first start and every restart (``--resume auto``), a checkpoint
that survives a damaged last.pt, and stop signals that lose no step (issue 30). Through
the CLI as a user calls it, with the toy components as its plugins."""
import os
import signal
import subprocess
import sys
import time

import pytest
import torch

import corefill.plugins
from corefill.cli import main
from corefill.engine import preempt
from checkpoint_tensors import checkpoint, tensors
from toy_cli import SCRIPT, write_recipe
from toy_components import toy_registries

# Adversarial, with dropout: training draws from the global RNG, as pix2pix does.
NETS = ["discriminator.name=tiny-d", "losses=[{name: l1-hole}, {name: bce, weight: 0.05}]",
        "generator.params.dropout=0.3"]


def assert_identical(whole, resumed):
    a, b = tensors(checkpoint(whole)), tensors(checkpoint(resumed))
    assert a.keys() == b.keys() and "/rng/torch" in a
    different = [key for key in a if not torch.equal(a[key], b[key])]
    assert not different, f"{len(different)} of {len(a)} tensors differ: {different[:5]}"


@pytest.fixture
def cli(monkeypatch, capsys):
    """``corefill ARGS``: (exit code, stdout, stderr)."""
    monkeypatch.setattr(corefill.plugins, "registries", toy_registries)

    def call(*args):
        try:
            main([str(arg) for arg in args])
            code = 0
        except SystemExit as exited:
            code = exited.code
        out = capsys.readouterr()
        return code, out.out, out.err
    return call


def test_resume_auto_starts_an_empty_folder_then_continues_it(tmp_path, cli):
    recipe = write_recipe(tmp_path / "toy.yaml", *NETS, "train.max_epochs=2")
    run = tmp_path / "run"
    assert cli("run", recipe, "--out", tmp_path / "whole")[0] == 0
    assert cli("run", recipe, "--out", run, "--resume", "auto", "-o", "train.max_steps=4")[0] == 0
    assert checkpoint(run)["step"] == 4  # started: the folder was empty
    # a real change still needs --force
    code, _, err = cli("run", recipe, "--out", run, "--resume", "auto",
                       "-o", "train.generator_optimizer.lr=0.02")
    assert code == 2 and "--force" in err and err.count("\n") == 1
    cli("run", recipe, "--out", run, "--resume", "auto")  # continued: lifting the limit
    assert checkpoint(run)["step"] == 6
    assert_identical(tmp_path / "whole", run)
    # plain --resume keeps its meaning: nothing to resume is an error
    code, _, err = cli("run", recipe, "--out", tmp_path / "none", "--resume")
    assert code == 2 and "no such checkpoint" in err


def test_a_truncated_last_pt_falls_back_to_the_previous_one(tmp_path, cli):
    recipe = write_recipe(tmp_path / "toy.yaml", *NETS, "train.max_epochs=3")
    run = tmp_path / "run"
    cli("run", recipe, "--out", tmp_path / "whole")
    cli("run", recipe, "--out", run, "-o", "train.max_steps=6")
    last, previous = run / "checkpoints" / "last.pt", run / "checkpoints" / "last.prev.pt"
    assert torch.load(previous, weights_only=True)["step"] == 3  # kept until step 6 was read back
    last.write_bytes(last.read_bytes()[: last.stat().st_size // 2])  # cut while copying
    _, out, _ = cli("run", recipe, "--out", run, "--resume", "auto")
    warnings = [line for line in out.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "last.prev.pt (step 3)" in warnings[0], out
    assert_identical(tmp_path / "whole", run)


def test_signals_set_a_flag_and_a_second_sigint_aborts():
    with preempt.handling():
        assert preempt.requested() is None
        os.kill(os.getpid(), signal.SIGUSR1)
        assert preempt.requested() == "SIGUSR1"
        os.kill(os.getpid(), signal.SIGTERM)  # the first one is kept
        assert preempt.requested() == "SIGUSR1"
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def launch(*args):
    return subprocess.Popen([sys.executable, str(SCRIPT), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(process, ready, what, limit=120):
    deadline = time.monotonic() + limit
    while not ready():
        assert process.poll() is None, process.communicate()[1][-3000:]
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.02)


def finish(process, limit=180):
    out, err = process.communicate(timeout=limit)
    return process.returncode, out, err


@pytest.mark.slow
def test_sigterm_mid_epoch_saves_at_once_and_the_same_command_ends_identical(tmp_path):
    # 48 items at batch 4: 12 steps an epoch, ~0.2 s a step; losses logged every 5 steps;
    # no periodic checkpoint is due (checkpoint_every_minutes: 10)
    recipe = write_recipe(tmp_path / "toy.yaml", *NETS, "train.max_epochs=2",
                          "data.dataset.params.count=48", "data.dataset.params.delay=0.05",
                          "train.log_every=5")
    command = ["run", recipe, "--out", tmp_path / "stopped", "--resume", "auto"]
    whole = launch("run", recipe, "--out", tmp_path / "whole")
    stopped = launch(*command)
    log = tmp_path / "stopped" / "metrics.jsonl"
    wait_for(stopped, lambda: log.exists() and '"step": 15' in log.read_text(), "step 15")
    os.kill(stopped.pid, signal.SIGTERM)
    sent = time.monotonic()
    code, _, err = finish(stopped)
    assert code == preempt.EXIT_CODE, err[-3000:]
    assert time.monotonic() - sent < 10
    state = checkpoint(tmp_path / "stopped")
    assert state["epoch"] == 1 and 15 <= state["step"] < 24  # mid-epoch, at the next step
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"SIGTERM: stopped after step {state['step']}")
    assert f"--out {tmp_path / 'stopped'} --resume auto`" in lines[0]

    assert finish(launch(*command))[0] == 0
    assert finish(whole)[0] == 0
    assert_identical(tmp_path / "whole", tmp_path / "stopped")


@pytest.mark.slow
def test_a_second_sigint_aborts_at_once(tmp_path):
    recipe = write_recipe(tmp_path / "toy.yaml", "train.max_epochs=2",
                          "data.dataset.params.delay=0.4", "train.log_every=1")
    process = launch("run", recipe, "--out", tmp_path / "run")
    log = tmp_path / "run" / "metrics.jsonl"
    wait_for(process, lambda: log.exists() and '"step": 1' in log.read_text(), "step 1")
    os.kill(process.pid, signal.SIGINT)
    time.sleep(0.1)  # a step takes 1.6 s: still in the next one
    os.kill(process.pid, signal.SIGINT)
    sent = time.monotonic()
    code, _, err = finish(process)
    assert code == 130 and time.monotonic() - sent < 5, err[-3000:]
    assert "Traceback" not in err
