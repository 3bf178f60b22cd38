"""Lists written with every item commented out, and values that cannot be cleared.

`allowed_providers:` followed only by commented-out items is YAML null, which would mean "no
restriction at all": the opposite of what the author meant. `[]` is refused by the schema; an empty
value is refused here, for every list where null lifts a restriction (trait ``NULL_LIFTS``: allowed
and ignored models and providers, data regions, disabled server tools...). The word `null` (or `~`)
written out is meant: it lifts the restriction (absent leaves it as it is). A field the API cannot
clear (trait ``NOT_CLEARABLE``: a destination's `regions`) is refused as `null` however written.
Every kind's spec is checked (the table of kinds).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openrouter_iac.config.objects import declared_objects
from openrouter_iac.config.yaml_source import PathKey
from openrouter_iac.model.traits import NOT_CLEARABLE, NULL_LIFTS, fields_with

Problem = tuple[PathKey, bool, str]

REASON = (
    "the list is empty (null: are its items commented out?); list at least one item, "
    "write `null` to lift the restriction, or remove the key to leave it as it is"
)
UNCLEARABLE = "cannot be cleared (the API keeps at least one); write [global] for the default"


def check_null_lists(data: dict[str, Any], written: frozenset[PathKey] = frozenset()) -> Iterator[Problem]:
    """A problem for each list present with no value, in document order."""
    for kind, path, spec in declared_objects(data):
        for name in kind.spec.model_fields:
            if name not in spec or spec[name] is not None:
                continue
            if name in fields_with(kind.spec, NOT_CLEARABLE):
                yield (*path, name), False, f"{name} {UNCLEARABLE}"
            elif name in fields_with(kind.spec, NULL_LIFTS) and (*path, name) not in written:
                # `allowed_models: null` written out lifts the restriction (absent would leave it as it is).
                yield (*path, name), False, REASON
