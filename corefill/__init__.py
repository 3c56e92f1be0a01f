"""corefill: a plugin-based image-inpainting framework.

Importing this package is cheap (no torch); components are imported on first use.
"""
__version__ = "0.1.0"
