"""Loading a config file or directory into a validated :class:`Config`, or every problem at once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from openrouter_iac.config.merge import Merger, dotted
from openrouter_iac.config.rules import check_advice, check_rules
from openrouter_iac.config.schema_errors import problems_from
from openrouter_iac.config.yaml_source import PathKey, Position, SourceMap, read_yaml
from openrouter_iac.errors import ConfigError
from openrouter_iac.gc_pause import paused_gc
from openrouter_iac.model.config import CONFIG_VERSION, Config

DEFAULT_LOCATIONS = ("orctl.yaml", "orctl.yml", "orctl")
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LoadedConfig:
    """A validated config, where it came from, and the position of every node."""

    config: Config
    source_map: SourceMap
    files: tuple[Path, ...]
    base_dir: Path
    """The config file's directory (or the config directory): relative `file:` secret references are
    resolved from it. Secret sink paths are relative to the current directory instead."""
    warnings: tuple[str, ...] = ()
    """What is worth saying but does not refuse the config (`file:line:col: path: reason`), e.g. a
    BYOK provider slug this orctl version does not know."""

    def position(self, path: PathKey) -> Position | None:
        """Where the node at ``path`` is declared: its mapping key (`intake-summarizer:`), or the
        item itself inside a list; for a path that is not in the files, its nearest ancestor."""
        return self.source_map.key_position(path)


def _display(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    # An absolute path outside the current directory reads better as given than as ../../..
    return str(path) if path.is_absolute() and relative.startswith("..") else relative


def resolve_location(location: Path | None, cwd: Path | None = None) -> Path:
    """The file or directory to load: ``location``, else `orctl.yaml` or `orctl/` in ``cwd``."""
    if location is not None:
        if not location.exists():
            raise ConfigError([f"{location}: no such file or directory"])
        return location
    here = cwd or Path.cwd()
    for name in DEFAULT_LOCATIONS:
        if (here / name).exists():
            return here / name
    raise ConfigError([f"no config found: pass -c PATH, or create orctl.yaml or an orctl/ directory in {here}"])


def config_files(location: Path) -> list[Path]:
    """The YAML files of a config: the file itself, or a directory's *.yaml/*.yml in name order."""
    if not location.is_dir():  # a file, or /dev/stdin, a pipe, `-c <(...)`
        return [location]
    # Not `is_file()`: a link whose target is gone must be reported, not silently left out.
    files = sorted(p for p in location.iterdir() if p.suffix in YAML_SUFFIXES and not p.is_dir())
    if not files:
        raise ConfigError([f"{_display(location)}: the directory holds no .yaml or .yml file"])
    return files


def _format(position: Position | None, path: PathKey, reason: str) -> tuple[Position, str]:
    where = position or Position("?", 0, 0)
    location = f"{dotted(path)}: " if path else ""
    return where, f"{where}: {location}{reason}"


def _value_at(data: Any, path: PathKey) -> Any:
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _problem_position(source_map: SourceMap, path: PathKey, about_key: bool, data: Any) -> Position | None:
    if about_key:
        return source_map.key_position(path)
    if path in source_map.values:
        if _value_at(data, path) is None and path in source_map.keys:
            # An empty value (`sandbox:` and nothing after it): its node sits after the colon.
            return source_map.keys[path]
        return source_map.values[path]
    # A path below the data (e.g. a missing key): point at the nearest node that exists.
    return source_map.key_position(path)


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__}"


@paused_gc()  # YAML nodes, values, positions and models: no cycles, yet the collector's passes were half the CPU
def load_config(location: Path | None = None) -> LoadedConfig:
    """Read, merge and validate a config. Raises :class:`ConfigError` listing every problem."""
    resolved = resolve_location(location)
    files = config_files(resolved)
    merger = Merger()
    found: list[tuple[Position, str]] = []
    for file in files:
        display = _display(file)
        try:
            data, source_map, yaml_problems = read_yaml(file, display)
        except OSError as exc:  # the error of a read() names no file
            found.append((Position(display, 0, 0), f"{display}: cannot read the file: {exc.strerror or exc}"))
            continue
        found.extend((p.position, f"{p.position}: {p.message}") for p in yaml_problems)
        if yaml_problems:
            continue
        if data is None:
            found.append(
                _format(Position(display, 1, 1), (), "the file is empty (expected a mapping with `version: 1`)")
            )
            continue
        if not isinstance(data, dict):
            found.append(
                _format(
                    source_map.value_position(()),
                    (),
                    f"the top level must be a mapping (`version: {CONFIG_VERSION}`, `workspaces:` ...), "
                    f"got {_describe(data)}",
                )
            )
            continue
        merger.add(data, source_map)
    found.extend(_format(position, path, reason) for position, path, reason in merger.problems)
    if found:
        raise ConfigError([text for _, text in sorted(found)])
    data = merger.data
    config: Config | None = None
    checks: list[tuple[PathKey, bool, str]] = check_rules(data, frozenset(merger.source_map.written_nulls))
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        checks = problems_from(exc, Config, data) + checks
    for path, about_key, reason in checks:
        found.append(_format(_problem_position(merger.source_map, path, about_key, data), path, reason))
    if found or config is None:
        unique = sorted(set(found))
        raise ConfigError([text for _, text in unique])
    base_dir = resolved if resolved.is_dir() else resolved.parent
    advice = sorted(
        _format(_problem_position(merger.source_map, path, about_key, data), path, reason)
        for path, about_key, reason in check_advice(data)
    )
    return LoadedConfig(config, merger.source_map, tuple(files), base_dir, tuple(text for _, text in advice))
