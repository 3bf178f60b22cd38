"""Config problems for machines: JSON, and GitHub workflow-command annotations.

Problems arrive as orctl's one-line texts (`file:line:column: path: reason`, or a bare sentence
when there is no position); they are split here rather than carried twice through the loader.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)$", re.DOTALL)
ANNOTATION_TITLE = "orctl validate"


@dataclass(frozen=True)
class Problem:
    """One config problem; ``file`` is None when it has no position (e.g. no config found)."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None


def parse_problem(text: str) -> Problem:
    """`a.yaml:3:7: workspaces.x.limit: must be at least 0` → its parts (line 0 means unknown)."""
    found = _LOCATED.match(text)
    if found is None or found["file"] == "?" or int(found["line"]) == 0:
        return Problem(message=found["message"] if found else text)
    return Problem(found["message"], found["file"], int(found["line"]), int(found["column"]))


def render_problems_json(
    problems: list[str], *, files: list[str], counts: dict[str, int], warnings: Sequence[str] = ()
) -> str:
    """`{"valid": ..., "files": [...], "counts": {...}, "problems": [{file, line, column, message}],
    "warnings": [...]}` (warnings in the same shape; they do not make a config invalid)."""
    document = {
        "valid": not problems,
        "files": files,
        "counts": counts,
        "problems": [_as_json(p) for p in map(parse_problem, problems)],
        "warnings": [_as_json(p) for p in map(parse_problem, warnings)],
    }
    import json  # only for --output json: kept off `orctl validate`'s start-up

    return json.dumps(document, indent=2, ensure_ascii=False)


def _as_json(problem: Problem) -> dict[str, object]:
    return {"file": problem.file, "line": problem.line, "column": problem.column, "message": problem.message}


def render_problems_github(problems: list[str], warnings: Sequence[str] = ()) -> str:
    """One `::error file=…,line=…,col=…::message` line per problem (GitHub shows them on the diff),
    then one `::warning …` line per warning."""
    lines = [_annotation(parse_problem(text)) for text in problems]
    lines += [_annotation(parse_problem(text), "warning") for text in warnings]
    return "\n".join(lines)


def _annotation(problem: Problem, level: str = "error") -> str:
    properties = []
    if problem.file is not None:
        properties += [f"file={_property(problem.file)}", f"line={problem.line}", f"col={problem.column}"]
    properties.append(f"title={_property(ANNOTATION_TITLE)}")
    return f"::{level} {','.join(properties)}::{_data(problem.message)}"


def _data(text: str) -> str:
    # The escapes of GitHub's workflow commands (actions/toolkit, command.ts).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
