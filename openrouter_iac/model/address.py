"""Addresses: the stable identity of a managed object, as a value.

An address reads `KIND`, `KIND:WORKSPACE` or `KIND:WORKSPACE/NAME` (e.g.
`api_key:healthcare/intake-summarizer`). It is made from its parts (:meth:`Address.of`) or parsed
once where text comes in (:meth:`Address.parse`: a saved plan, `safety.protect`); nothing splits
an address string again. It *is* a ``str``, so plans, reports, id indexes and sets of addresses
keep working with plain text, and its JSON form is the text.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

KindName = Literal[
    "organization_settings",
    "workspace",
    "workspace_members",
    "workspace_budget",
    "default_guardrail",
    "guardrail",
    "api_key",
    "guardrail_assignment",
    "preset",
    "byok_key",
    "observability_destination",
]
"""Every resource kind. The table in `openrouter_iac.kinds` has one entry per name (a test checks it)."""

KIND_NAMES: tuple[KindName, ...] = get_args(KindName)


class Address(str):
    """``kind``, ``workspace`` and ``name`` of one object, spelled as its address."""

    __slots__ = ("kind", "name", "workspace")
    kind: KindName
    workspace: str | None
    name: str | None

    def __new__(cls, text: str, kind: KindName, workspace: str | None, name: str | None) -> Address:
        value = super().__new__(cls, text)
        value.kind, value.workspace, value.name = kind, workspace, name
        return value

    @classmethod
    def of(cls, kind: KindName, workspace: str | None = None, name: str | None = None) -> Address:
        """The address of ``name`` (of kind ``kind``) in ``workspace``."""
        if workspace is None:
            text: str = kind
        elif name is None:
            text = f"{kind}:{workspace}"
        else:
            text = f"{kind}:{workspace}/{name}"
        return cls(text, kind, workspace, name)

    @classmethod
    def parse(cls, text: str) -> Address:
        """The address ``text`` spells; ValueError when it names no kind."""
        if isinstance(text, Address):
            return text
        head, colon, rest = text.partition(":")
        kind = next((k for k in KIND_NAMES if k == head), None)
        if kind is None:
            raise ValueError(f"{text!r} is not an address: it names no kind")
        workspace, slash, name = rest.partition("/")
        return cls(text, kind, workspace if colon else None, name if slash else None)

    def in_workspace(self) -> Address | None:
        """The address of the workspace this object belongs to (None for organization-level ones)."""
        return None if self.workspace is None else Address.of("workspace", self.workspace)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Address.parse, (str(self),))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls.parse, core_schema.str_schema(), serialization=core_schema.to_string_ser_schema()
        )
