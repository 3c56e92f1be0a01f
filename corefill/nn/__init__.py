"""Network blocks shared by plugins: plain ``torch.nn`` modules and functions, no framework
coupling, keyword-only constructors.

One of the public modules for plugin authors (see docs/plugins.md, "The public surface"):
every name in ``__all__`` is promised under semantic versioning, and leaves only after a
deprecation warning for at least one minor release.

- blocks: ``down_block`` / ``up_block`` (conv, norm, activation; halving / doubling the
  side), ``down_stack`` / ``up_stack`` (a chain of them), ``doubling_widths`` (channel
  widths doubling up to a cap), ``upsampling_conv`` (a layer doubling the side),
  ``ChannelWiseFC``, ``init_weights`` (the DCGAN / pix2pix init, for ``net.apply``);
- the context-encoder family (Pathak et al. 2016): ``ContextEncoder`` (generates the hole's
  box), ``LinkedContextEncoder`` (U-Net links, the whole image), ``ContextDiscriminator``,
  and the field types a plugin's Params class body declares for them with its own
  defaults (``CentreParams``, ``ImageSize``, ``HoleSize``, ``InputSize``, ``Channels``,
  ``BaseChannels``, ``MaxChannels``, ``MaskChannel``, ``Dropout``, ``Upsample``);
- ``PatchGAN`` (per-patch discriminator) and its ``receptive_field``;
- holes: ``hole_bounds`` (the box holding every hole pixel, or None), ``hole_box`` /
  ``hole_boxes`` (a mask's / each mask's box as a tensor ``(top, left, height, width)``).

Names are imported on first use, so the Params types (read by registries and
``corefill validate``) stay free of torch; the network modules import torch.
``context_encoder_params`` / ``context_discriminator_params`` are deprecated (a
DeprecationWarning) and go in the next major release.
"""
import importlib

_FROM = {
    "blocks": ("doubling_widths", "down_block", "down_stack", "up_block", "up_stack",
               "upsampling_conv"),
    "channelwise": ("ChannelWiseFC",),
    "context_encoder": ("ContextDiscriminator", "ContextEncoder", "LinkedContextEncoder"),
    "params": ("BaseChannels", "CentreParams", "Channels", "Dropout", "HoleSize", "ImageSize",
               "InputSize", "MaskChannel", "MaxChannels", "Upsample",
               "context_discriminator_params", "context_encoder_params"),
    "holes": ("hole_bounds", "hole_box", "hole_boxes"),
    "init": ("init_weights",),
    "patchgan": ("PatchGAN", "receptive_field"),
}
_WHERE = {name: module for module, names in _FROM.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'corefill.nn' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
