"""Kept so ``from corefill.inpaint import inpaint`` still works; see :mod:`corefill.inference`."""
from .inference import inpaint
from .inference.run import artifact_inputs, expand_inputs, run_folder

__all__ = ["inpaint", "artifact_inputs", "expand_inputs", "run_folder"]
