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
