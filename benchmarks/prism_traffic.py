"""Optional: the client's full traffic through Prism, the official spec's validating proxy.

The same run as tests/contract/test_full_traffic_conformance.py (`orctl apply` and `orctl plan` of
tests/contract/rich, then of a drifted copy, then the archived preset restored), sent through
`prism proxy` in front of the emulator on loopback, with the saved spec and the late-2026 overlay
(tests/emulator/spec_2026.py) written to a temporary file. Prism logs every request and answer
that breaks the spec; the script prints them and exits 1 if there is any. The Python check in the
suite is the one CI runs; this one needs Prism and is skipped (exit 0, with the reason) without it.

    npm install --prefix /tmp/prism @stoplight/prism-cli@5     # once, outside the repository
    PRISM=/tmp/prism/node_modules/.bin/prism python benchmarks/prism_traffic.py

The spec comes from $ORCTL_OPENAPI_SPEC or ../shared/reference/openrouter-openapi.yaml.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import yaml
from click.testing import CliRunner

from openrouter_iac.cli import main as orctl_main
from openrouter_iac.emulator import emulator_from_seed, start_server

REPO = Path(__file__).resolve().parents[1]
CONTRACT = REPO / "tests" / "contract"
VIOLATION = re.compile(r"violation", re.IGNORECASE)


def _module(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _skip(reason: str) -> None:
    print(f"skipped: {reason}")
    raise SystemExit(0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, proc: subprocess.Popen[str], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"prism exited early with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise SystemExit(f"prism did not listen on port {port} within {seconds:.0f} s")


def main() -> None:
    spec_path = Path(
        os.environ.get("ORCTL_OPENAPI_SPEC") or REPO.parent / "shared" / "reference" / "openrouter-openapi.yaml"
    )
    if not spec_path.is_file():
        _skip(f"no OpenRouter spec at {spec_path} (set ORCTL_OPENAPI_SPEC)")
    prism = os.environ.get("PRISM") or shutil.which("prism")
    if not prism:
        _skip("Prism not found: install @stoplight/prism-cli and set PRISM to its binary")
    overlay = _module(REPO / "tests" / "emulator" / "spec_2026.py", "orctl_spec_2026").overlay
    sys.path.insert(0, str(CONTRACT))
    traffic = _module(CONTRACT / "test_full_traffic_conformance.py", "orctl_full_traffic")

    emulator = emulator_from_seed(traffic.SEED)
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="orctl-prism-") as scratch, start_server(emulator) as server:
        work = Path(scratch)
        upstream = server.base_url  # Prism forwards /keys to <upstream>/keys
        document = overlay(
            yaml.load(spec_path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        )
        document["servers"] = [{"url": f"http://127.0.0.1:{port}"}]
        spec_file = work / "openapi.json"
        spec_file.write_text(json.dumps(document))
        log = (work / "prism.log").open("w+")
        proc = subprocess.Popen(
            [prism, "proxy", str(spec_file), upstream, "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_for(port, proc)
            config = work / "rich"
            shutil.copytree(CONTRACT / "rich", config)
            env = {
                "OPENROUTER_BASE_URL": f"http://127.0.0.1:{port}",
                "OPENROUTER_MANAGEMENT_KEY": emulator.management_key,
                "CI": "1",
                **traffic.ENV,
            }
            runner = CliRunner()

            def run(args: list[str], expected: int) -> str:
                result = runner.invoke(orctl_main, args, env=env)
                if result.exit_code != expected:
                    raise SystemExit(f"orctl {' '.join(args)} exited {result.exit_code}:\n{result.output}")
                return result.output

            previous = Path.cwd()
            os.chdir(work)
            try:
                apply = ["apply", "-c", str(config), "--auto-approve", "--allow-policy-violations"]
                plan = ["plan", "-c", str(config), "--detailed-exitcode"]
                run(apply, 0)
                run(plan, 0)
                traffic._edit(config, traffic.DRIFT)
                second = config / "20-second.yaml"
                second.write_text(second.read_text().split("  doomed:\n")[0])
                run([*apply, "--allow-destroy", "--allow-rotate"], 0)
                run(plan, 0)
                (config / "30-restored.yaml").write_text(traffic.RESTORED)
                run(apply, 0)
                run(plan, 0)
            finally:
                os.chdir(previous)
            log.flush()
            seen = os.fstat(log.fileno()).st_size  # the end of what orctl's run logged
            # Self-check: a request that breaks the spec (an empty name) must be flagged.
            with httpx.Client(base_url=env["OPENROUTER_BASE_URL"]) as client:
                client.post(
                    "/guardrails", json={"name": ""}, headers={"authorization": f"Bearer {emulator.management_key}"}
                )
            time.sleep(0.5)
            log.flush()
            log.seek(seen)
            flagged = any(VIOLATION.search(line) for line in log.read().splitlines())
            log.seek(seen)
            log.truncate()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            log.seek(0)
            lines = log.read().splitlines()
    requests = sum(1 for line in lines if "Request received" in line)
    violations = [line for line in lines if VIOLATION.search(line)]
    print(f"{requests} requests of orctl through Prism, {len(violations)} violation line(s)")
    print(f"self-check (a request with an empty name): {'flagged' if flagged else 'NOT flagged'}")
    for line in violations:
        print(line)
    raise SystemExit(1 if violations or requests == 0 or not flagged else 0)


if __name__ == "__main__":
    main()
