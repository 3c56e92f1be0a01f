"""Discriminators. Imports nothing heavy."""
