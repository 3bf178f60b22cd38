"""Turn a sink spec from the configuration into a working sink."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openrouter_iac.model.sinks import (
    AwsSecretsManagerSinkSpec,
    CommandSinkSpec,
    EnvFileSinkSpec,
    FileSinkSpec,
    KeyringSinkSpec,
    SecretSinkSpec,
)
from openrouter_iac.secrets.base import SecretSink
from openrouter_iac.secrets.command_sink import CommandSink
from openrouter_iac.secrets.env_file_sink import EnvFileSink
from openrouter_iac.secrets.file_sink import FileSink
from openrouter_iac.secrets.keyring_sink import KeyringSink


def open_sink(name: str, spec: SecretSinkSpec, *, base_dir: Path, env: Mapping[str, str] | None = None) -> SecretSink:
    """The sink ``name`` described by ``spec``. Relative paths are taken from ``base_dir``; ``env``
    (default: ``os.environ`` at run time) is what a command sink's program inherits, minus secrets.
    Nothing is touched until a method is called."""
    if isinstance(spec, KeyringSinkSpec):
        return KeyringSink(name, spec)
    if isinstance(spec, FileSinkSpec):
        return FileSink(name, spec, base_dir=base_dir)
    if isinstance(spec, CommandSinkSpec):
        return CommandSink(name, spec, base_dir=base_dir, env=env)
    if isinstance(spec, EnvFileSinkSpec):
        return EnvFileSink(name, spec, base_dir=base_dir)
    if isinstance(spec, AwsSecretsManagerSinkSpec):
        from openrouter_iac.secrets.aws_sink import AwsSecretsManagerSink  # boto3 only when used

        return AwsSecretsManagerSink(name, spec)
    raise TypeError(f"unknown secret sink spec {type(spec).__name__}")
