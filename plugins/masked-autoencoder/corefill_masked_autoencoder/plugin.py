"""Registers the completion autoencoder and its dataset (losses and maskers are core components)."""
from corefill.plugin import hookimpl

_PKG = "corefill_masked_autoencoder"

COMPONENTS = {
    ("dataset", "completion-images"): (
        f"{_PKG}.datasets.images:completion_images",
        f"{_PKG}.datasets.params:CompletionImagesParams",
    ),
    ("generator", "completion-autoencoder"): (
        f"{_PKG}.generators.autoencoder:completion_autoencoder",
        f"{_PKG}.generators.params:CompletionAutoencoderParams",
    ),
}


@hookimpl
def corefill_register(registry):
    registry.add_table(COMPONENTS)
