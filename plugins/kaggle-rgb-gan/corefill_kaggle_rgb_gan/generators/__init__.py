"""Generators. Imports nothing heavy."""
