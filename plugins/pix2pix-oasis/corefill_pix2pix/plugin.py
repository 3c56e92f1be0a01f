"""Registers the pix2pix components with corefill (by import path; nothing heavy imported)."""
from corefill.plugin import hookimpl

_PKG = "corefill_pix2pix"

COMPONENTS = {
    ("dataset", "oasis-slices"): (
        f"{_PKG}.datasets.oasis:oasis_slices",
        f"{_PKG}.datasets.params:OasisSlicesParams",
    ),
    ("generator", "unet"): (
        f"{_PKG}.generators.unet:unet",
        f"{_PKG}.generators.params:UNetParams",
    ),
    ("generator", "label-mean"): (
        f"{_PKG}.generators.label_mean:label_mean",
        f"{_PKG}.generators.params:LabelMeanParams",
    ),
    ("discriminator", "patchgan"): (
        f"{_PKG}.discriminators.patchgan:patchgan",
        f"{_PKG}.discriminators.params:PatchGANParams",
    ),
}


@hookimpl
def corefill_register(registry):
    registry.add_table(COMPONENTS)
