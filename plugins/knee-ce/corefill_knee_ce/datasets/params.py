"""Params of the knee-radiograph dataset (no torch import here)."""
from typing import Literal, Optional

from pydantic import Field

from corefill.plugin import Params


class KneeRadiographsParams(Params):
    """Grey knee radiographs (PNG/JPEG/DICOM) resized to ``size``², with the source's preprocessing.

    Produces ``image`` (1, size, size) in [-1, 1] (bright = dense), ``name``, and ``grade``
    (KL grade from a ``<split>/<grade>/`` folder, -1 when unknown). With no ``root`` it cuts
    crops from the real radiographs pydicom-data ships (RG3 lower leg, RG1 chest).
    Unreadable files under ``root`` are skipped, counted in the preprocessing summary and
    reported in one warning line.
    """

    root: Optional[str] = Field(
        None, description="image folder: the Kaggle severity-graded layout train|val|test/<KL "
        "grade 0-4>/*.png, or a flat folder of PNG/JPEG/DICOM (split by a hash of each name); "
        "None = embedded data"
    )
    size: int = Field(64, ge=16, le=1024, description="side of the square images fed to the model")
    val_fraction: float = Field(0.15, ge=0.0, le=0.5, description="share for val (no split folders)")
    test_fraction: float = Field(0.15, ge=0.0, le=0.5, description="share for test (no split folders)")
    augment: Literal["none", "mirror", "dihedral", "auto"] = Field(
        "mirror", description="train split only: add mirrored copies, or all 8 flips/rotations "
        "by 90° (for crops of local texture, e.g. the embedded data); auto = dihedral for the "
        "embedded crops, mirror for a root folder of whole radiographs"
    )
    # ---- preprocessing rules (the source's) ----
    invert_negatives: bool = Field(True, description="detect and invert negative PNG/JPEG images")
    negative_threshold: float = Field(
        0.6, ge=0.0, le=1.0, description="median of the outer ring above this = bright background"
    )
    border_fraction: float = Field(
        0.05, gt=0.0, le=0.5, description="width of the outer ring, as a share of the image side"
    )
    blur_threshold: float = Field(
        5.0, ge=0.0, description="variance of the Laplacian (0-255 grey levels, at `size`) below "
        "which an image is blurry and excluded"
    )
    hardware_level: float = Field(
        0.97, gt=0.0, le=1.0, description="grey level in [0, 1] from which a pixel is near-saturated"
    )
    hardware_min_area: float = Field(
        0.02, gt=0.0, le=1.0, description="share of the image a near-saturated connected region "
        "must cover to count as surgical hardware"
    )
    # ---- embedded data (root unset) ----
    embedded_scale: float = Field(
        0.25, gt=0.0, le=1.0, description="downscale of the 1760² source radiographs before cropping"
    )
    train_crops: int = Field(1024, ge=1, le=100000, description="random train crops (embedded data)")
    max_eval_crops: int = Field(
        128, ge=1, le=10000, description="cap on val/test crops each, taken along held-out bands (embedded)"
    )
    seed: int = Field(0, description="seed of the embedded crop positions")
