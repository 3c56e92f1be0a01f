"""What ``corefill new-plugin`` names and writes: the plugin's names, one entry per kind.

Torch-free and cheap: the CLI imports it for ``--help``.
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from ..errors import CorefillError
from ..registry import KINDS

# A slug as users type it in `pip install corefill-NAME` and in recipes: lowercase words
# joined by single hyphens or underscores, starting with a letter.
_SLUG = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
MAX_LENGTH = 40


class ScaffoldError(CorefillError):
    """A plugin name or target folder ``new-plugin`` cannot use."""


@dataclass(frozen=True)
class PluginNames:
    """``blur`` -> entry point ``blur``, package ``corefill_blur``, distribution
    ``corefill-blur``, identifiers ``blur`` and ``Blur``."""

    slug: str

    @property
    def ident(self) -> str:
        return self.slug.replace("-", "_")

    @property
    def camel(self) -> str:
        return "".join(part.capitalize() for part in self.ident.split("_"))

    @property
    def package(self) -> str:
        return f"corefill_{self.ident}"

    @property
    def dist(self) -> str:
        return f"corefill-{self.slug.replace('_', '-')}"


def plugin_names(name: str) -> PluginNames:
    """Validated names for ``name``; ScaffoldError (one line) for a name that is not a slug."""
    if not _SLUG.fullmatch(name) or len(name) > MAX_LENGTH:
        raise ScaffoldError(
            f"plugin name {name!r}: use lowercase letters, digits and single '-' or '_' "
            f"between them, starting with a letter, at most {MAX_LENGTH} characters (e.g. blur, pc-fill)")
    if name.startswith(("corefill-", "corefill_")) or name == "corefill":
        raise ScaffoldError(f"plugin name {name!r}: leave out the 'corefill' prefix "
                            f"(new-plugin adds it: {name!r} would become corefill-{name})")
    if keyword.iskeyword(name.replace("-", "_")):
        raise ScaffoldError(f"plugin name {name!r} is a Python keyword")
    return PluginNames(name)


@dataclass(frozen=True)
class KindLayout:
    """Where one kind's component lives in the plugin and what it is called.

    ``suffix`` names everything: component ``<slug>-<suffix>`` (metrics: ``<ident>_<suffix>``,
    as metric names are report keys), module ``<ident>_<suffix>.py`` in ``folder``, class
    ``<Camel><Suffix>``, its Params ``<Camel><Suffix>Params``; ``target`` says whether the
    registered target is the class or the builder function ``<ident>_<suffix>``.
    """

    kind: str
    folder: str
    suffix: str
    title: str
    target: str  # "class" or "builder"
    templates: str = ""  # the templates' folder; default: the kind's

    def values(self, names: PluginNames) -> dict[str, str]:
        """The template variables of this kind's files."""
        suffix = self.suffix.replace("-", "_")
        module = f"{names.ident}_{suffix}"
        cls = names.camel + self.title
        builder = module
        component = module if self.kind == "metric" else f"{names.slug}-{self.suffix}"
        attr = cls if self.target == "class" else builder
        # a scheme's Params get their own module: a discriminator beside it has params.py
        params_module = f"{module}_params" if self.templates else "params"
        return {"kind": self.kind, "folder": self.folder, "component": component,
                "module": module, "cls": cls, "builder": builder,
                "target_path": f"{names.package}.{self.folder}.{module}:{attr}",
                "params_module": params_module,
                "params_path": f"{names.package}.{self.folder}.{params_module}:{cls}Params"}


LAYOUTS: dict[str, KindLayout] = {layout.kind: layout for layout in (
    KindLayout("dataset", "datasets", "images", "Images", "builder"),
    KindLayout("masker", "maskers", "grid", "Grid", "class"),
    KindLayout("generator", "generators", "fill", "Fill", "builder"),
    KindLayout("discriminator", "discriminators", "patchgan", "PatchGAN", "builder"),
    KindLayout("loss", "losses", "hole-l1", "HoleL1", "class"),
    KindLayout("metric", "metrics", "hole_mae", "HoleMAE", "class"),
)}
assert tuple(LAYOUTS) == KINDS  # the core's order: files and tables list kinds in it

# A training scheme is no registry kind: it is a network whose class brings a
# ``train_step`` (docs/contracts.md), here a critic with the R1 penalty.
SCHEME = "train-step"
SCHEME_LAYOUT = KindLayout("discriminator", "discriminators", "critic", "Critic", "builder",
                           templates="train_step")
CHOICES = KINDS + (SCHEME,)  # what `new-plugin --kind` accepts


def layout_of(choice: str) -> KindLayout:
    return SCHEME_LAYOUT if choice == SCHEME else LAYOUTS[choice]


def ordered_kinds(kinds) -> tuple[str, ...]:
    """``kinds`` without repeats, in the core's order; a generator is always among them
    (see :func:`needs_generator`)."""
    wanted = set(kinds) | {"generator"}
    return tuple(kind for kind in CHOICES if kind in wanted)


def needs_generator(kinds) -> bool:
    """Whether the plugin gets a generator it did not ask for: its sample recipe trains
    one, and the core ships only parameter-free baselines, which cannot be trained."""
    return "generator" not in set(kinds)
