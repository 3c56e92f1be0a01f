"""CIFAR-10 datasets. Imports nothing heavy."""
