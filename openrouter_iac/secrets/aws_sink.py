"""The `aws-secrets-manager` sink: one AWS Secrets Manager secret per key, through boto3.

The secret string is the bare key secret, so consumers read it as they read any secret; the key
hash is the tag `orctl:key-hash`. boto3 is an optional extra (`openrouter-iac[aws]`), imported
only when this sink is used.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Sequence
from typing import Any

from openrouter_iac.model.sinks import AwsSecretsManagerSinkSpec
from openrouter_iac.secrets.base import BaseSink, KeyRef, expand

HASH_TAG = "orctl:key-hash"
_INSTALL_HINT = "install the AWS extra: pip install 'openrouter-iac[aws]'"
_CREDENTIALS_HINT = (
    "check the AWS credentials and region (AWS_PROFILE, AWS_REGION, or the sink's profile and region) "
    "and that they may use Secrets Manager"
)


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    error = response.get("Error", {}) if isinstance(response, dict) else {}
    return str(error.get("Code", "")) if isinstance(error, dict) else ""


class AwsSecretsManagerSink(BaseSink):
    """Creates the secret on first use, then adds a new version for each new key secret."""

    kind = "aws-secrets-manager"
    readable = True

    def __init__(self, name: str, spec: AwsSecretsManagerSinkSpec) -> None:
        super().__init__(name)
        self.spec = spec
        self._client: Any = None
        self._opening = threading.Lock()  # parallel key creates: one client, made once

    def secret_name(self, ref: KeyRef) -> str:
        for part in (ref.workspace, ref.key):
            if part in ("", ".", ".."):
                raise self.error(ref, f"the name {part!r} cannot be used in a secret name")
        return expand(self.spec.secret_name, ref)

    def client(self, refs: KeyRef | Sequence[KeyRef] | None = None) -> Any:
        with self._opening:
            return self._open_client(refs)

    def _open_client(self, refs: KeyRef | Sequence[KeyRef] | None) -> Any:
        if self._client is None:
            try:
                import boto3
            except ImportError:
                raise self.error(refs, "boto3 is not installed", hint=_INSTALL_HINT, refused=True) from None
            try:
                session = boto3.session.Session(profile_name=self.spec.profile, region_name=self.spec.region)
                self._client = session.client("secretsmanager", endpoint_url=self.spec.endpoint_url)
            except Exception as exc:
                raise self._failure(refs, "open a Secrets Manager client", exc, refused=True) from None
        return self._client

    def _failure(
        self, refs: KeyRef | Sequence[KeyRef] | None, what: str, exc: Exception, *, refused: bool = False
    ) -> Exception:
        code = _code(exc) or type(exc).__name__
        # botocore's messages name the secret and the operation, never the secret string.
        return self.error(refs, f"could not {what}: {code}: {exc}", hint=_CREDENTIALS_HINT, refused=refused)

    def check_usable(self, refs: Sequence[KeyRef]) -> None:
        owners: dict[str, KeyRef] = {}
        for ref in refs:
            owner = owners.setdefault(self.secret_name(ref), ref)
            if owner != ref:
                raise self.error(
                    [owner, ref],
                    f"both keys would be stored in the same secret {self.secret_name(ref)}",
                    hint="put {key} (and {workspace} if keys span workspaces) in `secret_name`",
                )
        try:
            self.client(refs).list_secrets(MaxResults=1)
        except Exception as exc:
            raise self._failure(list(refs), "reach Secrets Manager", exc) from None

    def store(self, ref: KeyRef, key_hash: str, secret: str, *, expires_at: str | None = None) -> None:
        self.require_secret(ref, secret)
        client, name = self.client(ref), self.secret_name(ref)
        stored = False
        try:
            existing = self._describe(client, name)
            if existing is None:
                extra = {"KmsKeyId": self.spec.kms_key_id} if self.spec.kms_key_id else {}
                client.create_secret(
                    Name=name,
                    SecretString=secret,
                    Description=f"OpenRouter API key {ref} (managed by orctl)",
                    Tags=[{"Key": HASH_TAG, "Value": key_hash}],
                    **extra,
                )
            else:
                if existing.get("DeletedDate"):
                    client.restore_secret(SecretId=name)  # a key deleted and declared again
                # The old tag first: a stale hash must never appear to describe the new secret.
                client.untag_resource(SecretId=name, TagKeys=[HASH_TAG])
                client.put_secret_value(SecretId=name, SecretString=secret)
            stored = True
            client.tag_resource(SecretId=name, Tags=[{"Key": HASH_TAG, "Value": key_hash}])
        except Exception as exc:
            # Refused only when AWS answered with an error before the value was written; a lost
            # connection or a timeout may have stored it.
            refused = not stored and bool(_code(exc))
            raise self._failure(ref, f"store the secret in {name}", exc, refused=refused) from None

    @staticmethod
    def _describe(client: Any, name: str) -> dict[str, Any] | None:
        try:
            described: dict[str, Any] = client.describe_secret(SecretId=name)
        except Exception as exc:
            if _code(exc) == "ResourceNotFoundException":
                return None
            raise
        return described

    def verify(self, ref: KeyRef, key_hash: str, secret: str) -> None:
        stored = self.read_secret(ref)
        if stored is None or not hmac.compare_digest(stored.encode(), secret.encode()):
            raise self.error(ref, f"{self.secret_name(ref)} does not hold the secret just stored", secret=secret)
        if self.recorded_hash(ref) != key_hash:
            raise self.error(ref, f"{self.secret_name(ref)} is not tagged {HASH_TAG}={key_hash}", secret=secret)

    def read_secret(self, ref: KeyRef) -> str | None:
        name = self.secret_name(ref)
        try:
            value = self.client(ref).get_secret_value(SecretId=name).get("SecretString")
        except Exception as exc:
            if _code(exc) in ("ResourceNotFoundException", "InvalidRequestException"):
                return None  # absent, or scheduled for deletion
            raise self._failure(ref, f"read {name}", exc) from None
        return value if isinstance(value, str) and value else None

    def recorded_hash(self, ref: KeyRef) -> str | None:
        name = self.secret_name(ref)
        try:
            described = self._describe(self.client(ref), name)
        except Exception as exc:
            raise self._failure(ref, f"describe {name}", exc) from None
        if described is None or described.get("DeletedDate"):
            return None
        tags = {t.get("Key"): t.get("Value") for t in described.get("Tags") or []}
        value = tags.get(HASH_TAG)
        return value if isinstance(value, str) and value else None

    def remove(self, ref: KeyRef) -> bool:
        name = self.secret_name(ref)
        window = self.spec.recovery_window_days
        options: dict[str, Any] = (
            {"ForceDeleteWithoutRecovery": True} if window == 0 else {"RecoveryWindowInDays": window}
        )
        try:
            self.client(ref).delete_secret(SecretId=name, **options)
        except Exception as exc:
            if _code(exc) in ("ResourceNotFoundException", "InvalidRequestException"):
                return True  # absent, or already scheduled for deletion
            raise self._failure(ref, f"delete {name}", exc) from None
        return True

    def location(self, ref: KeyRef) -> str:
        return f"AWS secret {self.secret_name(ref)}"
