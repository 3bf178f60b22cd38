"""'Did you mean …?' suggestions, shared by config validation and the planner's server checks."""

from __future__ import annotations

from collections.abc import Iterable


def suggest(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a choice is close to ``word``, else an empty string."""
    import difflib  # only when a name is unknown: kept off `orctl validate`'s start-up

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
