"""The kaggle-images dataset: embedded photos, or a folder of images with optional pre-made masks."""
