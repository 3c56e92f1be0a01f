"""corefill plugin: a plain conv autoencoder for image completion."""
