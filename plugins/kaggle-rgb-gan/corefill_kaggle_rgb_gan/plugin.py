"""Registers the RGB + mask generator, its per-patch discriminator and its dataset."""
from corefill.plugin import hookimpl

_PKG = "corefill_kaggle_rgb_gan"

COMPONENTS = {
    ("dataset", "kaggle-images"): (
        f"{_PKG}.datasets.images:kaggle_images",
        f"{_PKG}.datasets.params:KaggleImagesParams",
    ),
    ("generator", "kaggle-gan-generator"): (
        f"{_PKG}.generators.down_up:kaggle_gan_generator",
        f"{_PKG}.generators.params:DownUpGeneratorParams",
    ),
    ("discriminator", "kaggle-patch-discriminator"): (
        f"{_PKG}.discriminators.patch:kaggle_patch_discriminator",
        f"{_PKG}.discriminators.params:PatchDiscriminatorParams",
    ),
}


@hookimpl
def corefill_register(registry):
    registry.add_table(COMPONENTS)
