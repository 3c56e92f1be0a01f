"""Built-in datasets. Imports nothing: the table maps name -> (target, params) import paths."""

COMPONENTS: dict[str, tuple[str, str]] = {}
