"""Parameters of the OASIS / MNI152 segmentation -> MRI slice dataset (no torch import)."""
from typing import Literal, Optional

from pydantic import Field

from corefill.plugin import Params


class OasisSlicesParams(Params):
    """Paired brain slices: label map (input) -> T1 MRI (image), 1 channel, values in [-1, 1].

    With ``root`` set, reads the OASIS "keras_png_slices" layout: image folders ending in
    ``_train``/``_validate``/``_test`` and matching ``*_seg_*`` folders of label PNGs with
    labels 0..3 stored as 0/85/170/255, paired by case and slice id. Without ``root``,
    uses axial slices of the MNI152 2009a template shipped in the nilearn wheel (same four
    classes: background, CSF, grey matter, white matter), split by slice index.
    ``input`` is one-hot {0, 1} with 4 channels, or one channel of labels scaled to [-1, 1].
    """

    root: Optional[str] = Field(
        None,
        description="folder holding the keras_png_slices_* folders; "
        "None = MNI152 template slices from the installed nilearn wheel",
    )
    size: int = Field(256, ge=32, le=1024, description="output side in pixels (square)")
    input_encoding: Literal["onehot", "scaled"] = Field(
        "onehot",
        description="onehot: 4 channels in {0, 1}; scaled: 1 channel, label/3 mapped to [-1, 1]",
    )
    limit: Optional[int] = Field(
        None, ge=1, description="keep at most this many slices of the split (evenly spaced)"
    )
