"""A generator that no trace can capture: it scales its output by a number read from its
input's values (a Python float), which a trace freezes at the example's value."""
import torch
import torch.nn as nn

from corefill.params import NoParams  # noqa: F401 (registered by path)


class ValueBranching(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, 3, padding=1)

    def forward(self, input, mask):
        scale = float(input.abs().mean())  # leaves the graph: frozen into a trace
        return torch.tanh(self.conv(torch.cat([input, mask], dim=1))) * scale


def add_to(registries):
    registries["generator"].register("value-branching", target="export_toys:ValueBranching",
                                     params="export_toys:NoParams", source="export tests")
    return registries
