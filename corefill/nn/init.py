"""Weight initialisation shared by the GAN plugins."""
import torch
from torch import nn

_CONVS = (nn.Conv2d, nn.ConvTranspose2d)
_NORMS = (nn.BatchNorm2d, nn.InstanceNorm2d)


def init_weights(module: nn.Module, *, std: float = 0.02) -> None:
    """DCGAN / pix2pix init, for ``net.apply(init_weights)``: conv weights ~ N(0, std),
    norm scales ~ N(1, std), biases 0. Other modules keep PyTorch's defaults."""
    if isinstance(module, _CONVS):
        nn.init.normal_(module.weight, 0.0, std)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, _NORMS) and module.weight is not None:
        nn.init.normal_(module.weight, 1.0, std)
        nn.init.zeros_(module.bias)


def output_layer(module: nn.Module) -> tuple[str, nn.Module]:
    """``(name, layer)`` of ``module``'s output layer: the one it declares with an attribute
    ``output_layer`` (the submodule's name, e.g. ``"head"`` or ``"decoder.4"``, or the
    module itself, e.g. from a property), else its last convolution in ``modules()`` order
    (right only where the output convolution is registered after the body). ValueError
    where neither exists, or the declared name is not one of its modules."""
    declared = getattr(module, "output_layer", None)
    if isinstance(declared, str):
        try:
            return declared, module.get_submodule(declared)
        except AttributeError:
            raise ValueError(f"{type(module).__name__} declares output_layer = {declared!r}, "
                             "which is not one of its modules") from None
    if isinstance(declared, nn.Module):
        name = next((n for n, m in module.named_modules() if m is declared), None)
        if name is None:
            raise ValueError(f"{type(module).__name__}.output_layer is not one of its modules")
        return name, declared
    convs = [(n, m) for n, m in module.named_modules() if isinstance(m, _CONVS)]
    if not convs:
        raise ValueError(f"{type(module).__name__} has no convolution to start at zero "
                         "(declare its output layer: output_layer = 'name')")
    return convs[-1]


def zero_output_layer(module: nn.Module) -> nn.Module:
    """Zero the weights and bias of ``module``'s output layer (:func:`output_layer`: the
    one it declares, else its last convolution) and return it. Then a tanh output is 0 and
    a sigmoid output 0.5 everywhere: the middle of the value range, which ``blend:
    residual`` reads as no correction, so training starts from the harmonic fill (the
    engine checks it did on the run's first batch). A module without such a layer, or
    whose declared layer has no weight, is an error."""
    name, layer = output_layer(module)
    weight = getattr(layer, "weight", None)
    if not isinstance(weight, torch.Tensor):
        raise ValueError(f"{type(module).__name__}'s output layer {name!r} has no weight "
                         "to start at zero")
    nn.init.zeros_(weight)
    if getattr(layer, "bias", None) is not None:
        nn.init.zeros_(layer.bias)
    return module
