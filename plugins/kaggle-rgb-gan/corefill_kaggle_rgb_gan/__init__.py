"""corefill plugin: RGB + mask inpainting GAN."""
