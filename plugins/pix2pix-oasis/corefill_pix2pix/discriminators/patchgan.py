"""The pix2pix discriminator is corefill.nn's 70×70 PatchGAN; the Params give every argument."""
from corefill.nn.patchgan import PatchGAN as PatchDiscriminator
from corefill.nn.patchgan import receptive_field

__all__ = ["PatchDiscriminator", "receptive_field"]
