"""Registers the CIFAR-10 dataset, the 32² context encoder and its centre critic."""
from corefill.plugin import hookimpl

_PKG = "corefill_cifar_ce"

COMPONENTS = {
    ("dataset", "cifar10"): (
        f"{_PKG}.datasets.cifar10:Cifar10",
        f"{_PKG}.datasets.params:Cifar10Params",
    ),
    ("generator", "cifar-context-encoder"): (
        f"{_PKG}.generators.context_encoder:cifar_context_encoder",
        f"{_PKG}.generators.params:CifarContextEncoderParams",
    ),
    ("discriminator", "cifar-centre-critic"): (
        f"{_PKG}.discriminators.centre_critic:cifar_centre_critic",
        f"{_PKG}.discriminators.params:CentreCriticParams",
    ),
}


@hookimpl
def corefill_register(registry):
    registry.add_table(COMPONENTS)
