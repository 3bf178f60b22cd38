"""orctl: an OpenRouter account declared as code (plan, apply, drift), with a local emulator."""

__version__ = "0.1.0"
