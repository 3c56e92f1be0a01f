"""corefill plugin: pix2pix (U-Net generator + PatchGAN) for segmentation -> brain MRI.

Nothing is imported here: the plugin registers its components by import path.
"""
