"""Property-based: random configs, random out-of-band edits, random faults; apply keeps its promises.

A hypothesis rule-based state machine drives the CLI (`orctl apply`, `orctl plan`, in-process)
against one emulator. Invariants after every converged apply: the plan is empty, a second apply
writes nothing, nothing outside the managed workspaces changed, no two keys share a name, and
every live key's secret is in its sink file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from openrouter_iac.cli import apply_cmd, main, plan_cmd
from openrouter_iac.cli.session import ApiOptions, ApiSession
from openrouter_iac.client import OpenRouterClient
from openrouter_iac.emulator.app import IN_PROCESS_BASE_URL, Emulator
from openrouter_iac.emulator.faults import FaultConfig

WORKSPACES = ("pa", "pb")
NAMES = st.sampled_from([f"key-{i}" for i in range(8)])
SLUGS = st.sampled_from(WORKSPACES)


class ApplyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.emulator = Emulator()
        self.stack = ExitStack()
        self.dir = Path(self.stack.enter_context(tempfile.TemporaryDirectory(prefix="orctl-prop-")))
        self.stack.enter_context(mock.patch.object(apply_cmd, "api_session", self._session))
        self.stack.enter_context(mock.patch.object(plan_cmd, "api_session", self._session))
        self.stack.enter_context(mock.patch.dict(os.environ, {"GITHUB_ACTIONS": ""}))
        self.keys: dict[str, dict[str, dict[str, Any]]] = {slug: {} for slug in WORKSPACES}
        self.outside: dict[str, Any] = {}
        self.converged = False

    def teardown(self) -> None:
        self.stack.close()

    @contextmanager
    def _session(self, options: ApiOptions) -> Iterator[ApiSession]:
        transport = self.emulator.transport()
        client = OpenRouterClient(
            IN_PROCESS_BASE_URL, self.emulator.management_key, transport=transport, sleep=lambda _: None
        )
        with client:
            yield ApiSession(client, IN_PROCESS_BASE_URL, options.parallelism, transport)  # the default: 10

    # -- the config and the account -----------------------------------------------------------

    def _write_config(self) -> Path:
        lines = [
            "version: 1",
            "secret_sinks:",
            "  files: {type: file, path: 'secrets/{workspace}/{key}.key'}",
            "workspaces:",
        ]
        for slug, keys in self.keys.items():
            lines += [
                f"  {slug}:",
                f"    name: {slug}",
                "    prune: true",
                "    guardrails:",
                "      g0: {allowed_providers: [openai]}",
            ]
            lines.append("    keys:" if keys else "    keys: {}")
            lines += [
                f"      {name}: {json.dumps({**spec, 'secret_sink': 'files'})}" for name, spec in sorted(keys.items())
            ]
        path = self.dir / "orctl.yaml"
        path.write_text("\n".join(lines) + "\n")
        return path

    def _orctl(self, *args: str) -> Any:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    def _workspace_ids(self) -> dict[str, str]:
        status, body = self.emulator.call("GET", "/workspaces", query="limit=100")
        assert status == 200
        return {w["slug"]: w["id"] for w in body["data"]}

    def _live(self, slug: str) -> list[dict[str, Any]]:
        ids = self._workspace_ids()
        if slug not in ids:
            return []
        status, body = self.emulator.call("GET", "/keys", query=f"workspace_id={ids[slug]}&include_disabled=true")
        assert status == 200
        return list(body["data"])

    @initialize()
    def outside_scope(self) -> None:
        # A workspace orctl does not manage, with a key someone made by hand.
        status, body = self.emulator.call("POST", "/workspaces", {"name": "Theirs", "slug": "theirs"})
        assert status == 201
        status, _ = self.emulator.call("POST", "/keys", {"name": "hand-made", "workspace_id": body["data"]["id"]})
        assert status == 201
        self.outside = {"keys": self._live("theirs")}

    # -- config edits -------------------------------------------------------------------------

    @rule(slug=SLUGS, name=NAMES, limit=st.integers(1, 50))
    def declare_key(self, slug: str, name: str, limit: int) -> None:
        self.keys[slug].setdefault(name, {})["limit"] = limit
        self.converged = False

    @rule(slug=SLUGS, name=NAMES)
    def drop_key(self, slug: str, name: str) -> None:
        self.keys[slug].pop(name, None)
        self.converged = False

    @rule(slug=SLUGS, name=NAMES)
    def assign_guardrail(self, slug: str, name: str) -> None:
        if name in self.keys[slug]:
            self.keys[slug][name]["guardrail"] = "g0"
            self.converged = False

    # -- a person in the dashboard ----------------------------------------------------------

    @precondition(lambda self: self.converged)
    @rule(slug=SLUGS, data=st.data())
    def edit_out_of_band(self, slug: str, data: st.DataObject) -> None:
        live = [k for k in self._live(slug) if k["name"] in self.keys[slug]]
        if not live:
            return
        key = data.draw(st.sampled_from(live))
        action = data.draw(st.sampled_from(["limit", "delete", "disable"]))
        if action == "limit":
            self.emulator.call("PATCH", f"/keys/{key['hash']}", {"limit": 999})
        elif action == "delete":
            self.emulator.call("DELETE", f"/keys/{key['hash']}")
        else:
            self.emulator.call("PATCH", f"/keys/{key['hash']}", {"disabled": True})
        self.converged = False

    # -- apply under faults --------------------------------------------------------------------

    @rule(
        errors=st.sampled_from([0.0, 0.1]),
        drops=st.sampled_from([0.0, 0.1]),
        throttle=st.sampled_from([0.0, 0.1]),
        seed=st.integers(0, 10_000),
    )
    def apply(self, errors: float, drops: float, throttle: float, seed: int) -> None:
        config = self._write_config()
        self.emulator.faults.configure(
            FaultConfig.single(error_rate=errors, drop_rate=drops, throttle_rate=throttle, retry_after_s=0, seed=seed)
        )
        for _ in range(4):
            result = self._orctl("apply", "-c", str(config), "--auto-approve", "--allow-destroy")
            if result.exit_code == 0:
                break
        self.emulator.faults.configure(FaultConfig())
        if result.exit_code != 0:  # faults won every time: a clean apply must finish the job
            result = self._orctl("apply", "-c", str(config), "--auto-approve", "--allow-destroy")
        assert result.exit_code == 0, result.output
        writes = self.emulator.stats.writes
        again = self._orctl("apply", "-c", str(config), "--auto-approve", "--allow-destroy")
        assert again.exit_code == 0, again.output
        assert self.emulator.stats.writes == writes, "a second apply wrote"
        planned = self._orctl("plan", "-c", str(config), "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        self.converged = True

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def outside_scope_untouched(self) -> None:
        if self.outside:
            assert self._live("theirs") == self.outside["keys"]

    @invariant()
    def no_two_keys_share_a_name(self) -> None:
        for slug in WORKSPACES:
            names = [k["name"] for k in self._live(slug)]
            assert len(names) == len(set(names)), names

    @precondition(lambda self: self.converged)
    @invariant()
    def every_key_has_its_secret_in_its_sink(self) -> None:
        for slug in WORKSPACES:
            live = self._live(slug)
            assert sorted(k["name"] for k in live) == sorted(self.keys[slug])
            for key in live:
                sink = self.dir / "secrets" / slug / f"{key['name']}.key"
                assert sink.is_file(), sink
                assert hashlib.sha256(sink.read_text().strip().encode()).hexdigest() == key["hash"]


ApplyMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("ORCTL_PROPERTY_EXAMPLES", "15")),
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_apply_state_machine = ApplyMachine.TestCase
