"""corefill plugin: context encoder on CIFAR-10 (seed 001)."""
