"""`corefill tune` on a shipped recipe (knee, tiny widths, 2 steps a trial): three trials,
their table, best.yaml that `corefill validate` takes, the plots, --resume adding trials
to the same study; malformed spaces and a missing extra are one-line errors at start."""
import builtins
from pathlib import Path

import pytest
from click.testing import CliRunner

from corefill.cli import cli, main

RECIPES = Path(__file__).resolve().parents[2] / "recipes"
SPACES = ["--space", "train.generator_optimizer.lr=loguniform(1e-5,1e-3)",
          "--space", "generator.params.base_channels=choice(4,8)"]


@pytest.fixture(scope="module")
def tiny_recipe(tmp_path_factory):
    path = tmp_path_factory.mktemp("recipe") / "tiny-knee.yaml"
    path.write_text(f"""base: {RECIPES / 'knee.yaml'}
metrics: [psnr_hole]
baselines: []
device: cpu
data:
  dataset: {{params: {{train_crops: 32}}}}
  batch_size: 4
generator: {{params: {{base_channels: 4, max_channels: 16}}}}
discriminator: {{params: {{base_channels: 4, max_channels: 16}}}}
train: {{max_steps: 2}}
""")
    return path


def _tune(*args):
    result = CliRunner().invoke(cli, ["tune", *[str(a) for a in args]])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.fixture(scope="module")
def searched(tiny_recipe, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tune") / "search"
    output = _tune(tiny_recipe, "--trials", 3, *SPACES, "--out", folder)
    return folder, output


def _study(folder):
    import optuna

    return optuna.load_study(study_name="corefill-tune", storage=f"sqlite:///{folder / 'study.db'}")


def test_three_trials_are_run_folders_in_a_table(searched):
    folder, output = searched
    assert "3 trials of" in output and "psnr_hole (maximize)" in output
    rows = [line for line in output.splitlines() if "│ complete" in line]
    assert len(rows) == 3
    assert "train.generator_optimizer.lr" in output and "generator.params.base_channels" in output
    for number in range(3):
        run = folder / f"trial-{number:04d}"
        assert (run / "report.json").is_file() and (run / "checkpoints" / "last.pt").is_file()
    values = [t.value for t in _study(folder).trials]
    assert all(10 < v < 60 for v in values)  # psnr_hole in dB, as validation logged it


def test_best_yaml_is_the_best_trial_and_corefill_validate_takes_it(searched):
    import yaml

    folder, output = searched
    study = _study(folder)
    best = folder / "best.yaml"
    assert f"best: trial {study.best_trial.number}" in output
    data = yaml.safe_load(best.read_text())
    assert data["generator"]["params"]["base_channels"] == study.best_params[
        "generator.params.base_channels"]
    assert data["train"]["generator_optimizer"]["lr"] == pytest.approx(
        study.best_params["train.generator_optimizer.lr"])
    result = CliRunner().invoke(cli, ["validate", str(best)])
    assert result.exit_code == 0 and ": ok" in result.output, result.output


def test_the_plots_are_pngs(searched):
    folder, _ = searched
    for name in ("history.png", "importance.png"):
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_resume_adds_trials_to_the_same_study(searched, tiny_recipe, capsys):
    folder, _ = searched
    with pytest.raises(SystemExit) as exit:  # without --resume the study is not overwritten
        main(["tune", str(tiny_recipe), "--trials", "1", *SPACES, "--out", str(folder)])
    assert exit.value.code == 2 and "--resume" in capsys.readouterr().err
    _tune(tiny_recipe, "--trials", 1, *SPACES, "--out", folder, "--resume")
    assert [t.number for t in _study(folder).trials] == [0, 1, 2, 3]
    assert (folder / "trial-0003" / "report.json").is_file()
    with pytest.raises(SystemExit) as exit:  # another space is another study
        main(["tune", str(tiny_recipe), "--trials", "1", SPACES[0], SPACES[1], "--out",
              str(folder), "--resume"])
    err = capsys.readouterr().err
    assert exit.value.code == 2 and "another space" in err and err.count("\n") == 1


@pytest.mark.parametrize("space,says", [
    ("generator.params.base_channel=choice(4,8)", "did you mean 'base_channels'"),
    ("train.generator_optimizer.lrr=uniform(0.1,0.2)", "unknown key"),
    ("train.generator_optimizer.lr=normal(0,1)", "unknown distribution"),
    ("train.generator_optimizer.lr=loguniform(0,1e-3)", "log scale needs low > 0"),
    ("train.generator_optimizer.lr=uniform(1e-3,1e-5)", "must be below high"),
    ("train.batch_size=int(2.5,8)", "bounds must be integers"),
    ("generator.params.base_channels=choice(2,8)", "greater than or equal to 4"),
    ("generator.params.base_channels=uniform(4,64)", "fractional part"),
    ("train.generator_optimizer.lr", "must look like dotted.key=DIST"),
    ("generator.params.base_channels=choice()", "needs at least one value"),
])
def test_a_malformed_space_is_one_line_at_start(tiny_recipe, tmp_path, capsys, space, says):
    with pytest.raises(SystemExit) as exit:
        main(["tune", str(tiny_recipe), "--trials", "1", "--space", space,
              "--out", str(tmp_path / "t")])
    err = capsys.readouterr().err
    assert exit.value.code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"error: --space {space}: ") and says in err, err
    assert not (tmp_path / "t").exists()  # nothing ran


def test_an_unknown_metric_names_the_available_ones(tiny_recipe, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["tune", str(tiny_recipe), "--trials", "1", *SPACES, "--metric", "fid",
              "--out", str(tmp_path / "t")])
    err = capsys.readouterr().err
    assert exit.value.code == 2 and "available: loss, psnr_hole" in err


def test_without_the_tune_extra_it_names_the_pip_install(tiny_recipe, monkeypatch, capsys):
    real_import = builtins.__import__

    def without_optuna(name, *args, **kwargs):
        if name.split(".")[0] == "optuna":
            raise ImportError("No module named 'optuna'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_optuna)
    with pytest.raises(SystemExit) as exit:
        main(["tune", str(tiny_recipe), "--trials", "1", *SPACES])
    err = capsys.readouterr().err
    assert exit.value.code == 2 and err.count("\n") == 1 and "pip install corefill[tune]" in err


def test_a_search_killed_mid_trial_retries_that_trial_on_resume(tiny_recipe, tmp_path):
    """SIGKILL while trial 1 trains: --resume marks it failed and runs its values again."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from optuna.trial import TrialState

    folder = tmp_path / "killed"
    args = [sys.executable, "-c", "from corefill.cli import main; main()", "tune",
            str(tiny_recipe), "--trials", "3", *SPACES, "--out", str(folder)]
    search = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while not (folder / "trial-0001").exists():
        assert search.poll() is None, search.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "trial 1 never started"
        time.sleep(0.02)
    os.kill(search.pid, signal.SIGKILL)
    search.wait()
    cut = _study(folder).trials[1]
    assert cut.state == TrialState.RUNNING  # what a killed search leaves behind

    _tune(tiny_recipe, "--trials", 1, *SPACES, "--out", folder, "--resume")
    trials = _study(folder).trials
    assert trials[1].state == TrialState.FAIL
    assert trials[-1].params == cut.params and trials[-1].state == TrialState.COMPLETE
    assert (folder / f"trial-{trials[-1].number:04d}" / "report.json").is_file()
