"""Base class for component parameters (pydantic v2, unknown keys rejected)."""
from pydantic import BaseModel, ConfigDict


class Params(BaseModel):
    """Parameters of a component. Subclass it; document every field."""

    model_config = ConfigDict(extra="forbid", frozen=True, protected_namespaces=())


class NoParams(Params):
    """This component takes no parameters."""
