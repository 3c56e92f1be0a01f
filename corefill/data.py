"""Dataset bases, readers and ready-made datasets for plugin datasets.

One of the public modules for plugin authors (see docs/plugins.md, "The public surface"):
every name in ``__all__`` is promised under semantic versioning, and leaves only after a
deprecation warning for at least one minor release.

- bases: ``FileDataset`` (scan, skip unreadable files in one warning, cache, crop: a
  subclass lists records and decodes one), ``report_skipped`` and
  ``UnreadableFilesWarning`` for a dataset of its own making, ``UnreadableFileError`` (what a
  reader raises for a file it cannot decode);
- readers, on numpy arrays in [0, 1] (see :mod:`corefill.datasets.io`): ``read_image``,
  ``probe_image``, ``read_dicom``, ``probe_dicom``, ``read_nifti``, ``normalize_volume``,
  ``to_value_range``, ``resize``;
- listing and splitting: ``list_images``, ``list_files`` (with ``IMAGE_EXTENSIONS``,
  ``DICOM_EXTENSIONS``, ``NIFTI_EXTENSIONS``), ``find_split_folders``, ``split_files`` and
  ``stem_name`` (a folder's files for one split, and their item names), ``split_of`` and
  ``split_key`` (the split of a name, from its hash), ``split_by_name``;
- datasets and their Params to wrap or extend: ``SamplePhotos`` / ``SamplePhotosParams``
  (the photos bundled in scikit-image), ``PhotosOrFolderParams`` (a ``root`` switching
  between them and a folder), ``ImageFolder`` / ``ImageFolderParams``, ``NiftiSlices`` /
  ``NiftiSlicesParams``; ``FromFilesMasker`` / ``FromFilesParams`` (masks read from files);
- embedded brain MRI: ``template_file(key)``, ``template_dir()``, ``TEMPLATE_KEYS`` (the
  MNI152 template nilearn's wheel ships).

Names are imported on first use, so a plugin's Params module can take the Params classes
from here without importing torch.
"""
import importlib

_FROM = {
    "datasets.base": ("FileDataset", "UnreadableFilesWarning", "report_skipped"),
    "datasets.io": ("DICOM_EXTENSIONS", "IMAGE_EXTENSIONS", "NIFTI_EXTENSIONS",
                    "UnreadableFileError", "find_split_folders", "list_files", "list_images",
                    "normalize_volume", "probe_dicom", "probe_image", "read_dicom", "read_image",
                    "read_nifti", "split_by_name", "split_key", "split_of", "to_value_range"),
    "datasets.folders": ("split_files", "stem_name"),
    "datasets.transforms": ("resize",),
    "datasets.photos": ("SamplePhotos",),
    "datasets.image_folder": ("ImageFolder",),
    "datasets.nifti": ("NiftiSlices",),
    "datasets.params": ("ImageFolderParams", "NiftiSlicesParams", "PhotosOrFolderParams",
                        "SamplePhotosParams"),
    "datasets.mni152": ("TEMPLATE_KEYS", "template_dir", "template_file"),
    "maskers.files": ("FromFilesMasker",),
    "maskers.params": ("FromFilesParams",),
}
_WHERE = {name: module for module, names in _FROM.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'corefill.data' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"corefill.{_WHERE[name]}"), name)
    globals()[name] = value  # the next access skips this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
