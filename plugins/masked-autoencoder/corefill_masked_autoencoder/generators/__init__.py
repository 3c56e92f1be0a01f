"""Autoencoder generators. Imports nothing heavy."""
