"""The top-level commands, in the order `orctl --help` lists them. Add one line per command.

Each line: name -> ("module:attribute", one-line help for `orctl --help`). A command's module is
imported only when that command runs, so its imports never slow down the others; the help line
must equal the first sentence of the command's docstring (tests/cli checks it).
"""

from __future__ import annotations

# fmt: off
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("openrouter_iac.cli.config_cmds:validate", "Check a config without calling the API."),
    "lint": ("openrouter_iac.cli.lint_cmd:lint_command", "Check the config against the policy rules: caps, one key per behavior, risk flags, guardrails."),  # noqa: E501
    "explain": ("openrouter_iac.cli.explain_cmd:explain", "Show the effective policy of a key or a workspace from every layer that applies."),  # noqa: E501
    "plan": ("openrouter_iac.cli.plan_cmd:plan", "Show what `orctl apply` would change in the account."),
    "apply": ("openrouter_iac.cli.apply_cmd:apply", "Make the account match the config (or apply a saved PLANFILE from `orctl plan --out`)."),  # noqa: E501
    "drift": ("openrouter_iac.cli.drift_cmd:drift", "Report how the account differs from the config, without changing anything."),  # noqa: E501
    "export": ("openrouter_iac.cli.export_cmd:export", "Write the live account as orctl YAML: one file per workspace and one for organization settings."),  # noqa: E501
    "show": ("openrouter_iac.cli.show_cmd:show", "Show a saved plan (from `orctl plan --out PLANFILE`)."),
    "graph": ("openrouter_iac.cli.graph_cmd:graph", "Draw the account's hierarchy: organization, workspaces, guardrails, keys, presets."),  # noqa: E501
    "schema": ("openrouter_iac.cli.config_cmds:schema", "Print the JSON Schema of the config language (draft-07, for yaml-language-server)."),  # noqa: E501
    "auth": ("openrouter_iac.cli.auth_cmd:auth", "Store, inspect and remove the management key orctl uses."),
    "emulator": ("openrouter_iac.emulator.cli:emulator", "Run a local emulator of the OpenRouter management API."),
}
# fmt: on
