"""Shared pydantic base for every spec model: frozen, strict about unknown keys, documented fields."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Spec(BaseModel):
    """Base of every config/state model. Frozen so a plan built from it cannot be mutated later."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        # Attribute docstrings become schema descriptions in config/field_docs.py, not here:
        # parsing every class's source at import would slow down every command's start.
        allow_inf_nan=False,  # .inf / .nan are valid YAML floats but never a valid cap
    )


# Default factories for the spec models. Not the builtins `list` / `dict`: pydantic reads a
# factory's signature, and a builtin's is parsed from text by the tokenizer (~10% of the model
# building `orctl validate` does at start-up). A test keeps the builtins out.


def empty_list() -> list[Any]:
    return []


def empty_dict() -> dict[str, Any]:
    return {}
