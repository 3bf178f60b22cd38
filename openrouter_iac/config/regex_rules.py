"""Content-filter patterns the OpenRouter API would reject, caught before any call.

The API runs filters as JavaScript regexes and refuses lookaround, backreferences and nested
quantifiers (they allow catastrophic backtracking). We also compile the pattern with Python's
``re``, whose syntax for everything else the API accepts is close enough to catch typos.
"""

from __future__ import annotations

import re

_LOOKAROUND = re.compile(r"\(\?<?[=!]")


def _strip_escapes_and_classes(pattern: str) -> str:
    """The pattern with escaped characters and [...] classes blanked, so '(' inside them is ignored."""
    out: list[str] = []
    index = 0
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append("__")
            index += 2
            continue
        if in_class:
            out.append("_")
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            out.append("_")
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _has_backreference(pattern: str) -> bool:
    index = 0
    while index < len(pattern) - 1:
        if pattern[index] == "\\":
            if pattern[index + 1] in "123456789" or pattern[index + 1 : index + 3] == "k<":
                return True
            index += 2
        else:
            index += 1
    return False


def _has_nested_quantifier(pattern: str) -> bool:
    """True for a quantified group that itself contains a quantifier, e.g. `(a+)+` or `(\\w*x)*`."""
    plain = _strip_escapes_and_classes(pattern)
    stack: list[bool] = []  # per open group: does it contain a quantifier?
    for index, char in enumerate(plain):
        if char == "(":
            stack.append(False)
        elif char == ")" and stack:
            inner_quantified = stack.pop()
            following = plain[index + 1 : index + 2]
            quantified = following in ("*", "+", "?", "{")
            if inner_quantified and following in ("*", "+", "{"):
                return True
            if stack and (inner_quantified or quantified):
                stack[-1] = True
        elif (char in "*+{" and stack) or (char == "?" and stack and index > 0 and plain[index - 1] not in "("):
            stack[-1] = True
    return False


def pattern_problem(pattern: str) -> str | None:
    """Why the API would reject ``pattern``, or None when it is acceptable."""
    plain = _strip_escapes_and_classes(pattern)
    if _LOOKAROUND.search(plain):
        return "lookaround ((?=, (?!, (?<=, (?<!) is not allowed in content filter patterns"
    if _has_backreference(pattern):
        return r"backreferences (\1, \k<name>) are not allowed in content filter patterns"
    if _has_nested_quantifier(pattern):
        return "nested quantifiers such as (a+)+ are not allowed in content filter patterns"
    try:
        # JavaScript writes named groups as (?<name>...); Python as (?P<name>...).
        re.compile(re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern))
    except re.error as exc:
        return f"the pattern does not compile: {exc}"
    return None
