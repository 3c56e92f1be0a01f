"""Params of the CIFAR-10 dataset (no torch import here)."""
from typing import Literal, Optional, Union

from pydantic import Field, field_validator

from corefill.plugin import Params

CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer",
               "dog", "frog", "horse", "ship", "truck")
CifarClass = Literal["airplane", "automobile", "bird", "cat", "deer",
                     "dog", "frog", "horse", "ship", "truck"]


class Cifar10Params(Params):
    """CIFAR-10 as published: RGB 32² images produced in `value_range` (default [-1, 1]).

    ``root`` is the python version (``cifar-10-batches-py/``: the pickles torchvision and
    Keras download, read with an unpickler that allows only numpy arrays), its archive
    ``cifar-10-python.tar.gz`` (read in memory), or the binary version
    (``cifar-10-batches-bin/``, ``cifar-10-binary.tar.gz``); the folder itself, its parent,
    or the archive's path. ``data_batch_1..5`` give train and val, ``test_batch`` test.
    Unreadable batch files are skipped and counted in one warning line. Items carry
    ``label`` (0-9). With no ``root``: 32² crops of the real photos bundled in scikit-image
    (the `sample-photos` dataset, colour photos), ``label`` = -1.
    """

    root: Optional[str] = Field(
        None, description="cifar-10-batches-py/ or cifar-10-batches-bin/ (or the folder holding "
        "it), or cifar-10-python.tar.gz; None = embedded sample photos"
    )
    classes: Optional[tuple[Union[CifarClass, int], ...]] = Field(
        None, description="keep only these classes, by name or 0-9 (the source trained on [cat]); None = all"
    )
    val_fraction: float = Field(
        0.1, ge=0.0, lt=1.0, description="share of the training batches held out as val"
    )
    limit: Optional[int] = Field(None, ge=1, description="keep at most this many items per split")
    seed: int = Field(0, description="seed of the train/val partition and of embedded crops")
    value_range: tuple[float, float] = Field((-1.0, 1.0), description="[lo, hi] the images are mapped to")
    embedded_size: int = Field(
        128, ge=32, le=1024, description="embedded data: photos' shorter side before 32² crops"
    )
    embedded_train_crops: int = Field(
        256, ge=1, le=100000, description="embedded data: train crops per photo (new ones every epoch)"
    )
    embedded_eval_crops: int = Field(
        24, ge=1, le=10000, description="embedded data: fixed val/test crops per photo"
    )
    embedded_flips: bool = Field(
        False, description="embedded data: train crops turned/mirrored, one of 8 ways per crop and epoch"
    )
    embedded_scales: tuple[float, ...] = Field(
        (1.0,), min_length=1, description="embedded data: train crops cut from the photos resized "
        "to embedded_size times one of these, drawn per crop and epoch (val/test at 1)"
    )

    @field_validator("classes")
    @classmethod
    def _known_ids(cls, value):
        for entry in value or ():
            if isinstance(entry, int) and not 0 <= entry <= 9:
                raise ValueError(f"class ids are 0-9, got {entry}")
        return value

    @field_validator("value_range")
    @classmethod
    def _ordered(cls, value):
        if not value[0] < value[1]:
            raise ValueError("value_range must be [lo, hi] with lo < hi")
        return value
