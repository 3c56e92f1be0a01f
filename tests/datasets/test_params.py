"""Dataset registration and params: torch-free, documented, defaults that validate."""
from __future__ import annotations

import subprocess
import sys

from corefill.datasets import COMPONENTS
from corefill.plugins import registries
from corefill.registry import import_object


def test_all_builtin_datasets_registered_with_documented_fields():
    assert set(COMPONENTS) == {"image-folder", "paired-folder", "dicom-folder", "nifti-slices",
                               "random-crops", "sample-photos"}
    for name in COMPONENTS:
        spec = registries().get("dataset", name)
        params = spec.params_class()
        assert "value_range" in (params.__doc__ or "") or "range" in spec.summary()
        for field_name, field in params.model_fields.items():
            assert field.description, f"{name}.{field_name} has no description"
        assert callable(import_object(spec.target))


def test_params_module_does_not_import_torch():
    code = ("import sys, corefill.datasets.params as p\n"
            "p.ImageFolderParams.model_json_schema()\n"
            "assert 'torch' not in sys.modules, 'torch imported'\n"
            "assert 'cv2' not in sys.modules and 'pydicom' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)
