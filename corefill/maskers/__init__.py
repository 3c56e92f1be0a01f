"""Built-in maskers. Imports nothing: the table maps name -> (target, params) import paths."""

COMPONENTS: dict[str, tuple[str, str]] = {
    "center": ("corefill.maskers.boxes:CenterMasker", "corefill.maskers.params:CenterParams"),
    "random-box": ("corefill.maskers.boxes:RandomBoxMasker", "corefill.maskers.params:RandomBoxParams"),
    "free-form": ("corefill.maskers.strokes:FreeFormMasker", "corefill.maskers.params:FreeFormParams"),
    "shapes": ("corefill.maskers.strokes:ShapesMasker", "corefill.maskers.params:ShapesParams"),
    "from-files": ("corefill.maskers.files:FromFilesMasker", "corefill.maskers.params:FromFilesParams"),
    "none": ("corefill.maskers.boxes:FullMasker", "corefill.maskers.params:FullMaskParams"),
}
