"""Field descriptions for the JSON Schema, read from the docstrings under each model attribute.

pydantic can do this itself (``use_attribute_docstrings``), but then every model class reads
and parses its own source at import, which costs `orctl validate` a third of its start-up.
Only the schema needs the descriptions, so they are read here, when the schema is generated.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
from typing import Any

from pydantic import BaseModel


def attribute_docs(model: type[BaseModel]) -> dict[str, str]:
    """``{field name: docstring}`` of a model and its model bases (the subclass wins)."""
    docs: dict[str, str] = {}
    for klass in reversed(model.__mro__):
        if isinstance(klass, type) and issubclass(klass, BaseModel) and klass is not BaseModel:
            docs.update(_own_docs(klass))
    return docs


def _own_docs(klass: type) -> dict[str, str]:
    try:
        source = textwrap.dedent(inspect.getsource(klass))
    except (OSError, TypeError):
        return {}
    body = next((node.body for node in ast.parse(source).body if isinstance(node, ast.ClassDef)), [])
    docs = {}
    for node, following in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = inspect.cleandoc(following.value.value)
    return docs


def models_by_name(root: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model class reachable from ``root`` through its fields, by class name."""
    found: dict[str, type[BaseModel]] = {}
    pending: list[Any] = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            if found.get(item.__name__) is item:
                continue
            found[item.__name__] = item
            pending.extend(field.annotation for field in item.model_fields.values())
        else:
            pending.extend(getattr(item, "__args__", ()))
            pending.extend(getattr(item, "__metadata__", ()))
    return found


def add_descriptions(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Fill each property's missing ``description`` from the model's attribute docstrings."""
    docs = attribute_docs(model)
    properties = schema.get("properties", {})
    for name, field in model.model_fields.items():
        prop = properties.get(field.alias or name)
        if isinstance(prop, dict) and "description" not in prop and name in docs:
            prop["description"] = docs[name]
