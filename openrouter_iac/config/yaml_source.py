"""YAML reading that keeps a file:line:column for every node.

PyYAML's composer gives nodes with marks; we build plain Python values from them ourselves so that
(1) every value's and every mapping key's position is recorded by its path, (2) duplicate mapping
keys are an error instead of a silent overwrite, and (3) timestamps stay strings (pydantic parses
them, and can then tell a UTC offset from another zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from openrouter_iac.model.positions import PathKey, Position, SourceMap, dotted

__all__ = ["PathKey", "Position", "SourceMap", "YamlProblem", "dotted", "read_yaml"]


@dataclass(frozen=True)
class YamlProblem:
    """A problem found while reading YAML (before any schema check)."""

    position: Position
    message: str


class _Loader(yaml.SafeLoader):
    """SafeLoader whose timestamp resolver is removed: timestamps stay as their text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_FastLoader: type[yaml.CSafeLoader] | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):
        """The same loader on libyaml's parser and composer (ten times faster: 20,000 keys in 0.7 s
        instead of 6 s). Only a file it composes without error is read by it; any problem is
        found again by the pure-Python one, so every message stays PyYAML's."""

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _FastLoader = _CLoader


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SCALAR_TAGS = frozenset(
    {_STR} | {tag for resolvers in _Loader.yaml_implicit_resolvers.values() for tag, _ in resolvers}
)
"""The tags a plain scalar resolves to (str, int, float, bool, null, ...). Any other tag on a node
was written in the file (`!!python/object`, `!custom`, `!!binary`): the composer keeps no mark of
which tags were explicit, so a tag is refused when it is not one of these (an explicit `!!int`
that means what it says stays accepted); the check runs only where the builder already looks."""


class TagError(Exception):
    """A node carries a tag the config language does not have."""

    def __init__(self, node: yaml.Node, path: PathKey) -> None:
        self.node = node
        self.path = path

    def message(self) -> str:
        tag = self.node.tag
        shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
        where = f"{dotted(self.path)}: " if self.path else ""
        return f"{where}YAML tags are not part of the orctl config language: remove '{shown}'"


def _position(display_name: str, node: yaml.Node) -> Position:
    return Position(display_name, node.start_mark.line + 1, node.start_mark.column + 1)


MAX_ALIAS_EXPANSION = 100_000
"""Values that aliases may add beyond the file's own; a billion-laughs file would add billions."""


class AliasBombError(Exception):
    """Aliases would expand the document past :data:`MAX_ALIAS_EXPANSION` values."""

    def __init__(self, node: yaml.Node, size: int) -> None:
        self.node = node
        self.size = size


class _Builder:
    def __init__(self, display_name: str, loader: _Loader | yaml.CSafeLoader) -> None:
        self.display_name = display_name
        self.loader = loader
        self.source_map = SourceMap()
        self.problems: list[YamlProblem] = []
        self._built: set[int] = set()
        self._sizes: dict[int, int] = {}
        self._expanded = 0

    def _size(self, node: yaml.Node) -> int:
        """How many values ``node`` expands to (memoised, so shared nodes are counted once)."""
        known = self._sizes.get(id(node))
        if known is not None:
            return known
        self._sizes[id(node)] = 1  # a recursive alias counts once; PyYAML refuses recursion anyway
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        size = 1 + sum(self._size(child) for child in children)
        self._sizes[id(node)] = size
        return size

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        # The composer hands back the anchored node itself for every alias: a node met again is
        # an alias, and its whole subtree is about to be built once more.
        if id(node) in self._built:
            self._expanded += self._size(node)
            if self._expanded > MAX_ALIAS_EXPANSION:
                raise AliasBombError(node, self._expanded)
        self._built.add(id(node))
        mark = node.start_mark
        self.source_map.values[path] = Position(self.display_name, mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                raise TagError(node, path)
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                raise TagError(node, path)
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        value = self._scalar(node, path)
        if value is None and isinstance(node, yaml.ScalarNode) and node.value:
            self.source_map.written_nulls.add(path)  # `null` or `~`, not an empty value
        return value

    def _scalar(self, node: yaml.Node, path: PathKey) -> Any:
        # A string is its text (what construct_yaml_str returns): most scalars of a config are
        # names. A plain decimal int is what construct_yaml_int makes of it (limits, budgets).
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR:
                return node.value
            text = node.value
            if node.tag == _INT and text.isascii() and text.isdigit() and (text[0] != "0" or text == "0"):
                return int(text)
            if node.tag not in _SCALAR_TAGS:
                raise TagError(node, path)
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:  # `0x_`: PyYAML resolves it as an int its constructor cannot read
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"{node.value!r} looks like a number but is not one; quote it if it is text",
                node.start_mark,
            ) from None

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        self.loader.flatten_mapping(node)  # resolves `<<:` merge keys like PyYAML does
        result: dict[str, Any] = {}
        keys = self.source_map.keys
        display_name = self.display_name
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                # `? [a, b]` would become the name "['a', 'b']"
                shape = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
                self.problems.append(
                    YamlProblem(
                        _position(display_name, key_node),
                        f"{dotted(path) + ': ' if path else ''}a key of a mapping must be a name, got {shape}",
                    )
                )
                continue
            key = self._scalar(key_node, path)
            if not isinstance(key, str):
                # Non-string keys (numbers, booleans) are kept as text: names are always strings.
                key = "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
            mark = key_node.start_mark
            where = Position(display_name, mark.line + 1, mark.column + 1)
            child = (*path, key)
            if key in result:
                first = keys[child]
                self.problems.append(
                    YamlProblem(
                        where,
                        f"{dotted(child)}: duplicate key '{key}' in the same mapping "
                        f"(first defined at {first}); YAML would silently keep only one",
                    )
                )
                continue
            keys[child] = where
            result[key] = self.build(value_node, child)
        return result


def _tab_problems(text: str, display_name: str) -> list[YamlProblem]:
    if "\t" not in text:
        return []  # the common case, without a look at each line
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(
                YamlProblem(
                    Position(display_name, number, indent.index("\t") + 1),
                    "tab character in indentation; YAML allows spaces only",
                )
            )
    return problems


_SYNTAX_HINTS = (
    (
        "mapping values are not allowed here",
        ": quote a value that holds ': ', or check the indentation of this line",
    ),
    ("expected <block end>", ": this line is not indented like the keys before it"),
)
"""PyYAML's wording for the commonest mistakes, followed by what usually causes them."""


def _compose(text: str) -> tuple[yaml.CSafeLoader | None, yaml.Node | None]:
    """The document's node tree, composed by libyaml; (None, None) when that is not available or
    it finds a problem (the pure-Python loader then composes it again and reports the problem)."""
    if _FastLoader is None:
        return None, None
    loader = _FastLoader(text)
    try:
        return loader, loader.get_single_node()
    except yaml.YAMLError:
        loader.dispose()
        return None, None


def read_yaml(path: Path, display_name: str) -> tuple[Any, SourceMap, list[YamlProblem]]:
    """Parse one YAML file. Returns the data, its source map and the problems found.

    An empty file (or one holding only comments) yields ``None``.
    """
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        where = Position(display_name, before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1)
        return (
            None,
            SourceMap(),
            [
                YamlProblem(
                    where, f"not UTF-8 text: byte 0x{raw[exc.start]:02x} here ({exc.reason}); save the file as UTF-8"
                )
            ],
        )
    tabs = _tab_problems(text, display_name)
    if tabs:
        return None, SourceMap(), tabs
    loader: _Loader | yaml.CSafeLoader | None
    loader, root = _compose(text)
    try:
        if loader is None:
            loader = _Loader(text)
            root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        hint = next((hint for start, hint in _SYNTAX_HINTS if reason.startswith(start)), "")
        context = exc.context_mark
        if (
            exc.context
            and exc.context.startswith("while ")
            and context is not None
            and (context.line, context.column) != (line - 1, column - 1)
        ):
            # "while parsing a flow mapping": say where that construct started.
            construct = exc.context.removeprefix("while parsing ").removeprefix("while scanning ")
            reason += f" (in {construct} that starts at line {context.line + 1}, column {context.column + 1})"
        elif exc.context:
            reason = f"{exc.context} {reason}"
        reason += hint
        return (
            None,
            SourceMap(),
            [YamlProblem(Position(display_name, line, column), f"YAML syntax: {reason}")],
        )
    except yaml.reader.ReaderError as exc:
        # A control character such as NUL: PyYAML's message adds a line of its own internals.
        prefix = text[: exc.position]
        where = Position(display_name, prefix.count("\n") + 1, exc.position - (prefix.rfind("\n") + 1) + 1)
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        return None, SourceMap(), [YamlProblem(where, f"YAML syntax: character U+{code:04X} is not allowed in YAML")]
    except yaml.YAMLError as exc:
        return None, SourceMap(), [YamlProblem(Position(display_name, 1, 1), f"YAML syntax: {exc}")]
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        return None, SourceMap(), []
    builder = _Builder(display_name, loader)
    try:
        data = builder.build(root, ())
    except AliasBombError as exc:
        return (
            None,
            SourceMap(),
            [
                YamlProblem(
                    _position(display_name, exc.node),
                    f"aliases of the value anchored here expand the file past {MAX_ALIAS_EXPANSION:,} values "
                    "(an alias bomb?); "
                    "write the values out or use fewer aliases",
                )
            ],
        )
    except TagError as exc:
        return None, SourceMap(), [YamlProblem(_position(display_name, exc.node), exc.message())]
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = Position(display_name, mark.line + 1, mark.column + 1) if mark else Position(display_name, 1, 1)
        return None, SourceMap(), [YamlProblem(where, f"YAML: {exc.problem}")]
    return data, builder.source_map, builder.problems
