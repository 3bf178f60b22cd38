"""Every write request of the contract's full-traffic scenario, normalised, one per line.

The scenario of tests/contract/test_full_traffic_conformance.py (apply a rich config with every
kind, drift it, apply again with deletes, a rotation and an archive, restore a preset), applied
with --parallelism 1 so the order is fixed. Ids, key hashes, provisional-name nonces and the
lease marker's time, host and nonce are replaced by placeholders, JSON bodies are written with
sorted keys. Two runs of the same code print the same lines; so do two versions of orctl whose
writes are the same. To compare a refactoring with an earlier commit:

    git archive <commit> openrouter_iac | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old python benchmarks/write_traffic.py /tmp/old.txt
    python benchmarks/write_traffic.py /tmp/new.txt
    diff /tmp/old.txt /tmp/new.txt
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

CONTRACT = Path(__file__).resolve().parents[1] / "tests" / "contract"
sys.path.insert(0, str(CONTRACT))

import test_full_traffic_conformance as scenario  # noqa: E402

import openrouter_iac  # noqa: E402
from openrouter_iac.cli import main  # noqa: E402
from openrouter_iac.emulator import emulator_from_seed, start_server  # noqa: E402

PLACEHOLDERS = (
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<hash>"),
    (re.compile(r"orctl-pending [0-9a-f]+"), "orctl-pending <nonce>"),
    (re.compile(r"orctl-lease \d+ [0-9a-f]+"), "orctl-lease <until> <nonce>"),
    (re.compile(r"holds this account until [^.]*\."), "holds this account until <time> (<host>)."),
)


def normalised(request: httpx.Request) -> str:
    body = request.content.decode() if request.content else ""
    with contextlib.suppress(ValueError):  # not JSON: as sent
        body = json.dumps(json.loads(body), sort_keys=True)
    line = f"{request.method} {request.url.path}?{request.url.query.decode()} {body}".rstrip()
    for pattern, placeholder in PLACEHOLDERS:
        line = pattern.sub(placeholder, line)
    return line


def capture(workdir: Path) -> list[str]:
    config = workdir / "rich"
    shutil.copytree(scenario.RICH, config)  # sink paths are relative: secrets land in workdir
    lines: list[str] = []
    original = httpx.HTTPTransport.handle_request

    def recording(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            lines.append(normalised(request))
        return original(self, request)

    emulator = emulator_from_seed(scenario.SEED)
    apply = ["apply", "-c", str(config), "--auto-approve", "--allow-policy-violations", "--parallelism", "1"]
    plan = ["plan", "-c", str(config), "--detailed-exitcode"]
    with start_server(emulator) as server, pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx.HTTPTransport, "handle_request", recording)
        patch.chdir(workdir)
        patch.setenv("CI", "1")
        env = {"OPENROUTER_BASE_URL": server.base_url, "OPENROUTER_MANAGEMENT_KEY": emulator.management_key}
        runner = CliRunner()

        def run(args: list[str], expected: int) -> None:
            result = runner.invoke(main, args, env={**env, **scenario.ENV})
            if result.exit_code != expected:
                raise SystemExit(f"{' '.join(args[:1])} exited {result.exit_code}:\n{result.output}")
            lines.append(f"--- {args[0]}")

        run(apply, 0)
        run(plan, 0)
        scenario._edit(config, scenario.DRIFT)
        second = config / "20-second.yaml"
        second.write_text(second.read_text().split("  doomed:\n")[0])
        run([*apply, "--allow-destroy", "--allow-rotate"], 0)
        run(plan, 0)
        (config / "30-restored.yaml").write_text(scenario.RESTORED)
        run(apply, 0)
        run(plan, 0)
    return lines


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path, help="where the lines go")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="orctl-write-traffic-") as tmp:
        lines = capture(Path(tmp))
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} lines from {Path(openrouter_iac.__file__).parent} -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main_()
