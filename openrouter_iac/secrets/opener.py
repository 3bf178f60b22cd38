"""Open the sinks a config declares, each once, with relative paths from the config's directory."""

from __future__ import annotations

import threading
from pathlib import Path

from openrouter_iac.errors import OrctlError
from openrouter_iac.model.config import Config
from openrouter_iac.secrets.base import SecretSink
from openrouter_iac.secrets.factory import open_sink


class SinkCache:
    """``get(name)`` opens sink ``name`` of ``config`` on first use; relative paths start from
    ``base_dir`` (the config's directory, as documented), wherever orctl runs from."""

    def __init__(self, config: Config, base_dir: Path) -> None:
        self.config = config
        self.base_dir = base_dir
        self.opened: dict[str, SecretSink] = {}
        self._opening = threading.Lock()  # parallel apply workers: each sink is opened once

    def get(self, name: str) -> SecretSink:
        with self._opening:
            return self._get(name)

    def _get(self, name: str) -> SecretSink:
        if name not in self.opened:
            if name not in self.config.secret_sinks:
                raise OrctlError(f"secret sink {name!r} is not declared in secret_sinks")
            self.opened[name] = open_sink(name, self.config.secret_sinks[name], base_dir=self.base_dir)
        return self.opened[name]
