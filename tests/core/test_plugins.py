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


def test_a_name_two_plugins_register_disables_neither(tmp_path, monkeypatch):
    write_plugin(tmp_path, "first")
    write_plugin(tmp_path, "second")  # registers the same names
    registries, infos = _load(monkeypatch, tmp_path)
    assert infos["first"].status == infos["second"].status == "ok"
    assert infos["second"].components == 4
    generators = registries["generator"]
    assert generators.get("first:toy-unet").source != generators.get("second:toy-unet").source
    assert generators.clashes() == {"toy-unet": ["first:toy-unet", "second:toy-unet"]}
    import pytest

    from corefill.errors import RegistryError

    with pytest.raises(RegistryError, match="'toy-unet' is ambiguous.*first:toy-unet, "
                                            "second:toy-unet"):
        generators.get("toy-unet")


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
    assert "ngf: int in [1, inf) = 8" in components.stdout


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


RAISING_HOOK = '''
from corefill.hookspecs import hookimpl

@hookimpl
def corefill_register(registry):
    registry.add("metric", "early", target="x:y", params="x:y")
    raise RuntimeError("no licence file")
'''


def test_each_plugin_registers_its_own_components_through_the_hook(tmp_path, monkeypatch):
    write_plugin(tmp_path, "alpha", prefix="a-")
    write_plugin(tmp_path, "beta", prefix="b-")
    write_plugin(tmp_path, "aaa-raises", body=RAISING_HOOK)  # sorted first: must stop only itself
    registries, infos = _load(monkeypatch, tmp_path)
    assert infos["aaa-raises"].status == "broken"
    assert infos["aaa-raises"].error == "RuntimeError: no licence file"
    assert "early" not in registries["metric"]
    assert infos["alpha"].components == infos["beta"].components == 4
    assert "corefill-alpha" in registries.get("generator", "a-unet").source
    assert "corefill-beta" in registries.get("generator", "b-unet").source


def test_hook_called_by_pluggy_passes_only_the_arguments_an_implementation_takes(
        tmp_path, monkeypatch):
    body = '''
from corefill.hookspecs import hookimpl

CALLS = []

@hookimpl
def corefill_register():
    CALLS.append("called")
'''
    write_plugin(tmp_path, "quiet", body=body)
    _, infos = _load(monkeypatch, tmp_path)
    assert infos["quiet"].status == "ok" and infos["quiet"].components == 0
    assert sys.modules["fake_quiet"].CALLS == ["called"]


def test_blocked_plugin_is_not_imported(tmp_path, monkeypatch):
    write_plugin(tmp_path, "good")
    write_plugin(tmp_path, "other", prefix="o-")
    monkeypatch.setenv("COREFILL_DISABLE_PLUGINS", " good ,unknown")
    monkeypatch.delitem(sys.modules, "fake_good", raising=False)
    registries, infos = _load(monkeypatch, tmp_path)
    assert infos["good"].status == "disabled" and "fake_good" not in sys.modules
    assert "toy-unet" not in registries["generator"] and "o-unet" in registries["generator"]


def test_plugin_registers_a_table_in_one_call(tmp_path, monkeypatch):
    body = '''
from corefill.hookspecs import hookimpl

@hookimpl
def corefill_register(registry):
    registry.add_table({("generator", "t-net"): ("m:net", "m:NetParams"),
                        ("loss", "t-l1"): ("m:l1", "corefill.params:NoParams")})
    registry.add_table({"t-box": ("m:box", "m:BoxParams")}, kind="masker")
'''
    write_plugin(tmp_path, "table", body=body)
    registries, infos = _load(monkeypatch, tmp_path)
    assert infos["table"].status == "ok" and infos["table"].components == 3
    assert registries.get("masker", "t-box").target == "m:box"
    assert registries.get("generator", "t-net").params == "m:NetParams"
