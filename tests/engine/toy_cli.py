"""``corefill`` as a user calls it, with the engine tests' toy components as its only
plugins: for tests that start it as a process (signals, torchrun).

usage: toy_cli.py ARGS... (as ``corefill ARGS...``); ``write_recipe`` writes a toy recipe.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml  # noqa: E402

import toy_components  # noqa: E402

SCRIPT = Path(__file__).resolve()


def write_recipe(path, *overrides):
    """The toy recipe with ``overrides`` (dotted) as a YAML file; returns its path."""
    path = Path(path)
    path.write_text(yaml.safe_dump(toy_components.toy_recipe_data(*overrides)))
    return path


if __name__ == "__main__":
    import corefill.plugins
    from corefill.cli import main

    corefill.plugins.registries = toy_components.toy_registries
    main(sys.argv[1:])
