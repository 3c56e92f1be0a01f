"""Built-in datasets. Imports nothing: the table maps name -> (target, params) import paths.

Readers and listing helpers for plugins live in :mod:`corefill.datasets.io`.
"""

_P = "corefill.datasets.params"

COMPONENTS: dict[str, tuple[str, str]] = {
    "image-folder": ("corefill.datasets.image_folder:ImageFolder", f"{_P}:ImageFolderParams"),
    "paired-folder": ("corefill.datasets.paired:PairedFolder", f"{_P}:PairedFolderParams"),
    "dicom-folder": ("corefill.datasets.dicom:DicomFolder", f"{_P}:DicomFolderParams"),
    "nifti-slices": ("corefill.datasets.nifti:NiftiSlices", f"{_P}:NiftiSlicesParams"),
    "random-crops": ("corefill.datasets.crops:RandomCrops", f"{_P}:RandomCropsParams"),
    "sample-photos": ("corefill.datasets.photos:SamplePhotos", f"{_P}:SamplePhotosParams"),
}
