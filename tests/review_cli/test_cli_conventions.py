"""Conventions across every command: `--output` is a format, `--out`/`-o` a file, and every
command's help ends with examples to copy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from orctl_calls import subcommand, subcommands
from review_support import orctl

from openrouter_iac.cli import main


def leaf_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name in subcommands(group):
        command = subcommand(group, name)
        assert command is not None
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        found = subcommand(command, name)
        assert found is not None
        command = found
    return command


@pytest.mark.parametrize("path", list(leaf_commands()), ids=" ".join)
def test_every_command_help_has_examples(path: tuple[str, ...]) -> None:
    result = orctl(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Example" in result.stdout, f"`orctl {' '.join(path)} --help` shows no example"
    # Each example is a runnable orctl line.
    after = result.stdout.split("Example", 1)[1]
    assert f"orctl {' '.join(path)}" in after


def all_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and every group, `orctl` itself included."""
    yield prefix
    for name in subcommands(group):
        command = subcommand(group, name)
        assert command is not None
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


@pytest.mark.parametrize("path", list(all_commands()), ids=lambda path: " ".join(("orctl", *path)))
def test_every_help_lists_its_examples_one_per_line(path: tuple[str, ...]) -> None:
    result = orctl(*path, "--help")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() in ("Example:", "Examples:")]
    assert starts, f"`orctl {' '.join(path)} --help` has no 'Examples:' heading on a line of its own"
    indent = len(lines[starts[-1]]) - len(lines[starts[-1]].lstrip())
    examples = []
    for line in lines[starts[-1] + 1 :]:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        if line.strip():
            examples.append(line.strip())
    assert examples, f"`orctl {' '.join(path)} --help`: nothing under 'Examples:'"
    # Not re-wrapped into a paragraph: each example is one command line to copy.
    assert all("orctl " in line for line in examples), examples
    assert any(" ".join(("orctl", *path)) in line for line in examples), examples


@pytest.mark.parametrize("path", list(leaf_commands()), ids=" ".join)
def test_output_is_a_format_and_out_is_a_file(path: tuple[str, ...]) -> None:
    for param in command_at(path).params:
        if not isinstance(param, click.Option) or param.hidden:
            continue
        if "--output" in param.opts:
            assert isinstance(param.type, click.Choice), f"orctl {' '.join(path)} --output must be a format"
        if "--out" in param.opts or "-o" in param.opts:
            assert isinstance(param.type, click.Path), f"orctl {' '.join(path)} --out/-o must be a file"
            assert set(param.opts) == {"-o", "--out"}


def test_schema_out_writes_the_file(tmp_path: Path) -> None:
    for flag in ("-o", "--out"):
        target = tmp_path / f"schema{flag}.json"
        result = orctl("schema", flag, target)
        assert result.exit_code == 0, result.output
        assert target.read_text(encoding="utf-8") == orctl("schema").stdout


def test_schema_output_file_still_works_but_says_it_is_deprecated(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    result = orctl("schema", "--output", target)
    assert result.exit_code == 0, result.output
    assert result.stderr == "Warning: `orctl schema --output FILE` is deprecated; use --out/-o FILE\n"
    assert target.read_text(encoding="utf-8") == orctl("schema").stdout
    assert "--output" not in orctl("schema", "--help").stdout
