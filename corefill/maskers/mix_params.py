"""Parameters of the ``mix`` masker (pydantic only: read by `corefill components`).

Each entry names another masker; its name and params are checked when the mix's params
are (``corefill validate``, and every build), in the registries the recipe is validated
with, so a typo is an error naming the entry, ``masker.params.maskers.1.name: unknown
masker 'foo'``, before any mask is drawn.
"""
from __future__ import annotations

from typing import Any, Iterator

from pydantic import Field, ValidationInfo, field_validator

from ..params import Params

WHOLE_IMAGE = ("none",)  # built-in maskers whose mask is the whole image


def masker_spec(name: str, context: Any):
    """The registered masker ``name``, in the validation context's registries (None: the
    installed plugins'); an unknown name is a ValueError with the registry's message."""
    from corefill.errors import RegistryError
    from corefill.plugins import resolve_registries

    try:
        return resolve_registries((context or {}).get("registries")).get("masker", name)
    except RegistryError as exc:
        raise ValueError(str(exc)) from None


class MixEntry(Params):
    """One masker of a mix: its name, its params and its weight."""

    name: str = Field(min_length=1, description="a registered masker, e.g. center, free-form, lama-thick")
    params: dict[str, Any] = Field(default_factory=dict, validate_default=True,
                                   description="that masker's params (default: its defaults)")
    weight: float = Field(
        gt=0, allow_inf_nan=False,
        description="relative weight: the masker is drawn with probability weight / sum of weights",
    )

    @field_validator("name")
    @classmethod
    def _known(cls, name: str, info: ValidationInfo) -> str:
        spec = masker_spec(name, info.context)
        if spec.plugin in ("builtin", "") and spec.name in WHOLE_IMAGE:
            raise ValueError(f"a mix cannot contain {name!r}: its mask is the whole image "
                             "(a translation task, not a hole to draw)")
        return name

    @field_validator("params")
    @classmethod
    def _valid(cls, params: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        """The masker's own params, validated now and with their defaults filled in; their
        errors keep their place (``maskers.1.params.max_fraction``)."""
        if "name" not in info.data:  # the name was wrong: that is the error to report
            return params
        params_cls = masker_spec(info.data["name"], info.context).params_class()
        return params_cls.model_validate(params, context=info.context).model_dump(mode="json")


class MixParams(Params):
    """Several maskers mixed by weight. Produces a (1, H, W) float32 {0,1} mask, 1 = hole.

    Each mask comes from one of `maskers`, drawn with probability proportional to its
    weight from the item's rng, which then also draws that masker's mask (same seed, same
    mask). E.g. `maskers: [{name: center, weight: 3}, {name: lama-thick, weight: 1}]`.
    Entries are any maskers but `none` (a whole-image mask); a mix may contain a mix.
    """

    maskers: list[MixEntry] = Field(
        min_length=1, description="the maskers mixed: a list of {name, params, weight}"
    )

    def preflight(self) -> Iterator[tuple[str, str]]:
        """What the entries' own Params would report (missing modules, their preflight)."""
        from corefill.preflight import module_available

        for index, entry in enumerate(self.maskers):
            params = masker_spec(entry.name, None).params_class().model_validate(entry.params)
            for module, requirement in (getattr(type(params), "requires", None) or {}).items():
                if not module_available(module):
                    yield (f"maskers.{index}.name", f"masker {entry.name!r} needs the {module!r} "
                           f"module, which is not installed; fix: pip install '{requirement}'")
            check = getattr(params, "preflight", None)
            for where, message in (check() if callable(check) else ()):
                yield (f"maskers.{index}.params" + (f".{where}" if where else ""), message)
