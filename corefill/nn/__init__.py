"""Network blocks shared by plugins: plain ``torch.nn`` modules and functions, no framework
coupling, keyword-only constructors. Importing this package imports torch, so registry code
(``plugin.py``, Params modules) must not import it; network modules do."""
from .blocks import doubling_widths, down_block, down_stack, up_block, up_stack
from .channelwise import ChannelWiseFC
from .context_encoder import ContextDiscriminator, ContextEncoder
from .holes import hole_bounds, hole_box
from .init import init_weights
from .patchgan import PatchGAN, receptive_field

__all__ = [
    "ChannelWiseFC", "ContextDiscriminator", "ContextEncoder", "PatchGAN", "doubling_widths",
    "down_block", "down_stack", "hole_bounds", "hole_box", "init_weights", "receptive_field",
    "up_block", "up_stack",
]
