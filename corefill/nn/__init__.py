"""Network blocks shared by plugins: plain ``torch.nn`` modules and functions, no framework
coupling, keyword-only constructors.

Names are imported on first use, so ``corefill.nn.params`` (read by registries and
``corefill validate``) stays free of torch; the network modules import torch.
"""
import importlib

_WHERE = {
    "doubling_widths": "blocks", "down_block": "blocks", "down_stack": "blocks",
    "up_block": "blocks", "up_stack": "blocks", "upsampling_conv": "blocks",
    "ChannelWiseFC": "channelwise",
    "ContextDiscriminator": "context_encoder", "ContextEncoder": "context_encoder",
    "hole_bounds": "holes", "hole_box": "holes", "hole_boxes": "holes", "init_weights": "init",
    "PatchGAN": "patchgan", "receptive_field": "patchgan",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'corefill.nn' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
