"""corefill plugin: context encoder on CIFAR-10."""
