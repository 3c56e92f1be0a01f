"""Context-encoder generators. Imports nothing heavy."""
