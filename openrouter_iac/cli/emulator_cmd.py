"""`orctl emulator`: defined in the emulator package, which needs nothing else from orctl."""

from openrouter_iac.emulator.cli import emulator

__all__ = ["emulator"]
