"""pix2pix discriminators. Imports nothing; see plugin.py for what is registered."""
