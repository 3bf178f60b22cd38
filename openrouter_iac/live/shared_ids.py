"""The ids a parallel apply's workers share (address -> live id), safe to walk while others write.

Reading, writing and popping one id are single dict operations: atomic. Walking the ids
(``items()``, ``keys()``, ``values()``) is not: another worker learning the id of a key it just
created would end the walk with "dictionary changed size during iteration". So a walk goes over
a copy, taken in one step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _collections_abc import dict_items, dict_keys, dict_values


class SharedIds(dict[str, str]):
    """A dict whose views are snapshots. Iterate it with ``items()``/``keys()``, not ``for a in``."""

    def items(self) -> dict_items[str, str]:
        return dict.copy(self).items()  # the copy is made in C, no other thread runs meanwhile

    def keys(self) -> dict_keys[str, str]:
        return dict.copy(self).keys()

    def values(self) -> dict_values[str, str]:
        return dict.copy(self).values()
