"""Weight initialisation shared by the GAN plugins."""
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


def zero_output_layer(module: nn.Module) -> nn.Module:
    """Zero the weights and bias of ``module``'s last convolution (in ``modules()`` order,
    the output layer of a conv generator) and return it. Then a tanh output is 0 and a sigmoid
    output 0.5 everywhere: the middle of the value range, which ``blend: residual`` reads as
    no correction, so training starts from the harmonic fill. A module without a
    convolution is an error."""
    convs = [layer for layer in module.modules() if isinstance(layer, _CONVS)]
    if not convs:
        raise ValueError(f"{type(module).__name__} has no convolution to start at zero")
    nn.init.zeros_(convs[-1].weight)
    if convs[-1].bias is not None:
        nn.init.zeros_(convs[-1].bias)
    return module
