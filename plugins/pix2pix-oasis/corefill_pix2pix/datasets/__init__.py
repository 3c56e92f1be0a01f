"""pix2pix datasets. Imports nothing; see plugin.py for what is registered."""
