"""Conformance kit for plugin authors (like scikit-learn's ``check_estimator``).

In a plugin's tests::

    from corefill.testing import check_component

    def test_my_generator_conforms():
        check_component("generator", "my-unet", {"ngf": 8},
                        input_channels=2, target_channels=1, size=32)

``check_component`` resolves the name through the installed plugins, validates the
params, builds the component and runs the check for its kind. The per-kind checks
(``check_generator`` …) take an already-built object (or, for networks, a factory).
``registries()`` (the installed plugins' registries) with :func:`corefill.plugin.build`
builds a component for a test of its own: ``build(registries().get("masker", "my-grid"),
{"cell_size": 10})``; :func:`construct` builds a class or builder directly.

One of the public modules for plugin authors (see docs/plugins.md, "The public surface").
"""
from __future__ import annotations

from typing import Any

from ..plugins import registries
from .params_checks import check_params
from .runs import run_records, run_report, train_recipe
from .train_step import check_train_step
from .checks import (
    check_dataset,
    check_discriminator,
    check_generator,
    check_loss,
    check_masker,
    check_metric,
)

__all__ = [
    "check_component",
    "construct",
    "run_cli",
    "check_dataset",
    "check_discriminator",
    "check_generator",
    "check_loss",
    "check_masker",
    "check_metric",
    "check_params",
    "check_train_step",
    "registries",
    "run_records",
    "run_report",
    "train_recipe",
]



_CHECKS = {
    "masker": check_masker,
    "loss": check_loss,
    "metric": check_metric,
}


def check_component(kind: str, name: str, params: dict[str, Any] | None = None,
                    *, registries=None, split: str = "train", **check_options: Any) -> None:
    """Build registered component ``kind``/``name`` with ``params`` and check it.

    Its Params class is checked first (:func:`check_params`). It is built as the engine
    builds it, in a ``BuildContext`` whose channels come from the check's options
    (``target_channels``/``input_channels`` for a generator, ``channels`` for the others)
    and whose value range is ``value_range`` (a generator option, default [-1, 1])."""
    from ..plugins import resolve_registries
    from ..registry import BuildContext, build

    registries = resolve_registries(registries)
    spec = registries.get(kind, name)
    check_params(spec.params_class())
    channels = check_options.get("target_channels", check_options.get("channels"))
    context = BuildContext(registries=registries, channels=channels,
                           value_range=tuple(check_options.get("value_range", (-1.0, 1.0))),
                           input_channels=check_options.get("input_channels", channels))
    if kind in ("generator", "discriminator"):
        def factory():
            return build(spec, params, context)
        check = check_generator if kind == "generator" else check_discriminator
        check(factory, **check_options)
    elif kind == "dataset":
        check_dataset(build(spec, params, BuildContext(registries=registries), split=split),
                      **check_options)
    else:
        _CHECKS[kind](build(spec, params, context), **check_options)


def construct(target: Any, *, split: str | None = None, registries=None, checked: bool = True,
              **fields: Any) -> Any:
    """``target(params, context)`` the way the engine calls it, for a unit test of a
    component's class or builder: the Params class is the one the target's ``params``
    parameter is annotated with, validated from ``fields`` (``checked=False`` skips the
    validation, to hand the component what validation would refuse, such as a root deleted
    since); ``split`` and ``registries`` go into the BuildContext.
    ``construct(ImageFolder, split="val", root=folder)``."""
    import typing

    from ..registry import BuildContext

    init = target.__init__ if isinstance(target, type) else target
    params_cls = typing.get_type_hints(init)["params"]
    params = params_cls(**fields) if checked else params_cls.model_construct(**fields)
    return target(params, BuildContext(registries=registries, split=split))


def run_cli(*args: str) -> int:
    """Run ``corefill ARGS...`` in this process (as a user types it); returns the exit code.

    For plugin tests that run a recipe end to end: ``assert run_cli("run", "my.yaml",
    "-o", "train.max_steps=2", "--out", str(tmp_path)) == 0``. Errors go to stderr as the
    CLI prints them (use pytest's ``capsys`` to read them).
    """
    from ..cli import main

    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
