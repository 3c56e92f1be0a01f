"""Small deterministic inputs for the conformance checks."""
import torch


def make_images(batch: int, channels: int, size: int, *, seed: int = 0) -> torch.Tensor:
    """Smooth images in [-1, 1]: gradients plus low-frequency noise, so structure exists."""
    gen = torch.Generator().manual_seed(seed)
    coarse = torch.rand(batch, channels, 4, 4, generator=gen) * 2 - 1
    return torch.nn.functional.interpolate(coarse, size=(size, size), mode="bilinear",
                                           align_corners=False)


def box_mask(batch: int, size: int, fraction: float) -> torch.Tensor:
    """A centred square hole whose side is ``fraction`` of the image side (1 = hole)."""
    side = max(2, int(round(size * fraction)))
    start = (size - side) // 2
    mask = torch.zeros(batch, 1, size, size)
    mask[:, :, start:start + side, start:start + side] = 1.0
    return mask
