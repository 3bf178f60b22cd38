"""Durations written in a config (`rotation_overlap: 24h`, `expiry_warning: 14d`).

A duration is a whole number followed by a unit, optionally several in a row (`1d12h`): `s`
seconds, `m` minutes, `h` hours, `d` days, `w` weeks. The config keeps the text as written (so a
saved plan shows what the user wrote); :func:`seconds` reads it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, Field

DURATION_PATTERN = r"^(?:[0-9]+[smhdw])+$"
_PART = re.compile(r"([0-9]+)([smhdw])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MAX_SECONDS = 10 * 365 * 86400
"""Ten years: beyond it a duration is a typo (and would overflow a due date far enough out)."""


def seconds(text: str) -> int:
    """The length of a duration in seconds (the text is assumed checked by :data:`Duration`)."""
    return sum(int(number) * _UNIT_SECONDS[unit] for number, unit in _PART.findall(text))


def as_timedelta(text: str) -> timedelta:
    return timedelta(seconds=seconds(text))


def _check(text: str) -> str:
    if not re.fullmatch(DURATION_PATTERN, text):
        raise ValueError(
            f"{text!r} is not a duration: write a number and a unit (s, m, h, d, w), e.g. 3s, 24h, 7d, 1d12h"
        )
    if seconds(text) > MAX_SECONDS:
        raise ValueError(f"{text!r} is longer than ten years")
    return text


Duration = Annotated[str, AfterValidator(_check), Field(json_schema_extra={"pattern": DURATION_PATTERN})]
"""A config duration (`3s`, `24h`, `7d`)."""
