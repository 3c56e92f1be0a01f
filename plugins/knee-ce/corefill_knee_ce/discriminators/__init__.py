"""Knee-CE discriminators. Imports nothing heavy."""
