"""The knee context encoder is corefill.nn's, as the paper configures it (up-conv head,
channels capped by ``max_channels``); the knee Params give every argument."""
from corefill.nn.context_encoder import ContextEncoder

__all__ = ["ContextEncoder"]
