"""Reading a run's last checkpoint and every tensor in it, for the resume tests."""
from pathlib import Path

import torch


def checkpoint(folder):
    return torch.load(Path(folder) / "checkpoints" / "last.pt", weights_only=True)


def tensors(node, prefix=""):
    """Every tensor in a checkpoint, by its path (networks, optimizers, rng...)."""
    if isinstance(node, torch.Tensor):
        return {prefix: node}
    items = node.items() if isinstance(node, dict) else \
        enumerate(node) if isinstance(node, (list, tuple)) else []
    found = {}
    for key, value in items:
        found.update(tensors(value, f"{prefix}/{key}"))
    return found
