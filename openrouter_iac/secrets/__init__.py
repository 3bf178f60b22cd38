"""Secrets: handing new key secrets to sinks (never printing them) and resolving secret references.

Importing this package does not import ``keyring``; that happens only when a keyring is used.
"""

from openrouter_iac.secrets.base import KeyRef, SecretSink
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

__all__ = [
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
    "insecure_reason",
    "looks_like_secret_literal",
    "mask_for_ci",
    "open_sink",
    "parse_secret_ref",
    "resolve_secret_ref",
]
