"""Built-in maskers. Imports nothing: the table maps name -> (target, params) import paths."""

COMPONENTS: dict[str, tuple[str, str]] = {
    "center": ("corefill.maskers.boxes:CenterMasker", "corefill.maskers.params:CenterParams"),
    "random-box": ("corefill.maskers.boxes:RandomBoxMasker", "corefill.maskers.params:RandomBoxParams"),
    "free-form": ("corefill.maskers.strokes:FreeFormMasker", "corefill.maskers.params:FreeFormParams"),
    "shapes": ("corefill.maskers.strokes:ShapesMasker", "corefill.maskers.params:ShapesParams"),
    "from-files": ("corefill.maskers.files:FromFilesMasker", "corefill.maskers.params:FromFilesParams"),
    "none": ("corefill.maskers.boxes:FullMasker", "corefill.maskers.params:FullMaskParams"),
    "mix": ("corefill.maskers.mix:MixMasker", "corefill.maskers.mix_params:MixParams"),
    "lama-thin": ("corefill.maskers.lama:LamaMasker", "corefill.maskers.lama_params:LamaThinParams"),
    "lama-medium": ("corefill.maskers.lama:LamaMasker", "corefill.maskers.lama_params:LamaMediumParams"),
    "lama-thick": ("corefill.maskers.lama:LamaMasker", "corefill.maskers.lama_params:LamaThickParams"),
}
