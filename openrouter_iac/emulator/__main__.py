"""``python -m openrouter_iac.emulator``: serve the emulator (see ``runner.build_parser``)."""

from openrouter_iac.emulator.runner import main

raise SystemExit(main())
