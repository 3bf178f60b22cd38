"""Query-string parameters and offset/limit paging, validated the way the spec declares them."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from openrouter_iac.emulator.errors import ApiError

T = TypeVar("T")


def _bad(name: str, message: str) -> ApiError:
    return ApiError(400, f'Invalid query parameter "{name}": {message}', metadata={"parameter": name})


class Query:
    def __init__(self, raw: Mapping[str, list[str]]) -> None:
        self._raw = raw

    def text(self, name: str) -> str | None:
        values = self._raw.get(name)
        if not values:
            return None
        return values[0]

    def present(self, name: str) -> bool:
        return name in self._raw

    def first_values(self) -> dict[str, str]:
        return {name: values[0] for name, values in self._raw.items() if values}

    def csv(self, name: str) -> list[str] | None:
        value = self.text(name)
        if value is None or not value.strip():
            return None
        return [part.strip() for part in value.split(",") if part.strip()]

    def number(self, name: str, *, minimum: float | None = None, maximum: float | None = None) -> float | None:
        value = self.text(name)
        if value is None or value == "null":  # the numeric filters are number|null
            return None
        try:
            number = float(value)
        except ValueError:
            raise _bad(name, f"expected a number, got {value!r}") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise _bad(name, f"expected a finite number, got {value!r}")
        if minimum is not None and number < minimum:
            raise _bad(name, f"must be at least {minimum:g}, got {value}")
        if maximum is not None and number > maximum:
            raise _bad(name, f"must be at most {maximum:g}, got {value}")
        return number

    def integer(
        self,
        name: str,
        *,
        default: int | None,
        minimum: int | None = None,
        maximum: int | None = None,
        nullable: bool = False,
    ) -> int | None:
        value = self.text(name)
        # ``offset`` is typed integer|null in the spec: there "null" means "not given".
        if value is None or (nullable and value == "null"):
            return default
        try:
            number = int(value, 10)
        except ValueError:
            raise _bad(name, f"expected an integer, got {value!r}") from None
        if minimum is not None and number < minimum:
            raise _bad(name, f"must be at least {minimum}, got {number}")
        if maximum is not None and number > maximum:
            raise _bad(name, f"must be at most {maximum}, got {number}")
        return number

    def offset(self) -> int:
        value = self.integer("offset", default=0, minimum=0, nullable=True)
        assert value is not None
        return value

    def limit(self, *, default: int = 50, maximum: int = 100) -> int:
        value = self.integer("limit", default=default, minimum=1, maximum=maximum)
        assert value is not None
        return value

    def flag(self, name: str) -> bool | None:
        value = self.text(name)
        if value is None:
            return None
        lowered = value.lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
        raise _bad(name, f'expected "true" or "false", got {value!r}')

    def uuid(self, name: str) -> str | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise _bad(name, f"expected a UUID, got {value!r}") from None

    def choice(self, name: str, choices: Sequence[str]) -> str | None:
        value = self.text(name)
        if value is None:
            return None
        if value not in choices:
            raise _bad(name, f"must be one of {', '.join(choices)}; got {value!r}")
        return value


def page(items: Sequence[T], offset: int, limit: int) -> list[T]:
    return list(items[offset : offset + limit])


def paged_list(items: Sequence[Any], query: Query, render: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """The standard ``{data, total_count}`` envelope for offset/limit lists (limit 1..100, default 50).

    ``render`` is applied to the page's items only (a list of 20,000 is not rendered per page).
    """
    offset = query.offset()
    limit = query.limit()
    selected = page(items, offset, limit)
    return {"data": [render(item) for item in selected] if render else selected, "total_count": len(items)}
