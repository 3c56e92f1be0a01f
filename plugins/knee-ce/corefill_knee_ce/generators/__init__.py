"""Knee-CE generators. Imports nothing heavy."""
