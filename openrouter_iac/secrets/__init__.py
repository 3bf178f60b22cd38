"""Secrets: handing new key secrets to sinks (never printing them) and resolving secret references.

Names are loaded on first use: the config loader needs only the parsing of references, so
`orctl validate` does not pay for the sinks (subprocess, file locking). Importing this package
never imports ``keyring``; that happens only when a keyring is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openrouter_iac.secrets.aws_sink import AwsSecretsManagerSink
    from openrouter_iac.secrets.base import KeyRef, SecretSink, SinkRefused
    from openrouter_iac.secrets.command_sink import CommandSink
    from openrouter_iac.secrets.env_file_sink import EnvFileSink
    from openrouter_iac.secrets.factory import open_sink
    from openrouter_iac.secrets.file_sink import FileSink
    from openrouter_iac.secrets.keyring_sink import KeyringSink, insecure_reason
    from openrouter_iac.secrets.masking import mask_for_ci
    from openrouter_iac.secrets.refs import (
        EnvRef,
        FileRef,
        KeyringRef,
        SecretRef,
        looks_like_secret_literal,
        parse_secret_ref,
        resolve_secret_ref,
    )

_HOME = {
    "AwsSecretsManagerSink": "aws_sink",
    "KeyRef": "base",
    "SecretSink": "base",
    "SinkRefused": "base",
    "CommandSink": "command_sink",
    "EnvFileSink": "env_file_sink",
    "open_sink": "factory",
    "FileSink": "file_sink",
    "KeyringSink": "keyring_sink",
    "insecure_reason": "keyring_sink",
    "mask_for_ci": "masking",
    "EnvRef": "refs",
    "FileRef": "refs",
    "KeyringRef": "refs",
    "SecretRef": "refs",
    "looks_like_secret_literal": "refs",
    "parse_secret_ref": "refs",
    "resolve_secret_ref": "refs",
}

__all__ = [
    "AwsSecretsManagerSink",
    "CommandSink",
    "EnvFileSink",
    "EnvRef",
    "FileRef",
    "FileSink",
    "KeyRef",
    "KeyringRef",
    "KeyringSink",
    "SecretRef",
    "SecretSink",
    "SinkRefused",
    "insecure_reason",
    "looks_like_secret_literal",
    "mask_for_ci",
    "open_sink",
    "parse_secret_ref",
    "resolve_secret_ref",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
