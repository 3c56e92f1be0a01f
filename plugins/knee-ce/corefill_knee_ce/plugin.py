"""Registers the knee dataset, the context-encoder generator and its centre discriminator."""
from corefill.plugin import hookimpl

_PKG = "corefill_knee_ce"

COMPONENTS = {
    ("dataset", "knee-radiographs"): (
        f"{_PKG}.datasets.knee:KneeRadiographs",
        f"{_PKG}.datasets.params:KneeRadiographsParams",
    ),
    ("generator", "context-encoder"): (
        f"{_PKG}.generators.context_encoder:context_encoder",
        f"{_PKG}.generators.params:ContextEncoderParams",
    ),
    ("discriminator", "context-discriminator"): (
        f"{_PKG}.discriminators.context_discriminator:context_discriminator",
        f"{_PKG}.discriminators.params:ContextDiscriminatorParams",
    ),
}


@hookimpl
def corefill_register(registry):
    registry.add_table(COMPONENTS)
