"""Built-in metrics. Imports nothing: the table maps name -> (target, params) import paths.

Registry name == report key (e.g. `psnr_hole`).
"""

_PIXEL = "corefill.metrics.pixel"
_SSIM = "corefill.metrics.ssim"
_PARAMS = "corefill.metrics.params"

COMPONENTS: dict[str, tuple[str, str]] = {
    "l1_hole": (f"{_PIXEL}:l1_hole", f"{_PARAMS}:L1HoleParams"),
    "l1_full": (f"{_PIXEL}:l1_full", f"{_PARAMS}:L1FullParams"),
    "l2_hole": (f"{_PIXEL}:l2_hole", f"{_PARAMS}:L2HoleParams"),
    "l2_full": (f"{_PIXEL}:l2_full", f"{_PARAMS}:L2FullParams"),
    "psnr_hole": (f"{_PIXEL}:psnr_hole", f"{_PARAMS}:PSNRHoleParams"),
    "psnr_full": (f"{_PIXEL}:psnr_full", f"{_PARAMS}:PSNRFullParams"),
    "ssim_hole": (f"{_SSIM}:ssim_hole", f"{_PARAMS}:SSIMHoleParams"),
    "ssim_full": (f"{_SSIM}:ssim_full", f"{_PARAMS}:SSIMFullParams"),
    "accuracy_hole": (f"{_PIXEL}:accuracy_hole", f"{_PARAMS}:AccuracyParams"),
    "fid": ("corefill.metrics.fid:fid", f"{_PARAMS}:FIDParams"),
    "kid": ("corefill.metrics.kid:kid", f"{_PARAMS}:KIDParams"),
    "lpips": ("corefill.metrics.perceptual:lpips", f"{_PARAMS}:LPIPSParams"),
    "lpips_hole": ("corefill.metrics.perceptual:lpips_hole", f"{_PARAMS}:LPIPSParams"),
}
