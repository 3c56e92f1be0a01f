"""The knee centre discriminator is corefill.nn's; the knee Params give every argument."""
from corefill.nn.context_encoder import ContextDiscriminator

__all__ = ["ContextDiscriminator"]
