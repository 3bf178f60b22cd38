"""``serve``: run the emulator over HTTP until Ctrl-C/SIGTERM, saving state as it changes.

Shared by ``python -m openrouter_iac.emulator`` (argparse, below) and ``orctl emulator serve``
(click, in ``openrouter_iac/cli/emulator_cmd.py``); both build a :class:`ServeOptions`.
"""

from __future__ import annotations

import argparse
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
from openrouter_iac.emulator.faults import FaultConfig, FaultConfigError, FaultRule
from openrouter_iac.emulator.seed import SeedError, emulator_from_seed, load_seed_file
from openrouter_iac.emulator.server import is_loopback, start_server
from openrouter_iac.emulator.state import State, StateFileError

DEFAULT_SERVE_STATE = Path(".orctl/emulator-server.json")
DEFAULT_HOST = "127.0.0.1"


class ServeError(Exception):
    """A problem to report in one line, with exit status 2."""


@dataclass
class ServeOptions:
    host: str = DEFAULT_HOST
    host_explicit: bool = False
    port: int = 0
    state: Path | None = DEFAULT_SERVE_STATE  # None: in memory only
    seed: Path | None = None
    fresh: bool = False
    print_json: bool = False
    autosave_interval_s: float = 0.5
    faults: FaultConfig = field(default_factory=FaultConfig)


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
) -> FaultConfig:
    """Combine a ``--faults`` JSON file with the single rule the individual flags describe."""
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
    rules = base.rules + ((rule,) if rule != effects else ())
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


def build_emulator(options: ServeOptions) -> Emulator:
    if options.seed is not None:
        try:
            return emulator_from_seed(load_seed_file(options.seed), faults=options.faults)
        except SeedError as exc:
            raise ServeError(str(exc)) from exc
    if options.state is not None and options.state.exists() and not options.fresh:
        try:
            return Emulator(State.load(options.state), faults=options.faults)
        except StateFileError as exc:
            raise ServeError(f"{exc} (use --fresh to start over)") from exc
    return Emulator(faults=options.faults)


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
        "state_file": str(options.state) if options.state is not None else None,
        "pid": os.getpid(),
    }
    if options.print_json:
        out.write(json.dumps(info) + "\n")
    else:
        out.write(
            f"orctl emulator listening on {handle.base_url}\n"
            f"management key: {emulator.management_key}\n"
            f"admin (faults, stats): {handle.admin_url}\n"
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


# -- argparse front end (python -m openrouter_iac.emulator) -------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m openrouter_iac.emulator",
        description="Serve the OpenRouter management API emulator on loopback (same as `orctl emulator serve`).",
    )
    parser.add_argument("--host", default=None, help=f"address to bind (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free port (default)")
    parser.add_argument("--state", type=Path, default=DEFAULT_SERVE_STATE, help="state file (default %(default)s)")
    parser.add_argument("--ephemeral", action="store_true", help="keep state in memory only; save nothing")
    parser.add_argument("--seed", type=Path, default=None, help="start from this seed file (implies --fresh)")
    parser.add_argument("--fresh", action="store_true", help="ignore an existing state file; start a new account")
    parser.add_argument("--print-json", action="store_true", help="print one JSON line with the URLs and key")
    faults = parser.add_argument_group("faults")
    faults.add_argument("--faults", type=Path, default=None, help="JSON fault configuration file")
    faults.add_argument("--latency-ms", type=float, default=0.0)
    faults.add_argument("--throttle-rate", type=float, default=0.0, help="fraction answered 429")
    faults.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds on 429/503")
    faults.add_argument("--error-rate", type=float, default=0.0, help="fraction answered 500/502/503")
    faults.add_argument("--error-status", type=int, action="append", default=[], choices=[500, 502, 503])
    faults.add_argument("--drop-rate", type=float, default=0.0, help="fraction of writes committed then dropped")
    faults.add_argument("--drop-next", type=int, default=0, help="commit then drop the next N writes")
    faults.add_argument("--drop-nth", type=int, action="append", default=[], help="commit then drop the Nth write")
    faults.add_argument("--fault-method", action="append", default=[], help="only requests with this method")
    faults.add_argument("--fault-path", default=None, help="only paths with this prefix (after /api/v1)")
    faults.add_argument("--fault-operation", default=None, help='only this operation, e.g. "POST /keys"')
    faults.add_argument("--rps", type=float, default=None, help="requests per second before 429")
    faults.add_argument("--burst", type=int, default=None, help="token bucket size for --rps")
    faults.add_argument("--fault-seed", type=int, default=None, help="seed for random faults")
    return parser


def options_from_args(args: argparse.Namespace) -> ServeOptions:
    return ServeOptions(
        host=args.host or DEFAULT_HOST,
        host_explicit=args.host is not None,
        port=args.port,
        state=None if args.ephemeral else args.state,
        seed=args.seed,
        fresh=args.fresh or args.seed is not None,
        print_json=args.print_json,
        faults=fault_config_from_flags(
            faults_file=args.faults,
            latency_ms=args.latency_ms,
            throttle_rate=args.throttle_rate,
            retry_after=args.retry_after,
            error_rate=args.error_rate,
            error_statuses=args.error_status,
            drop_rate=args.drop_rate,
            drop_next=args.drop_next,
            drop_nth=args.drop_nth,
            methods=args.fault_method,
            path_prefix=args.fault_path,
            operation=args.fault_operation,
            rps=args.rps,
            burst=args.burst,
            seed=args.fault_seed,
        ),
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return serve(options_from_args(args))
    except ServeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
