"""Field traits: what the planner, the writer and the renderers need to know about one field,
declared on the field itself (``Annotated[..., SET_LIKE]``) instead of in name-keyed tables.

- ``IMMUTABLE``: the API cannot change it in place; a change is a replace (for a key, a rotation).
- ``SET_LIKE``: a list whose order does not matter (compared and shown as added/removed items).
- ``MODEL_SLUGS``: a list of model slugs, compared by canonical slug.
- ``WRITE_ONLY``: a secret (or a reference to one) that is sent but never read back.
- ``RESENDS_SECRET``: changing it sends the write-only secret again (a rotation marker).
- ``SERVER_COMPUTED``: set by the API, never written (the reader keeps it out of comparisons).
- ``Nested(set_like=...)``: a free-form nested value, diffed path by path (deepdiff); the keys
  listed are lists inside it whose order does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel


@dataclass(frozen=True)
class Trait:
    name: str


@dataclass(frozen=True)
class Nested(Trait):
    set_like: frozenset[str] = frozenset()


IMMUTABLE = Trait("immutable")
SET_LIKE = Trait("set-like")
MODEL_SLUGS = Trait("model slugs")
WRITE_ONLY = Trait("write-only")
RESENDS_SECRET = Trait("resends secret")
SERVER_COMPUTED = Trait("server-computed")
NESTED = Nested("nested")


def traits(model: type[BaseModel], field: str) -> frozenset[Trait]:
    """The traits declared on ``model.field`` (empty for an unknown field)."""
    info = model.model_fields.get(field)
    if info is None:
        return frozenset()
    return frozenset(item for item in info.metadata if isinstance(item, Trait))


def has(model: type[BaseModel], field: str, trait: Trait) -> bool:
    return trait in traits(model, field) or (
        isinstance(trait, Nested) and any(isinstance(t, Nested) for t in traits(model, field))
    )


def nested(model: type[BaseModel], field: str) -> Nested | None:
    return next((t for t in traits(model, field) if isinstance(t, Nested)), None)


def fields_with(model: type[BaseModel], trait: Trait) -> frozenset[str]:
    return frozenset(name for name in model.model_fields if has(model, name, trait))
