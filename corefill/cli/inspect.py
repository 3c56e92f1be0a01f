"""``corefill plugins`` and ``corefill components``: what is installed, without torch."""
from __future__ import annotations

import click

from ..registry import KINDS  # a tuple of names: the registry imports no component

# pydantic and the plugin machinery load inside the commands: `corefill --help` stays fast.


@click.command()
def plugins() -> None:
    """List plugins with distribution, version, status and the error of broken ones;
    a component whose plugin got it wrong (params that do not import or refuse their own
    defaults, a missing target module) is listed under its plugin."""
    from ..faults import component_faults
    from ..plugins import plugin_infos, registries

    infos = plugin_infos()
    if not infos:
        click.echo("no plugins found (is corefill installed with pip?)")
    width = max([len(info.name) for info in infos] + [8]) + 2
    dist_width = max([len(info.distribution) for info in infos] + [8]) + 1
    for info in infos:
        line = f"{info.name:<{width}}{info.distribution:<{dist_width}}{info.version:<10} {info.status}"
        if info.status == "ok":
            line += f" ({info.components} components)"
        elif info.error:
            line += f": {info.error}"
        click.echo(line)
        for spec in (s for r in registries() for s in r.specs() if s.plugin == info.name):
            for fault in component_faults(spec):
                click.echo(f"{'':<{width}}broken {spec.kind} {spec.name!r}: {fault}")
    for registry in registries():
        for name, qualified in registry.clashes().items():
            click.echo(f"clash: {registry.kind} {name!r} is registered by "
                       f"{len(qualified)} plugins; recipes name one of {', '.join(qualified)}")


def _default_text(field) -> str:
    from pydantic_core import PydanticUndefined

    if field.default is PydanticUndefined and field.default_factory is None:
        return "required"
    value = field.default_factory() if field.default is PydanticUndefined else field.default
    return repr(value)


def _type_text(annotation) -> str:
    """What a field accepts, as a user writes it: ``int or null``, ``one of 'a', 'b'``."""
    import typing

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        kept = [_type_text(a) for a in args if a is not type(None)]
        text = " | ".join(kept)
        return f"{text} or null" if type(None) in args else text
    if origin in (tuple, list):
        inner = ", ".join("..." if a is Ellipsis else _type_text(a) for a in args)
        return f"{origin.__name__}[{inner}]"
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def _range_text(field) -> str:
    """`` in [1, 4]``-style bounds from the field's constraints, if any."""
    bounds = {type(m).__name__: getattr(m, type(m).__name__.lower()) for m in field.metadata
              if type(m).__name__ in ("Ge", "Gt", "Le", "Lt")}
    if not bounds:
        return ""
    low = f"[{bounds['Ge']}" if "Ge" in bounds else f"({bounds['Gt']}" if "Gt" in bounds else "(-inf"
    high = f"{bounds['Le']}]" if "Le" in bounds else f"{bounds['Lt']})" if "Lt" in bounds else "inf)"
    return f" in {low}, {high}"


def _describe(spec, verbose: bool, qualified: bool = False) -> list[str]:
    shown = f"{spec.qualified}  (ambiguous as {spec.name!r})" if qualified else spec.name
    lines = [f"  {shown}  [{spec.source}]"]
    try:
        params_cls = spec.params_class()
    except Exception as exc:  # a broken params module must not hide the others
        return lines + [f"    (params unavailable: {type(exc).__name__}: {exc})"]
    help_text = params_cls.help() if hasattr(params_cls, "help") else (params_cls.__doc__ or "")
    summary = help_text.strip().splitlines()
    if summary:  # the whole text with -v, else its first line
        lines += [f"    {line}".rstrip() for line in (summary if verbose else summary[:1])]
    for name, field in params_cls.model_fields.items():
        text = f"    {name}: {_type_text(field.annotation)}{_range_text(field)} = {_default_text(field)}"
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
        specs, clashing = registry.specs(), registry.clashes()
        if not specs:
            click.echo("  (none)")
        for spec in specs:
            click.echo("\n".join(_describe(spec, verbose, qualified=spec.name in clashing)))
