"""``serve``: run the emulator over HTTP until Ctrl-C/SIGTERM, saving state as it changes.

The click command in ``cli.py`` (``orctl emulator serve`` and ``python -m openrouter_iac.emulator``)
turns its flags into a :class:`ServeOptions`.
"""

from __future__ import annotations

import difflib
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from openrouter_iac.emulator.app import Emulator
from openrouter_iac.emulator.cli import SERVE_STATE_DEFAULT
from openrouter_iac.emulator.faults import FaultConfig, FaultConfigError, FaultRule
from openrouter_iac.emulator.routes import build_router
from openrouter_iac.emulator.seed import SeedError, emulator_from_seed, load_seed_file
from openrouter_iac.emulator.server import is_loopback, start_server
from openrouter_iac.emulator.state import State, StateFileError

DEFAULT_HOST = "127.0.0.1"


class ServeError(Exception):
    """A problem to report in one line, with exit status 1."""


@dataclass
class ServeOptions:
    host: str = DEFAULT_HOST
    host_explicit: bool = False
    port: int = 0
    state: Path | None = SERVE_STATE_DEFAULT  # None: in memory only
    seed: Path | None = None
    fresh: bool = False
    print_json: bool = False
    read_only_key: bool = False  # also issue (and print) a read-only management key
    autosave_interval_s: float = 0.5
    faults: FaultConfig = field(default_factory=FaultConfig)
    id_seed: int | None = None  # reproducible ids and secrets (a deterministic soak)


def fault_config_from_flags(
    *,
    faults_file: Path | None = None,
    latency_ms: float = 0.0,
    throttle_rate: float = 0.0,
    retry_after: int = 1,
    error_rate: float = 0.0,
    error_statuses: Sequence[int] = (),
    drop_rate: float = 0.0,
    drop_next: int = 0,
    drop_nth: Sequence[int] = (),
    methods: Sequence[str] = (),
    path_prefix: str | None = None,
    operation: str | None = None,
    rps: float | None = None,
    burst: int | None = None,
    seed: int | None = None,
    forbid: Sequence[str] = (),
) -> FaultConfig:
    """Combine a ``--faults`` JSON file with the single rule the individual flags describe, and
    one 403 rule per ``--forbid`` operation."""
    base = FaultConfig()
    if faults_file is not None:
        try:
            base = FaultConfig.from_json(json.loads(faults_file.read_text(encoding="utf-8")))
        except OSError as exc:
            raise ServeError(f"cannot read fault file {faults_file}: {exc.strerror}") from exc
        except (ValueError, FaultConfigError) as exc:
            raise ServeError(f"fault file {faults_file}: {exc}") from exc
    rule = FaultRule(
        methods=frozenset(m.upper() for m in methods) or None,
        path_prefix=path_prefix,
        operation=operation,
        latency_ms=latency_ms,
        throttle_rate=throttle_rate,
        retry_after_s=retry_after,
        error_rate=error_rate,
        error_statuses=tuple(error_statuses) or (500, 502, 503),
        drop_rate=drop_rate,
        drop_next=drop_next,
        drop_nth=tuple(drop_nth),
    )
    effects = FaultRule(methods=rule.methods, path_prefix=rule.path_prefix, operation=rule.operation)
    rules = base.rules + ((rule,) if rule != effects else ()) + tuple(_forbidding(op) for op in forbid)
    config = FaultConfig(
        rules=rules,
        rps_limit=rps if rps is not None else base.rps_limit,
        burst=burst if burst is not None else base.burst,
        seed=seed if seed is not None else base.seed,
    )
    try:
        config.validate()
    except FaultConfigError as exc:
        raise ServeError(str(exc)) from exc
    return config


def _forbidding(text: str) -> FaultRule:
    """A rule answering 403 to one operation, ``"GET /byok"`` (the method in any case)."""
    method, _, template = text.strip().partition(" ")
    operation = f"{method.upper()} {template.strip()}"
    known = {route.operation for route in build_router().routes}
    if operation not in known:
        near = difflib.get_close_matches(operation, sorted(known), n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise ServeError(f"--forbid {text!r}: no such operation{hint}; write it as 'GET /byok'")
    return FaultRule(operation=operation, forbid=True)


def build_emulator(options: ServeOptions) -> Emulator:
    if options.seed is not None:
        try:
            emulator = emulator_from_seed(load_seed_file(options.seed), id_seed=options.id_seed)
        except SeedError as exc:
            raise ServeError(str(exc)) from exc
        emulator.faults.configure(options.faults)  # after the seed, which is written through the API
        return emulator
    if options.state is not None and options.state.exists() and not options.fresh:
        try:
            return Emulator(State.load(options.state), faults=options.faults, id_seed=options.id_seed)
        except StateFileError as exc:
            raise ServeError(f"{exc} (use --fresh to start over)") from exc
    return Emulator(faults=options.faults, id_seed=options.id_seed)


def serve(
    options: ServeOptions,
    *,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    stop: threading.Event | None = None,
) -> int:
    """Serve until SIGINT/SIGTERM (or until ``stop`` is set, for callers running this in a thread)."""
    if not is_loopback(options.host):
        if not options.host_explicit:
            raise ServeError(f"refusing to bind the emulator to non-loopback address {options.host}")
        print(
            f"warning: the emulator will listen on {options.host}, reachable from other machines; "
            "it has no real security",
            file=err,
        )
    emulator = build_emulator(options)
    read_only = emulator.issue_management_key("read-only", read_only=True) if options.read_only_key else None
    if options.state is not None:
        emulator.save(options.state)
    try:
        handle = start_server(emulator, options.host, options.port, allow_non_loopback=True)
    except OSError as exc:
        raise ServeError(f"cannot listen on {options.host}:{options.port}: {exc.strerror}") from exc
    stop = stop or threading.Event()
    _install_signal_handlers(stop)
    info = {
        "base_url": handle.base_url,
        "management_key": emulator.management_key,
        "admin_url": handle.admin_url,
        **({"read_only_management_key": read_only} if read_only else {}),
        "state_file": str(options.state) if options.state is not None else None,
        "pid": os.getpid(),
    }
    if options.print_json:
        out.write(json.dumps(info) + "\n")
    else:
        out.write(
            f"orctl emulator listening on {handle.base_url}\n"
            f"management key: {emulator.management_key}\n"
            + (f"read-only management key: {read_only}\n" if read_only else "")
            + f"admin (faults, stats): {handle.admin_url}\n"
            f"state: {info['state_file'] or 'in memory only'}\n"
            "Press Ctrl-C to stop.\n"
        )
    out.flush()
    saved = emulator.revision
    try:
        while not stop.wait(options.autosave_interval_s):
            if options.state is not None and emulator.revision != saved:
                saved = emulator.save(options.state)
    except KeyboardInterrupt:
        pass
    finally:
        handle.stop()
        if options.state is not None:
            emulator.save(options.state)
    return 0


def _install_signal_handlers(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return

    def _stop(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
