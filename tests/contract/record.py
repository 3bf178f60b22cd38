"""Re-record the client's contract cassettes (tests/contract/cassettes/).

    .venv/bin/python tests/contract/record.py
        against a fresh emulator on loopback (no account needed);

    ORCTL_RECORD_BASE_URL=https://openrouter.ai/api/v1 OPENROUTER_MANAGEMENT_KEY=... \\
        .venv/bin/python tests/contract/record.py
        against a real sandbox organisation: every object is named `orctl-rec-<random>-...`
        and deleted again (each test deletes its own; a sweep by prefix removes leftovers).

The tests in test_contract_client.py run once in record mode into a scratch directory; the new
cassettes replace the old ones only if every test passed and the secret scan finds nothing.
Then the whole contract suite is replayed from them, as CI does. Exit status: pytest's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from contract_support import (  # noqa: E402
    BASE_URL_ENV,
    CASSETTE_DIR_ENV,
    CASSETTES,
    KEY_ENV,
    MODE_ENV,
    PREFIX_ENV,
    RECORDING_INFO,
    REPO_ROOT,
    header_findings,
    secret_findings,
)

from openrouter_iac.client import OpenRouterClient  # noqa: E402
from openrouter_iac.emulator import Emulator, start_server  # noqa: E402
from openrouter_iac.errors import OrctlError  # noqa: E402

EMULATOR_ID_SEED = 4  # stable ids in emulator recordings keep re-recorded diffs small


def sweep(base_url: str, key: str, prefix: str) -> list[str]:
    """Delete every key, guardrail and workspace whose name or slug starts with ``prefix``."""
    removed: list[str] = []
    with OpenRouterClient(base_url, key) as client:
        workspaces = client.list_all("/workspaces", resource="workspaces")
        for ws in workspaces:
            scoped = {"workspace_id": ws["id"]}
            keys = client.list_all("/keys", params={**scoped, "include_disabled": True}, resource="keys")
            for item in keys:
                if str(item.get("name", "")).startswith(prefix):
                    client.delete(f"/keys/{item['hash']}", resource=f"key {item['name']}")
                    removed.append(f"key {item['name']}")
            for item in client.list_all("/guardrails", params=scoped, resource="guardrails"):
                if str(item.get("name", "")).startswith(prefix):
                    client.delete(f"/guardrails/{item['id']}", resource=f"guardrail {item['name']}")
                    removed.append(f"guardrail {item['name']}")
        for ws in workspaces:
            if str(ws["slug"]).startswith(prefix):
                client.delete(f"/workspaces/{ws['id']}", resource=f"workspace {ws['slug']}")
                removed.append(f"workspace {ws['slug']}")
    return removed


def scan(directory: Path) -> list[str]:
    import yaml

    problems = []
    for path in sorted(directory.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        problems += [f"{path.name}: {finding}" for finding in secret_findings(text)]
        problems += [f"{path.name}: {finding}" for finding in header_findings(yaml.safe_load(text) or {})]
    return problems


def pytest(args: list[str], env: dict[str, str]) -> int:
    return subprocess.call(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args], env=env, cwd=REPO_ROOT
    )


def main() -> int:
    real_url, real_key = os.environ.get(BASE_URL_ENV), os.environ.get(KEY_ENV)
    prefix = f"orctl-rec-{secrets.token_hex(3)}"
    server = None
    if real_url and real_key:
        base_url, key, target = real_url.rstrip("/"), real_key, f"real API at {real_url.rstrip('/')}"
        print(f"Recording against {base_url}: objects are named {prefix}-* and deleted afterwards.")
    else:
        emulator = Emulator(id_seed=EMULATOR_ID_SEED)
        server = start_server(emulator)
        base_url, key, target = server.base_url, emulator.management_key, "emulator"
        print(f"Recording against the emulator at {base_url} (set {BASE_URL_ENV} and {KEY_ENV} for a real org).")
    scratch = Path(tempfile.mkdtemp(prefix="orctl-cassettes-"))
    env = {
        **os.environ,
        MODE_ENV: "record",
        BASE_URL_ENV: base_url,
        KEY_ENV: key,
        PREFIX_ENV: prefix,
        CASSETTE_DIR_ENV: str(scratch),
    }
    try:
        status = pytest([str(HERE / "test_contract_client.py"), "-p", "no:xdist"], env)
    finally:
        try:
            leftovers = sweep(base_url, key, prefix)
        except OrctlError as exc:
            print(f"Could not sweep objects named {prefix}-*: {exc}", file=sys.stderr)
        else:
            if leftovers:
                print(f"Removed {len(leftovers)} leftover object(s): {', '.join(leftovers)}")
        if server is not None:
            server.stop()
    if status != 0:
        shutil.rmtree(scratch, ignore_errors=True)
        print("Recording failed: the cassettes are unchanged.", file=sys.stderr)
        return status
    problems = scan(scratch)
    if problems:
        shutil.rmtree(scratch, ignore_errors=True)
        print("The new cassettes hold secrets; they were discarded:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    CASSETTES.mkdir(exist_ok=True)
    for old in CASSETTES.glob("*.yaml"):
        old.unlink()
    for new in sorted(scratch.glob("*.yaml")):
        shutil.move(str(new), CASSETTES / new.name)
    shutil.rmtree(scratch, ignore_errors=True)
    info = {"prefix": prefix, "recorded_against": target, "recorded_on": dt.date.today().isoformat()}
    (CASSETTES / RECORDING_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print(f"Recorded {len(list(CASSETTES.glob('*.yaml')))} cassettes; replaying them as CI does:")
    replay_env = {k: v for k, v in os.environ.items() if k not in (MODE_ENV, PREFIX_ENV, CASSETTE_DIR_ENV)}
    return pytest([str(HERE)], replay_env)


if __name__ == "__main__":
    raise SystemExit(main())
