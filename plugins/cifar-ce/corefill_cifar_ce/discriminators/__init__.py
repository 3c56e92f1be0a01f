"""Centre-region discriminators. Imports nothing heavy."""
