"""``corefill plugins`` and ``corefill components``: what is installed, without torch."""
from __future__ import annotations

import click

from ..registry import KINDS  # a tuple of names: the registry imports no component

# pydantic and the plugin machinery load inside the commands: `corefill --help` stays fast.


@click.command()
def plugins() -> None:
    """List plugins with distribution, version, status and the error of broken ones."""
    from ..plugins import plugin_infos

    infos = plugin_infos()
    if not infos:
        click.echo("no plugins found (is corefill installed with pip?)")
    for info in infos:
        line = f"{info.name:<16} {info.distribution} {info.version:<10} {info.status}"
        if info.status == "ok":
            line += f" ({info.components} components)"
        elif info.error:
            line += f": {info.error}"
        click.echo(line)


def _default_text(field) -> str:
    from pydantic_core import PydanticUndefined

    if field.default is PydanticUndefined and field.default_factory is None:
        return "required"
    value = field.default_factory() if field.default is PydanticUndefined else field.default
    return repr(value)


def _describe(spec, verbose: bool) -> list[str]:
    lines = [f"  {spec.name}  [{spec.source}]"]
    try:
        params_cls = spec.params_class()
    except Exception as exc:  # a broken params module must not hide the others
        return lines + [f"    (params unavailable: {type(exc).__name__}: {exc})"]
    help_text = params_cls.help() if hasattr(params_cls, "help") else (params_cls.__doc__ or "")
    summary = help_text.strip().splitlines()
    if summary:  # the whole text with -v, else its first line
        lines += [f"    {line}".rstrip() for line in (summary if verbose else summary[:1])]
    for name, field in params_cls.model_fields.items():
        annotation = getattr(field.annotation, "__name__", None) or str(field.annotation)
        text = f"    {name}: {annotation} = {_default_text(field)}"
        if verbose and field.description:
            text += f"  # {field.description}"
        lines.append(text)
    return lines


@click.command()
@click.argument("kind", required=False, type=click.Choice(KINDS))
@click.option("-v", "--verbose", is_flag=True, help="Show each param's description.")
def components(kind: str | None, verbose: bool) -> None:
    """List registered components (of KIND) with their plugin, params and defaults."""
    from ..plugins import registries

    regs = registries()
    for registry in regs:
        if kind and registry.kind != kind:
            continue
        click.echo(f"{registry.kind}:")
        names = registry.list()
        if not names:
            click.echo("  (none)")
        for name in names:
            click.echo("\n".join(_describe(registry.get(name), verbose)))
