"""The engine's public functions stay functions whatever engine module was imported first."""
import importlib
import inspect
import json
import pkgutil

import corefill.engine
from toy_components import toy_recipe, toy_registries


def test_evaluate_is_the_function_after_the_trainer_is_imported(tmp_path):
    import corefill.engine.trainer  # noqa: F401  imports the test-split evaluation module

    report = corefill.engine.evaluate(toy_recipe(), None, folder=tmp_path,
                                      registries=toy_registries(), checkpoint_label="none")
    assert set(report["models"]) == {"mean-fill", "zero-fill"}
    assert json.loads((tmp_path / "report.json").read_text())["images"] == report["images"] > 0


def test_no_engine_module_shadows_a_public_function():
    for module in pkgutil.iter_modules(corefill.engine.__path__):
        importlib.import_module(f"corefill.engine.{module.name}")
    for name in corefill.engine.__all__:
        assert inspect.isfunction(getattr(corefill.engine, name)), name
