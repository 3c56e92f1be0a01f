"""Plugin discovery and isolation, through real entry points on disk."""
import sys

from corefill.plugins import load_plugins
from corefill.registry import Registries

from fake_plugins import run_cli, write_plugin


def _load(monkeypatch, path):
    monkeypatch.syspath_prepend(str(path))
    registries = Registries()
    return registries, {info.name: info for info in load_plugins(registries)}


def test_good_plugin_registers_lazily(tmp_path, monkeypatch):
    write_plugin(tmp_path, "good")
    registries, infos = _load(monkeypatch, tmp_path)
    assert infos["good"].status == "ok" and infos["good"].components == 4
    assert infos["good"].distribution == "corefill-good" and infos["good"].version == "1.2.3"
    spec = registries.get("generator", "toy-unet")
    assert "corefill-good 1.2.3" in spec.source and spec.target == "fake_good:make"


def test_plugin_raising_on_import_is_skipped(tmp_path, monkeypatch):
    write_plugin(tmp_path, "good")
    write_plugin(tmp_path, "broken", body="raise RuntimeError('cuda driver missing')\n")
    registries, infos = _load(monkeypatch, tmp_path)
    assert infos["broken"].status == "broken"
    assert infos["broken"].error == "RuntimeError: cuda driver missing"
    assert infos["good"].status == "ok"
    assert "toy-unet" in registries["generator"]


def test_plugin_raising_during_registration_is_rolled_back(tmp_path, monkeypatch):
    body = '''
from corefill.hookspecs import hookimpl

@hookimpl
def corefill_register(registry):
    registry.add("generator", "half-done", target="x:y", params="x:y")
    raise ValueError("bad config")
'''
    write_plugin(tmp_path, "halfway", body=body)
    registries, infos = _load(monkeypatch, tmp_path)
    assert infos["halfway"].status == "broken" and "bad config" in infos["halfway"].error
    assert "half-done" not in registries["generator"]


def test_duplicate_name_across_plugins_breaks_the_second(tmp_path, monkeypatch):
    write_plugin(tmp_path, "first")
    write_plugin(tmp_path, "second")  # registers the same names
    registries, infos = _load(monkeypatch, tmp_path)
    assert infos["first"].status == "ok"
    assert infos["second"].status == "broken"
    assert "registered twice" in infos["second"].error
    assert "corefill-first" in infos["second"].error and "corefill-second" in infos["second"].error


def test_cli_survives_broken_plugin_and_shows_it(tmp_path):
    write_plugin(tmp_path, "good")
    write_plugin(tmp_path, "broken", body="import not_a_real_module_xyz\n")
    result = run_cli(["plugins"], plugin_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    line = next(l for l in result.stdout.splitlines() if l.startswith("broken"))
    assert "corefill-broken" in line and "1.2.3" in line
    assert "ModuleNotFoundError: No module named 'not_a_real_module_xyz'" in line
    assert "Traceback" not in result.stdout + result.stderr
    components = run_cli(["components", "generator"], plugin_dir=tmp_path)
    assert components.returncode == 0 and "toy-unet" in components.stdout
    assert "ngf: int = 8" in components.stdout


def test_disable_env_skips_named_plugins(tmp_path):
    write_plugin(tmp_path, "good")
    result = run_cli(["plugins"], plugin_dir=tmp_path, env={"COREFILL_DISABLE_PLUGINS": "good"})
    line = next(l for l in result.stdout.splitlines() if l.startswith("good"))
    assert line.rstrip().endswith("disabled")
    components = run_cli(["components", "generator"], plugin_dir=tmp_path,
                         env={"COREFILL_DISABLE_PLUGINS": "good"})
    assert "toy-unet" not in components.stdout


def test_light_commands_do_not_import_torch(tmp_path):
    write_plugin(tmp_path, "good")
    code = (
        "import sys\n"
        "from corefill.cli import main\n"
        "for args in (['--help'], ['plugins'], ['components'], ['--version']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH')\n"
    )
    import subprocess
    import os
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout.strip().endswith("NO-TORCH"), result.stdout + result.stderr


def test_version_lists_plugins(tmp_path):
    write_plugin(tmp_path, "good")
    result = run_cli(["--version"], plugin_dir=tmp_path)
    assert result.returncode == 0
    assert "corefill 0.1.0" in result.stdout and "good: corefill-good 1.2.3 (ok)" in result.stdout
