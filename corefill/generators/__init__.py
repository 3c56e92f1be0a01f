"""Built-in generators. Imports nothing: the table maps name -> (target, params) import paths.

The core ships only classical, parameter-free baselines; learned generators come from plugins.
"""

COMPONENTS: dict[str, tuple[str, str]] = {
    "telea": ("corefill.generators.classical:telea", "corefill.generators.params:TeleaParams"),
    "navier-stokes": (
        "corefill.generators.classical:navier_stokes",
        "corefill.generators.params:NavierStokesParams",
    ),
    "mean-fill": ("corefill.generators.classical:mean_fill", "corefill.generators.params:MeanFillParams"),
    "harmonic": ("corefill.generators.classical:harmonic", "corefill.generators.params:HarmonicParams"),
}
