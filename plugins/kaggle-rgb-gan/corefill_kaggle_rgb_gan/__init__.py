"""corefill plugin: RGB + mask inpainting GAN (seed 004)."""
