"""Knee-CE datasets. Imports nothing heavy."""
