"""Field traits: what the planner, the writer and the renderers need to know about one field,
declared on the field itself (``Annotated[..., SET_LIKE]``) instead of in name-keyed tables.

- ``IMMUTABLE``: the API cannot change it in place; a change is a replace (for a key, a rotation).
- ``SET_LIKE``: a list whose order does not matter (compared and shown as added/removed items).
- ``MODEL_SLUGS``: a list of model slugs, compared by canonical slug.
- ``WRITE_ONLY``: a secret (or a reference to one) that is sent but never read back.
- ``RESENDS_SECRET``: changing it sends the write-only secret again (a rotation marker).
- ``SERVER_COMPUTED``: set by the API, never written (the reader keeps it out of comparisons).
- ``NULL_LIFTS``: a restricting list (allowed models, disabled tools...): `null` lifts the
  restriction, so an empty value in a config (every item commented out) is refused.
- ``NOT_CLEARABLE``: the API keeps at least one value: `null` in a config is refused.
- ``Nested(set_like=...)``: a free-form nested value, diffed path by path (deepdiff); the keys
  listed are lists inside it whose order does not matter.

``Wire`` (not a trait: it carries the API's name) marks a *plain* field, read from and written to
the API as is by one generic mapper (:mod:`openrouter_iac.model.wire`); fields without it are a
kind's special cases, mapped in its own module (``kinds/<kind>.py``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

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
NULL_LIFTS = Trait("null lifts")
NOT_CLEARABLE = Trait("not clearable")

Send = Literal["always", "set_or_changed", "changed"]


@dataclass(frozen=True)
class Wire:
    """A plain field's place on the wire.

    ``api``: the API's name (None: the field's own). ``send``: `always` (every create and update
    body), `set_or_changed` (a field newer than the saved spec: only when it is set or the plan
    changes it, so a request that does not use it is what an older API takes), `changed` (only
    when the plan changes it: the API derives or keeps it otherwise). ``on_create`` False: an
    update-only field. An ``IMMUTABLE`` field is sent on create only; a ``SERVER_COMPUTED`` one is
    only read.
    """

    api: str | None = None
    send: Send = "always"
    on_create: bool = True


WIRE = Wire()
"""A plain field with the same name in the API, sent in every body."""
NEWER = Wire(send="set_or_changed")
"""A plain field with the same name, newer than the saved spec."""


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


@functools.cache  # models and traits never change; config checks ask once per object
def fields_with(model: type[BaseModel], trait: Trait) -> frozenset[str]:
    return frozenset(name for name in model.model_fields if has(model, name, trait))
