"""The native AWS Secrets Manager sink against moto in server mode on loopback (real boto3, real HTTP)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from secrets_support import KEY_HASH, PLAIN_SECRET, SECRET

pytest.importorskip("boto3")
from moto.server import ThreadedMotoServer

from openrouter_iac.errors import SinkError
from openrouter_iac.model.sinks import AwsSecretsManagerSinkSpec
from openrouter_iac.secrets import KeyRef, open_sink
from openrouter_iac.secrets.aws_sink import HASH_TAG, AwsSecretsManagerSink

REF = KeyRef("prod-eu", "ci-bot")
ORCTL = str(Path(sys.executable).parent / "orctl")
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def sink(url: str, **spec: Any) -> AwsSecretsManagerSink:
    model = AwsSecretsManagerSinkSpec.model_validate({"type": "aws-secrets-manager", "endpoint_url": url, **spec})
    opened = open_sink("aws", model, base_dir=Path.cwd())
    assert isinstance(opened, AwsSecretsManagerSink)
    return opened


def test_store_read_back_and_replace(moto_url: str, aws_env: None) -> None:
    s = sink(moto_url, secret_name="unit/{workspace}/{key}")
    s.check_usable([REF])
    assert s.readable and s.read_secret(REF) is None and s.recorded_hash(REF) is None
    s.store(REF, KEY_HASH, PLAIN_SECRET, expires_at=None)
    s.verify(REF, KEY_HASH, PLAIN_SECRET)
    assert s.read_secret(REF) == PLAIN_SECRET and s.recorded_hash(REF) == KEY_HASH
    assert s.location(REF) == "AWS secret unit/prod-eu/ci-bot"
    # A rotation adds a version and moves the tag.
    s.store(REF, "b" * 64, SECRET)
    assert s.read_secret(REF) == SECRET and s.recorded_hash(REF) == "b" * 64
    with pytest.raises(SinkError, match=f"is not tagged {HASH_TAG}") as caught:
        s.verify(REF, KEY_HASH, SECRET)
    assert SECRET not in str(caught.value)
    # Deleted with a recovery window, then brought back when the key is declared again.
    assert s.remove(REF) is True
    assert s.read_secret(REF) is None and s.recorded_hash(REF) is None
    assert s.remove(REF) is True  # already scheduled: fine
    s.store(REF, KEY_HASH, PLAIN_SECRET)
    assert s.read_secret(REF) == PLAIN_SECRET


def test_shared_secret_name_is_refused(moto_url: str, aws_env: None) -> None:
    with pytest.raises(SinkError, match="same secret"):
        sink(moto_url, secret_name="all-keys").check_usable([REF, KeyRef("prod-eu", "web")])


def test_unreachable_endpoint_fails_before_any_write(aws_env: None) -> None:
    s = sink("http://127.0.0.1:9", secret_name="x/{key}")  # nothing listens on the discard port
    with pytest.raises(SinkError, match="could not reach Secrets Manager") as caught:
        s.check_usable([REF])
    assert "check the AWS credentials" in str(caught.value)


def test_orctl_apply_stores_in_aws_and_plan_accepts_it(moto_url: str, aws_env: None, tmp_path: Path) -> None:
    import boto3

    config_dir = tmp_path / "cfg"
    config_dir.mkdir()
    config = {
        "version": 1,
        "secret_sinks": {"aws": {"type": "aws-secrets-manager", "endpoint_url": moto_url, "region": "eu-west-1"}},
        "workspaces": {"sandbox": {"name": "Sandbox", "keys": {"ci-bot": {"secret_sink": "aws", "limit": 2}}}},
    }
    (config_dir / "orctl.yaml").write_text(yaml.safe_dump(config))
    env = {**os.environ, **AWS_ENV}
    env.pop("GITHUB_ACTIONS", None)
    base = [ORCTL, "-c", str(config_dir), "--emulator", "--emulator-state", str(tmp_path / "emu.json")]

    def run(command: str, *args: str) -> subprocess.CompletedProcess[str]:
        argv = [base[0], command, *base[1:], *args]
        return subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    applied = run("apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    client = boto3.client("secretsmanager", endpoint_url=moto_url, region_name="eu-west-1")
    secret = client.get_secret_value(SecretId="orctl/sandbox/ci-bot")["SecretString"]
    tags = {t["Key"]: t["Value"] for t in client.describe_secret(SecretId="orctl/sandbox/ci-bot")["Tags"]}
    assert secret.startswith("sk-or-v1-")
    assert tags[HASH_TAG] == hashlib.sha256(secret.encode()).hexdigest()  # the emulator's hash of the secret
    assert secret not in applied.stdout + applied.stderr
    planned = run("plan", "--detailed-exitcode")
    assert planned.returncode == 0, planned.stdout + planned.stderr
