"""Finding the `orctl ...` calls in shell snippets (workflow steps, hook entries) and checking each
against the real click command tree: the command exists, every flag exists, literal choices are valid."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

import click

from openrouter_iac.cli import main

_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")
_OPERATORS = frozenset({"|", "||", "&&", ";", "&", ">", ">>", "<", "(", ")", "2>", "<<<", "|&", ";;"})


@dataclass(frozen=True)
class Call:
    args: tuple[str, ...]
    where: str

    def __str__(self) -> str:
        return f"{self.where}: orctl {' '.join(self.args)}"


def orctl_calls(script: str, where: str) -> list[Call]:
    """Every `orctl` invocation in a shell script (line continuations joined, GitHub expressions
    replaced by a placeholder word)."""
    # Each line ends a command (here-documents and multi-line strings are not used around orctl).
    text = _EXPRESSION.sub("GHEXPR", script.replace("\\\n", " ")).replace("\n", " ;\n")
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    tokens = list(lexer)
    calls = []
    for index, token in enumerate(tokens):
        if token != "orctl" or (index > 0 and tokens[index - 1] not in _OPERATORS | {"!", "if", "then", "do"}):
            continue
        args = []
        for arg in tokens[index + 1 :]:
            if arg in _OPERATORS or set(arg) <= set("|&;<>()"):
                break
            args.append(arg)
        calls.append(Call(tuple(args), where))
    return calls


def subcommand(group: click.Group, name: str) -> click.Command | None:
    """A subcommand by name (orctl's top level loads its commands lazily, so ask, don't peek)."""
    with click.Context(group) as ctx:
        return group.get_command(ctx, name)


def subcommands(group: click.Group) -> list[str]:
    with click.Context(group) as ctx:
        return group.list_commands(ctx)


def problems_of(call: Call) -> list[str]:
    """What is wrong with a call ([] when the command and every flag exist)."""
    command: click.Command = main
    args = list(call.args)
    path: list[str] = []
    while isinstance(command, click.Group) and args and not args[0].startswith("-"):
        name = args.pop(0)
        sub = subcommand(command, name)
        if sub is None:
            return [f"{call}: no command {' '.join([*path, name])!r}"]
        path.append(name)
        command = sub
    if isinstance(command, click.Group) and not {"-h", "--help"} & set(args):
        return [f"{call}: {' '.join(path) or 'orctl'} needs a subcommand"]
    options: dict[str, click.Option] = {
        opt: p for p in command.params if isinstance(p, click.Option) for opt in p.opts if not p.hidden
    }
    found = []
    while args:
        arg = args.pop(0)
        if not arg.startswith("-") or arg == "-" or arg in ("-h", "--help"):
            continue
        name, _, inline = arg.partition("=")
        option = options.get(name)
        if option is None:
            found.append(f"{call}: orctl {' '.join(path)} has no option {name}")
            continue
        if option.is_flag or option.count:
            continue
        value = inline or (args.pop(0) if args else "")
        literal = "$" not in value and "GHEXPR" not in value
        if isinstance(option.type, click.Choice) and literal and value not in option.type.choices:
            found.append(f"{call}: {name} {value!r} is not one of {', '.join(map(str, option.type.choices))}")
    return found
