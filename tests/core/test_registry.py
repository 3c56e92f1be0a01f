import pytest

from corefill.errors import DuplicateComponentError, RegistryError
from corefill.registry import Registries, Registry, build, import_object


def _registry_with(*names):
    registry = Registry("generator")
    for name in names:
        registry.register(name, target="builtins:dict", params="corefill.params:NoParams",
                          source="plugin 'a'")
    return registry


def test_duplicate_name_within_one_plugin_names_both_sources():
    registry = _registry_with("unet")
    with pytest.raises(DuplicateComponentError) as err:
        registry.register("unet", target="other.mod:Unet", params="corefill.params:NoParams",
                          source="plugin 'a' again")
    message = str(err.value)
    assert "plugin 'a'" in message and "again" in message and "other.mod:Unet" in message
    assert registry.get("unet").source == "plugin 'a'"  # the first one stays


def test_same_name_from_two_plugins_is_ambiguous_but_both_stay_usable():
    registry = Registry("masker")
    for plugin in ("builtin", "pcclash"):
        registry.register("center", target=f"{plugin}:Center", params="corefill.params:NoParams",
                          source=f"plugin {plugin!r}", plugin=plugin)
    registry.register("grid", target="pcclash:Grid", params="corefill.params:NoParams",
                      source="plugin 'pcclash'", plugin="pcclash")
    with pytest.raises(RegistryError, match=r"'center' is ambiguous.*builtin:center, pcclash:center"):
        registry.get("center")
    assert registry.get("builtin:center").target == "builtin:Center"
    assert registry.get("pcclash:center").target == "pcclash:Center"
    assert registry.get("grid").target == registry.get("pcclash:grid").target == "pcclash:Grid"
    assert registry.list() == ["center", "grid"] and "pcclash:center" in registry
    registry.unregister("pcclash:center")
    assert registry.get("center").target == "builtin:Center"  # no longer ambiguous
    with pytest.raises(RegistryError, match="cannot contain ':'"):
        registry.register("a:b", target="x:y", params="x:y", source="s")


def test_unknown_name_suggests_close_matches():
    registry = _registry_with("unet_256", "unet_128", "resnet")
    with pytest.raises(RegistryError, match="did you mean 'unet_256'"):
        registry.get("unet_265")


def test_unknown_name_lists_available_when_nothing_is_close():
    registry = _registry_with("telea")
    with pytest.raises(RegistryError, match="available: telea"):
        registry.get("zzzzzz")


def test_unknown_name_mentions_broken_plugins():
    registry = _registry_with("telea")
    registry.broken_plugins = {"knee": "ImportError: no module named cv3"}
    with pytest.raises(RegistryError, match="knee: ImportError: no module named cv3"):
        registry.get("context-encoder")


def test_list_is_sorted_and_kinds_are_checked():
    registries = Registries()
    registries["masker"].register("b", target="x:y", params="x:y", source="s")
    registries["masker"].register("a", target="x:y", params="x:y", source="s")
    assert registries["masker"].list() == ["a", "b"]
    with pytest.raises(RegistryError, match="did you mean 'masker'"):
        registries["maskers"]


def test_build_validates_params_and_passes_context():
    registry = Registry("dataset")
    spec = registry.register("toy", target="builtins:dict", params="corefill.params:NoParams",
                             source="s")
    assert build(spec, {}, split="val") == {"split": "val"}
    with pytest.raises(Exception, match="Extra inputs are not permitted"):
        build(spec, {"unknown": 1})


def test_import_object_requires_colon():
    assert import_object("os.path:join") is __import__("os").path.join
    with pytest.raises(ValueError, match="package.module:attr"):
        import_object("os.path.join")
