"""corefill plugin re-implementing a knee-radiograph context encoder (seed 000).

Importing this package imports nothing heavy; components are registered by import path.
"""
