"""corefill plugin re-implementing the source's knee-radiograph context encoder.

Importing this package imports nothing heavy; components are registered by import path.
"""
