"""`corefill serve` at the command line: what cannot be served is one line and exit 2 at start."""
import importlib.util

import pytest
import torch

from corefill.cli import main


def _serve(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", *args])
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


def test_help_names_the_host_and_what_opening_it_exposes():
    from click.testing import CliRunner

    from corefill.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--help"])
    out = " ".join(result.output.split())
    assert result.exit_code == 0 and "--host" in out and "127.0.0.1" in out
    assert "anyone who can reach it can run the model and upload files" in out
    assert "Repeat it to show several models side by side" in out
    assert "auto" in out and "crop" in out and "resize" in out and "Ctrl+Z" in out


def test_translation_and_inpainting_checkpoints_together_are_one_line(knee_run, pix2pix_run,
                                                                     capsys):
    knee, pix2pix = (run / "checkpoints" / "best.pt" for run in (knee_run, pix2pix_run))
    code, out, err = _serve(capsys, "--checkpoint", str(knee), "--checkpoint", str(pix2pix),
                            "--port", "0")
    assert code == 2 and err.count("\n") == 1 and not out
    assert err.startswith(f"error: cannot serve {pix2pix} (translation) beside {knee} "
                          "(inpainting): one page serves one kind")


def test_weights_that_do_not_fit_are_one_line(knee_run, tmp_path, capsys):
    state = torch.load(knee_run / "checkpoints" / "best.pt", weights_only=True)
    weights = state["networks"]["generator"]
    key = next(iter(weights))
    weights[f"renamed.{key}"] = weights.pop(key)
    edited = tmp_path / "edited.pt"
    torch.save(state, edited)
    code, out, err = _serve(capsys, "--checkpoint", str(edited), "--port", "0")
    assert code == 2 and err.count("\n") == 1 and not out
    assert err.startswith(f"error: {edited}: its generator weights do not fit")


def test_a_file_that_is_no_checkpoint_is_one_line(tmp_path, capsys):
    bogus = tmp_path / "best.pt"
    bogus.write_text("not a checkpoint")
    code, _, err = _serve(capsys, "--checkpoint", str(bogus))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"error: {bogus}: cannot load checkpoint")


def test_without_the_extra_the_error_names_the_install_command(knee_run, capsys, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "uvicorn" else real(name, *a))
    code, _, err = _serve(capsys, "--checkpoint", str(knee_run / "checkpoints" / "best.pt"))
    assert code == 2 and err.count("\n") == 1
    assert err == "error: corefill serve needs uvicorn: pip install corefill[serve]\n"


def test_the_page_ships_in_the_wheel():
    """Every file of the page matches the package-data patterns of pyproject.toml."""
    import fnmatch
    import tomllib
    from pathlib import Path

    import corefill.serve

    root = Path(__file__).resolve().parents[2]
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["corefill.serve"]
    package = Path(corefill.serve.__file__).parent
    files = [p.relative_to(package).as_posix() for p in (package / "static").iterdir()]
    assert {"static/index.html", "static/page.js", "static/page.css"} <= set(files)
    assert all(any(fnmatch.fnmatch(f, p) for p in patterns) for f in files), files


def test_port_zero_prints_the_port_it_got_and_a_taken_port_is_one_line(knee_run, capsys):
    import re
    import socket
    import subprocess
    import sys
    import urllib.request

    checkpoint = str(knee_run / "checkpoints" / "best.pt")
    command = [sys.executable, "-c", "from corefill.cli import main; main()", "serve",
               "--checkpoint", checkpoint, "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))
        assert port > 0, line
        info = urllib.request.urlopen(f"http://127.0.0.1:{port}/api/info", timeout=30).read()
        assert b"data_spec" in info or b"size" in info
    finally:
        process.terminate()
        process.wait(timeout=20)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        code, _, err = _serve(capsys, "--checkpoint", checkpoint, "--port",
                              str(taken.getsockname()[1]))
    assert code == 2 and err.startswith("error: cannot listen on 127.0.0.1:") \
        and err.count("\n") == 1
