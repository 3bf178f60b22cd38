"""``python -m openrouter_iac.emulator``: the same as `orctl emulator serve`."""

from openrouter_iac.emulator.cli import serve

serve(prog_name="python -m openrouter_iac.emulator")
