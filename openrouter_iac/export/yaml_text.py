"""A small block-style YAML writer that can put a comment on any line, for the files `orctl export`
writes. PyYAML cannot emit comments; it still renders every scalar, so quoting stays exact."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import yaml

Path = tuple[str | int, ...]
Comments = Mapping[Path, str]
INDENT = "  "
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def scalar(value: Any) -> str:
    """One scalar (or an empty collection) in flow form, quoted where YAML needs it."""
    if isinstance(value, str) and _CONTROL.search(value):
        return json.dumps(value, ensure_ascii=False)  # one line, escaped: JSON strings are YAML
    if isinstance(value, str) and "\n" not in value:
        text = yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=True)
        return text.removesuffix("\n...\n").removesuffix("\n")
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=True)
    return text.removesuffix("\n...\n").rstrip("\n")


def _block_string(value: str, indent: str) -> list[str] | None:
    """A multi-line string as a literal block (`|`), or None when a block could not keep it exact."""
    if "\t" in value or value != value.lstrip(" \n") or "\r" in value:
        return None
    body = value.removesuffix("\n")
    chomp = "" if value.endswith("\n") and not value.endswith("\n\n") else "-"
    if value.endswith("\n\n"):
        return None
    lines = [f"{indent}{line}" if line else "" for line in body.split("\n")]
    text = "\n".join([f"x: |{chomp}", *lines]) + "\n"
    if yaml.safe_load(text) != {"x": value}:
        return None
    return [f"|{chomp}", *lines]


def _is_leaf(value: Any) -> bool:
    return not isinstance(value, dict | list) or not value


def to_yaml(data: Mapping[str, Any], comments: Comments, header: list[str] | None = None) -> str:
    """``data`` in block style; ``comments[path]`` is appended (`# ...`) to the line of that path."""
    lines = [f"# {_one_line(line)}" if line else "#" for line in header or []]
    _emit_mapping(data, (), 0, comments, lines)
    text = "\n".join(lines) + "\n"
    if yaml.safe_load(text) != data:  # never write a file that reads back differently
        raise ValueError("internal error: the YAML writer would change the data")
    return text


def _one_line(text: str) -> str:
    """A comment holds live names: a line break in one would end the comment and start YAML."""
    return _CONTROL.sub(lambda m: {"\n": "\\n", "\t": "\\t"}.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


def _comment(comments: Comments, path: Path) -> str:
    note = comments.get(path)
    return f"  # {_one_line(note)}" if note else ""


def _emit_value(prefix: str, value: Any, path: Path, depth: int, comments: Comments, out: list[str]) -> None:
    """``prefix`` is `key:` or `-`; the value follows on the same line or below it."""
    indent = INDENT * (depth + 1)
    if isinstance(value, str) and "\n" in value:
        block = _block_string(value, indent)
        if block is not None:
            out.append(f"{prefix} {block[0]}{_comment(comments, path)}")
            out.extend(block[1:])
            return
    if _is_leaf(value):
        out.append(f"{prefix} {scalar(value)}{_comment(comments, path)}")
        return
    out.append(f"{prefix}{_comment(comments, path)}")
    if isinstance(value, dict):
        _emit_mapping(value, path, depth + 1, comments, out)
    else:
        _emit_sequence(value, path, depth + 1, comments, out)


def _emit_mapping(data: Mapping[str, Any], path: Path, depth: int, comments: Comments, out: list[str]) -> None:
    indent = INDENT * depth
    for key, value in data.items():
        _emit_value(f"{indent}{scalar(key)}:", value, (*path, key), depth, comments, out)


def _emit_sequence(items: list[Any], path: Path, depth: int, comments: Comments, out: list[str]) -> None:
    # Sequences sit at their parent key's indentation plus one level.
    indent = INDENT * (depth - 1) + INDENT
    for index, item in enumerate(items):
        item_path = (*path, index)
        if isinstance(item, dict) and item:
            # `- key: value` for the first entry, the rest aligned under it.
            nested: list[str] = []
            _emit_mapping(item, item_path, depth + 1, comments, nested)
            first = nested[0].lstrip(" ")
            out.append(f"{indent}- {first}")
            out.extend(nested[1:])
        else:
            _emit_value(f"{indent}-", item, item_path, depth, comments, out)
