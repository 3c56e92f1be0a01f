"""pix2pix generators. Imports nothing; see plugin.py for what is registered."""
