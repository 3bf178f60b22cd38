"""`python -m openrouter_iac.cli`: the same as the `orctl` command."""

from openrouter_iac.cli import main

main(prog_name="orctl")
