"""`orctl emulator`: run the local OpenRouter management API emulator.

It lives in the emulator package (it needs only click and the emulator), so `orctl emulator serve`
and `python -m openrouter_iac.emulator` are one command with one set of flags. The emulator's
modules are imported lazily so other orctl commands do not pay for them.
"""

from __future__ import annotations

from pathlib import Path

import click

SERVE_STATE_DEFAULT = Path(".orctl/emulator-server.json")  # apart from --emulator's file, so they never clash
_EMBEDDED_DEFAULT = Path(".orctl/emulator.json")


@click.group(
    "emulator",
    epilog="\b\nExamples:\n  orctl emulator serve --port 8080\n"
    "  orctl emulator init --seed examples/emulator-seeds/messy-account.json --force",
)
def emulator() -> None:
    """Run a local emulator of the OpenRouter management API.

    `orctl emulator serve` answers HTTP on loopback (point orctl at it with its base URL and
    the printed management key). Commands given --emulator use an embedded emulator whose
    account lives in .orctl/emulator.json instead; `orctl emulator init` prepares that file.
    """


@emulator.command("serve")
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1; others need this flag).")
@click.option("--port", type=int, default=0, show_default=True, help="Port to bind; 0 picks a free port.")
@click.option("--state", type=click.Path(path_type=Path, dir_okay=False), default=SERVE_STATE_DEFAULT,
              show_default=True, help="State file, saved as the account changes and on exit.")  # fmt: skip
@click.option("--ephemeral", is_flag=True, help="Keep the account in memory only; save nothing.")
@click.option("--seed", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="Start from this seed file (implies --fresh).")  # fmt: skip
@click.option("--fresh", is_flag=True, help="Ignore an existing state file and start a new account.")
@click.option("--print-json", is_flag=True, help="Print one JSON line: base_url, management_key, admin_url.")
@click.option("--read-only-key", is_flag=True,
              help="Also issue and print a read-only management key (reads work, writes get 403).")  # fmt: skip
@click.option("--faults", "faults_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              default=None, help="JSON fault configuration (see the emulator README).")  # fmt: skip
@click.option("--latency-ms", type=float, default=0.0, help="Latency added to matching requests.")
@click.option("--throttle-rate", type=float, default=0.0, help="Fraction of matching requests answered 429.")
@click.option("--retry-after", type=int, default=1, help="Retry-After seconds on injected 429/503.")
@click.option("--error-rate", type=float, default=0.0, help="Fraction answered 500/502/503.")
@click.option("--error-status", type=click.Choice(["500", "502", "503"]), multiple=True,
              help="Statuses for --error-rate (repeatable; default all three).")  # fmt: skip
@click.option("--drop-rate", type=float, default=0.0, help="Fraction of writes committed, then the reply dropped.")
@click.option("--drop-next", type=int, default=0, help="Commit, then drop the reply of the next N writes.")
@click.option("--drop-nth", type=int, multiple=True, help="Commit, then drop the reply of the Nth write (repeatable).")
@click.option("--fault-method", multiple=True, help="Faults apply only to this method (repeatable).")
@click.option("--fault-path", default=None, help="Faults apply only to paths with this prefix after /api/v1.")
@click.option("--fault-operation", default=None, help='Faults apply only to this operation, e.g. "POST /keys".')
@click.option("--rps", type=float, default=None, help="Requests per second allowed before 429 (token bucket).")
@click.option("--burst", type=int, default=None, help="Token bucket size for --rps.")
@click.option("--fault-seed", type=int, default=None, help="Seed for random faults (reproducible runs).")
@click.option("--forbid", "forbid", multiple=True, metavar="OPERATION",
              help='Answer 403 to this operation, e.g. "GET /byok" (a key without its scope; repeatable).')  # fmt: skip
@click.option("--id-seed", type=int, default=None,
              help="Seed for ids and key secrets (reproducible runs; never for a shared server).")  # fmt: skip
def serve(
    host: str | None,
    port: int,
    state: Path,
    ephemeral: bool,
    seed: Path | None,
    fresh: bool,
    print_json: bool,
    read_only_key: bool,
    faults_file: Path | None,
    latency_ms: float,
    throttle_rate: float,
    retry_after: int,
    error_rate: float,
    error_status: tuple[str, ...],
    drop_rate: float,
    drop_next: int,
    drop_nth: tuple[int, ...],
    fault_method: tuple[str, ...],
    fault_path: str | None,
    fault_operation: str | None,
    rps: float | None,
    burst: int | None,
    fault_seed: int | None,
    forbid: tuple[str, ...],
    id_seed: int | None,
) -> None:
    """Serve the emulator over HTTP until Ctrl-C or SIGTERM.

    Prints the base URL and a management key to use. The account is kept in --state and
    survives restarts. Binds loopback only unless --host names another address.

    \b
    Examples:
      orctl emulator serve --port 8080
      orctl emulator serve --seed examples/emulator-seeds/messy-account.json --latency-ms 50
      orctl emulator serve --read-only-key --print-json   # plan and drift with a key that cannot write
      orctl emulator serve --forbid 'GET /byok'   # a key without the BYOK scope: reads of /byok get 403
    """
    from openrouter_iac.emulator.runner import (
        DEFAULT_HOST,
        ServeError,
        ServeOptions,
        fault_config_from_flags,
    )
    from openrouter_iac.emulator.runner import serve as run

    try:
        options = ServeOptions(
            host=host or DEFAULT_HOST,
            host_explicit=host is not None,
            port=port,
            state=None if ephemeral else state,
            seed=seed,
            fresh=fresh or seed is not None,
            print_json=print_json,
            read_only_key=read_only_key,
            faults=fault_config_from_flags(
                faults_file=faults_file,
                latency_ms=latency_ms,
                throttle_rate=throttle_rate,
                retry_after=retry_after,
                error_rate=error_rate,
                error_statuses=[int(s) for s in error_status],
                drop_rate=drop_rate,
                drop_next=drop_next,
                drop_nth=drop_nth,
                methods=fault_method,
                path_prefix=fault_path,
                operation=fault_operation,
                rps=rps,
                burst=burst,
                seed=fault_seed,
                forbid=forbid,
            ),
            id_seed=id_seed,
        )
        run(options)
    except ServeError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None


@emulator.command("init")
@click.option("--state", type=click.Path(path_type=Path, dir_okay=False), default=_EMBEDDED_DEFAULT,
              show_default=True, help="Emulator state file to create.")  # fmt: skip
@click.option("--seed", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="Seed file describing the account (default: a fresh, empty account).")  # fmt: skip
@click.option("--force", is_flag=True, help="Replace an existing state file.")
def init(state: Path, seed: Path | None, force: bool) -> None:
    """Create the emulator state used by --emulator, optionally from a seed file.

    Then plan or apply against it with --emulator.

    \b
    Examples:
      orctl emulator init
      orctl emulator init --seed examples/emulator-seeds/messy-account.json --force
    """
    from openrouter_iac.emulator import Emulator, SeedError, emulator_from_seed, load_seed_file

    if state.exists() and not force:
        click.echo(f"Error: {state} already exists; pass --force to replace it", err=True)
        raise SystemExit(1)
    try:
        emu = emulator_from_seed(load_seed_file(seed)) if seed is not None else Emulator()
    except SeedError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    emu.save(state)
    with emu.locked() as account:
        counts = (len(account.workspaces), len(account.keys), len(account.guardrails))
    click.echo(f"Wrote {state}: {counts[0]} workspace(s), {counts[1]} API key(s), {counts[2]} guardrail(s).")


@emulator.command("add-key")
@click.option("--state", type=click.Path(path_type=Path, dir_okay=False), default=_EMBEDDED_DEFAULT,
              show_default=True, help="Emulator state file (of --emulator, or of a stopped `serve`).")  # fmt: skip
@click.option("--read-only", is_flag=True, help="A key that reads everything and gets 403 on every write.")
@click.option("--name", default=None, help="A name for the key (default: read-only or orctl emulator).")
def add_key(state: Path, read_only: bool, name: str | None) -> None:
    """Issue another management key of the emulated account and print it.

    A running `orctl emulator serve` issues one with --read-only-key, or with
    POST /_emulator/management-keys on its admin URL.

    \b
    Example:
      OPENROUTER_MANAGEMENT_KEY=$(orctl emulator add-key --read-only --state .orctl/emulator-server.json)
    """
    from openrouter_iac.emulator import EmbeddedEmulator, EmulatorBusyError, StateFileError

    if not state.exists():
        click.echo(f"Error: {state} does not exist; create it with: orctl emulator init --state {state}", err=True)
        raise SystemExit(1)
    try:
        with EmbeddedEmulator(state) as embedded:  # holds the state's lock; saved on exit
            label = name or ("read-only" if read_only else "orctl emulator")
            secret = embedded.emulator.issue_management_key(label, read_only=read_only)
    except (StateFileError, EmulatorBusyError) as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    click.echo(secret)
