"""The completion-images dataset: embedded photos or a folder of images."""
