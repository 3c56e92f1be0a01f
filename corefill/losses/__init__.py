"""Built-in losses. Imports nothing: the table maps name -> (target, params) import paths."""

_REC = "corefill.losses.reconstruction"
_ADV = "corefill.losses.adversarial"
_PARAMS = "corefill.losses.params"

COMPONENTS: dict[str, tuple[str, str]] = {
    "l1-hole": (f"{_REC}:l1_hole", f"{_PARAMS}:L1HoleParams"),
    "l2-hole": (f"{_REC}:l2_hole", f"{_PARAMS}:L2HoleParams"),
    "log-l2-hole": (f"{_REC}:log_l2_hole", f"{_PARAMS}:LogL2HoleParams"),
    "l1": (f"{_REC}:l1_full", f"{_PARAMS}:L1Params"),
    "l2": (f"{_REC}:l2_full", f"{_PARAMS}:L2Params"),
    "bce": (f"{_ADV}:VanillaGANLoss", f"{_PARAMS}:BCEParams"),
    "lsgan": (f"{_ADV}:LSGANLoss", f"{_PARAMS}:LSGANParams"),
    "hinge": (f"{_ADV}:HingeGANLoss", f"{_PARAMS}:HingeParams"),
}
