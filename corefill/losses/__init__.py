"""Built-in losses. Imports nothing: the table maps name -> (target, params) import paths."""

_REC = "corefill.losses.reconstruction"
_ADV = "corefill.losses.adversarial"
_PARAMS = "corefill.losses.params"

COMPONENTS: dict[str, tuple[str, str]] = {
    "l1-hole": (f"{_REC}:l1_hole", f"{_PARAMS}:HoleLossParams"),
    "l2-hole": (f"{_REC}:l2_hole", f"{_PARAMS}:HoleLossParams"),
    "l1": (f"{_REC}:l1_full", f"{_PARAMS}:FullLossParams"),
    "l2": (f"{_REC}:l2_full", f"{_PARAMS}:FullLossParams"),
    "bce": (f"{_ADV}:VanillaGANLoss", f"{_PARAMS}:AdversarialParams"),
    "lsgan": (f"{_ADV}:LSGANLoss", f"{_PARAMS}:AdversarialParams"),
    "hinge": (f"{_ADV}:HingeGANLoss", f"{_PARAMS}:AdversarialParams"),
}
