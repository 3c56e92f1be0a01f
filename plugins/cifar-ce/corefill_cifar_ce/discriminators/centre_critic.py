"""The source's centre critic is corefill.nn's context discriminator; its Params have no
``max_channels``, so channels double without a cap."""
from corefill.nn.context_encoder import ContextDiscriminator as CentreCritic

__all__ = ["CentreCritic"]
