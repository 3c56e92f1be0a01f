"""Errors the CLI turns into one-line messages (exit code 2, no traceback)."""
from __future__ import annotations


class CorefillError(Exception):
    """Base class: a user-facing problem with a one-line message."""


class RecipeError(CorefillError):
    """A recipe is malformed: carries the file and dotted field."""


class RegistryError(CorefillError, LookupError):
    """Unknown component name or kind."""


class DuplicateComponentError(CorefillError):
    """A component name registered twice."""


class DataError(CorefillError):
    """A dataset root is missing, empty, or a split ended up empty."""


class CheckpointError(CorefillError):
    """A checkpoint is missing, unreadable, or does not match the recipe."""


class ComponentError(CorefillError):
    """A built component broke its contract on the recipe's own data (the check before
    training), or failed while it ran: names the component and the plugin that registered it."""


def first_line(exc: BaseException, default: str | None = None) -> str:
    """The first non-blank line of an exception's message (some span many lines);
    ``default``, else the exception's type name, when the message is empty."""
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    if lines:
        return lines[0]
    return type(exc).__name__ if default is None else default


def one_line(exc: BaseException) -> str:
    """``Type: first line of the message`` (what a one-line report shows of an exception)."""
    return f"{type(exc).__name__}: {first_line(exc, '')}".rstrip(": ")
