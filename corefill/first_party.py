"""The first-party plugins (the distributions under ``plugins/`` in corefill's repository)
and the components each registers: the one place the core knows them, so that a recipe
naming one of their components without the plugin says what to install instead of
suggesting a look-alike core name.

``tests/core/test_first_party.py`` checks this table against what the installed plugins
register and against their ``pyproject.toml``, so it cannot drift. Imports nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Mapping, Optional


@dataclass(frozen=True)
class FirstParty:
    """One first-party plugin: its distribution, entry-point name, folder in the
    repository, and the ``(kind, name)`` of every component it registers."""

    distribution: str
    entry_point: str
    folder: str
    components: tuple[tuple[str, str], ...]

    def pip_line(self) -> str:
        return f"pip install -e {self.folder} (or pip install {self.distribution})"


PLUGINS: tuple[FirstParty, ...] = (
    FirstParty("corefill-cifar-ce", "cifar-ce", "plugins/cifar-ce", (
        ("dataset", "cifar10"), ("generator", "cifar-context-encoder"),
        ("discriminator", "cifar-centre-critic"))),
    FirstParty("corefill-kaggle-rgb-gan", "kaggle-rgb-gan", "plugins/kaggle-rgb-gan", (
        ("dataset", "kaggle-images"), ("generator", "kaggle-gan-generator"),
        ("discriminator", "kaggle-patch-discriminator"))),
    FirstParty("corefill-knee-ce", "knee-ce", "plugins/knee-ce", (
        ("dataset", "knee-radiographs"), ("generator", "context-encoder"),
        ("discriminator", "context-discriminator"))),
    FirstParty("corefill-masked-autoencoder", "masked-autoencoder", "plugins/masked-autoencoder", (
        ("dataset", "completion-images"), ("generator", "completion-autoencoder"))),
    FirstParty("corefill-pix2pix", "pix2pix", "plugins/pix2pix-oasis", (
        ("dataset", "oasis-slices"), ("generator", "unet"), ("generator", "label-mean"),
        ("discriminator", "patchgan"))),
)


def provider(kind: str, name: str) -> Optional[FirstParty]:
    """The first-party plugin registering ``kind`` ``name`` (plain, or ``plugin:name`` with
    that plugin's entry-point name); None when no first-party plugin does."""
    plugin, _, plain = name.rpartition(":")
    for first_party in PLUGINS:
        if (kind, plain) in first_party.components and plugin in ("", first_party.entry_point):
            return first_party
    return None


def missing_plugin_hint(kind: str, name: str, broken: Optional[Mapping[str, str]] = None,
                        disabled: Collection[str] = ()) -> str:
    """What to do about an unknown ``kind`` ``name`` that a first-party plugin brings
    (install it, enable it, or why it failed to load); "" when none brings it."""
    first_party = provider(kind, name)
    if first_party is None:
        return ""
    where = f"it comes with the first-party plugin {first_party.distribution}"
    if first_party.entry_point in disabled:
        return (f"{where}, which is disabled: take {first_party.entry_point!r} out of "
                "COREFILL_DISABLE_PLUGINS")
    if first_party.entry_point in (broken or {}):
        return f"{where}, which failed to load ({broken[first_party.entry_point]})"
    return f"{where}; {first_party.pip_line()}"
