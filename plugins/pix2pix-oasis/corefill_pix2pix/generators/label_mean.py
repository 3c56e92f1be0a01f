"""Classical baseline: each label painted with its mean intensity over the training split."""
from __future__ import annotations

import torch
from torch import nn

from corefill.plugin import BuildContext

from .params import LabelMeanParams


def decode_labels(input: torch.Tensor, num_classes: int) -> torch.Tensor:
    """(N, C_in, H, W) conditioning input -> (N, H, W) class ids.

    One-hot (C_in == num_classes): argmax. One channel: labels scaled to [-1, 1].
    """
    if input.shape[1] == num_classes:
        return input.argmax(dim=1)
    if input.shape[1] == 1:
        scaled = (input[:, 0].clamp(-1, 1) + 1) / 2 * (num_classes - 1)
        return scaled.round().long()
    raise ValueError(
        f"label-mean: input has {input.shape[1]} channels; expected 1 (scaled labels) "
        f"or {num_classes} (one-hot)"
    )


class LabelMeanBaseline(nn.Module):
    """No trainable parameters; ``fit(loader)`` sets the per-label means."""

    def __init__(self, *, num_classes: int, out_channels: int):
        super().__init__()
        self.num_classes = num_classes
        self.register_buffer("means", torch.zeros(num_classes, out_channels))
        self.register_buffer("fitted", torch.tensor(False))

    @torch.no_grad()
    def fit(self, loader) -> "LabelMeanBaseline":
        """Accumulate per-label sums of ``batch["image"]`` over ``batch["input"]`` labels."""
        sums = torch.zeros_like(self.means, dtype=torch.float64)
        counts = torch.zeros(self.num_classes, dtype=torch.float64)
        for batch in loader:
            labels = decode_labels(batch["input"], self.num_classes).flatten().cpu()
            image = batch["image"].permute(0, 2, 3, 1).reshape(labels.numel(), -1).cpu()
            sums.index_add_(0, labels, image.double())
            counts += torch.bincount(labels, minlength=self.num_classes).double()
        if counts.sum() == 0:
            raise ValueError("label-mean: fit() got an empty loader")
        overall = sums.sum(0) / counts.sum()
        means = torch.where(counts[:, None] > 0, sums / counts.clamp(min=1)[:, None], overall)
        self.means.copy_(means.to(self.means))
        self.fitted.fill_(True)
        return self

    def forward(self, input: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if not bool(self.fitted):
            raise RuntimeError("label-mean: call fit(train_loader) before generating")
        labels = decode_labels(input, self.num_classes)
        return self.means[labels].permute(0, 3, 1, 2).to(input.dtype)


# -- registration ----------------------------------------------------------------------
def label_mean(params: LabelMeanParams, context: BuildContext) -> LabelMeanBaseline:
    """As many channels as the recipe says, else as the dataset's images (grey without one)."""
    return LabelMeanBaseline(num_classes=params.num_classes,
                             out_channels=params.out_channels or context.channels or 1)
