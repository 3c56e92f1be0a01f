"""The pluggy hooks a corefill plugin implements.

A plugin is a module named by an entry point in the ``corefill`` group; it defines
``corefill_register`` decorated with :data:`hookimpl`.
"""
import pluggy

PROJECT = "corefill"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def corefill_register(registry):
    """Register components with ``registry.add(kind, name, target=..., params=...)``, or a
    whole table ``{(kind, name): (target, params)}`` with ``registry.add_table(table)``.

    ``target`` and ``params`` are import paths (``"package.module:attr"``) so that
    registering imports nothing heavy.
    """
