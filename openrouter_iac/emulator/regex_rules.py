"""Guardrail content-filter patterns: JavaScript regexes with the constructs upstream refuses.

Upstream runs these patterns on every request, so it rejects constructs that are slow or
unbounded: lookaround, backreferences and nested quantifiers (``(a+)+``). This module parses
the pattern structurally (no Python ``re`` round trip, since JS syntax such as ``\\p{L}`` or
``[^]`` is valid there but not in Python) and returns the first problem found.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class _Group:
    start: int
    has_repeat: bool = False  # some atom inside repeats a variable number of times
    last_atom_ok: bool = False  # whether a quantifier may follow right now


def _read_braces(pattern: str, i: int) -> tuple[int, int | None, int] | None:
    """Parse ``{n}``, ``{n,}`` or ``{n,m}`` at ``i``; return (min, max, end) or None if literal."""
    close = pattern.find("}", i)
    if close == -1:
        return None
    body = pattern[i + 1 : close]
    low, comma, high = body.partition(",")
    if not low.isdigit() or (high and not high.isdigit()):
        return None
    lo = int(low)
    hi: int | None = lo if not comma else (int(high) if high else None)
    return lo, hi, close + 1


def find_problem(pattern: str) -> str | None:
    """Return why ``pattern`` is refused, or None when it is acceptable."""
    stack: list[_Group] = [_Group(0)]
    # ``last_repeats``: the atom just closed (a group) contains a variable repeat.
    last_repeats = False
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        top = stack[-1]
        if ch == "\\":
            if i + 1 >= n:
                return "pattern ends with a lone backslash"
            nxt = pattern[i + 1]
            if nxt in "123456789":
                return f"backreferences are not allowed (\\{nxt} at position {i})"
            if nxt == "k" and i + 2 < n and pattern[i + 2] == "<":
                return f"named backreferences are not allowed (\\k<...> at position {i})"
            top.last_atom_ok = nxt not in "bB"
            last_repeats = False
            i += 2
            continue
        if ch == "[":
            end = _class_end(pattern, i)
            if end is None:
                return f"unterminated character class starting at position {i}"
            problem = _class_problem(pattern[i + 1 : end - 1])
            if problem:
                return problem
            top.last_atom_ok = True
            last_repeats = False
            i = end
            continue
        if ch == "(":
            rest = pattern[i + 1 : i + 4]
            if rest.startswith(("?=", "?!", "?<=", "?<!")):
                return f"lookahead and lookbehind are not allowed (at position {i})"
            skip = 1
            if rest.startswith("?:"):
                skip = 3
            elif rest.startswith("?<"):
                close = pattern.find(">", i)
                if close == -1:
                    return f"unterminated group name at position {i}"
                skip = close - i + 1
            elif rest.startswith("?"):
                return f"unsupported group syntax '(?{rest[1:2]}' at position {i}"
            top.last_atom_ok = False
            stack.append(_Group(i))
            last_repeats = False
            i += skip
            continue
        if ch == ")":
            if len(stack) == 1:
                return f"unmatched ')' at position {i}"
            group = stack.pop()
            parent = stack[-1]
            parent.has_repeat = parent.has_repeat or group.has_repeat
            parent.last_atom_ok = True
            last_repeats = group.has_repeat
            i += 1
            continue
        if ch in "*+?{":
            quant = _quantifier(pattern, i)
            if quant is None:  # a literal '{'
                top.last_atom_ok = True
                last_repeats = False
                i += 1
                continue
            lo, hi, end = quant
            if not top.last_atom_ok:
                return f"nothing to repeat at position {i}"
            if hi is not None and hi < lo:
                return f"numbers out of order in quantifier at position {i}"
            variable = hi is None or hi > 1
            if variable and last_repeats:
                return f"nested quantifiers are not allowed (at position {i})"
            if variable and (hi is None or hi != lo):
                top.has_repeat = True
            if end < n and pattern[end] == "?":  # lazy modifier
                end += 1
            top.last_atom_ok = False
            last_repeats = False
            i = end
            continue
        if ch == "|":
            top.last_atom_ok = False
            last_repeats = False
            i += 1
            continue
        # Anchors cannot be repeated; every other character is a literal atom.
        top.last_atom_ok = ch not in "^$"
        last_repeats = False
        i += 1
    if len(stack) > 1:
        return f"unterminated group starting at position {stack[-1].start}"
    return None


def _quantifier(pattern: str, i: int) -> tuple[int, int | None, int] | None:
    ch = pattern[i]
    if ch == "*":
        return 0, None, i + 1
    if ch == "+":
        return 1, None, i + 1
    if ch == "?":
        return 0, 1, i + 1
    return _read_braces(pattern, i)


def _class_end(pattern: str, start: int) -> int | None:
    i = start + 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "]":
            return i + 1
        i += 1
    return None


def _class_problem(body: str) -> str | None:
    """Reject ranges whose ends are out of order, like ``[z-a]``."""
    chars: list[str] = []
    i = 0
    if body.startswith("^"):
        i = 1
    while i < len(body):
        if body[i] == "\\":
            chars.append("\\" + body[i + 1 : i + 2])
            i += 2
        else:
            chars.append(body[i])
            i += 1
    for j in range(1, len(chars) - 1):
        if chars[j] != "-":
            continue
        low, high = chars[j - 1], chars[j + 1]
        if len(low) == 1 and len(high) == 1 and ord(low) > ord(high):
            return f"range out of order in character class: {low}-{high}"
    return None
