"""`orctl apply`: push a plan to the account, hand new secrets to their sinks, report the outcome."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from openrouter_iac.apply import (
    ChangeOutcome,
    check_preflight,
    check_safety,
    execute,
    key_sinks,
    render_report,
)
from openrouter_iac.cli.failures import reported_errors
from openrouter_iac.cli.plan_cmd import preset_history_wanted
from openrouter_iac.cli.session import ApiOptions, api_options, api_session
from openrouter_iac.config.loader import load_config
from openrouter_iac.errors import OrctlError, PlanError, StalePlanError
from openrouter_iac.live.reader import read_live
from openrouter_iac.live.writer import ApplyContext, Writer
from openrouter_iac.model.config import Config
from openrouter_iac.model.snapshot import LiveSnapshot
from openrouter_iac.plan.builder import build_plan, config_digest
from openrouter_iac.plan.model import Change, Plan, parse_plan
from openrouter_iac.render import render_text, should_color
from openrouter_iac.secrets import SecretSink, mask_for_ci, open_sink

SYMBOLS = {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}


@click.command()
@click.argument("planfile", required=False, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Config file or directory (default: orctl.yaml or orctl/ here). With PLANFILE, it must be the "
    "config the plan was made from.",
)
@click.option("--auto-approve", is_flag=True, help="Apply without asking (required when stdin is not a terminal).")
@click.option("--allow-destroy", is_flag=True, help="Allow deleting many or protected objects.")
@click.option("--allow-rotate", is_flag=True, help="Allow replacing keys (their consumers need the new secret).")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False), help="Write a JSON report.")
@api_options
def apply(
    planfile: Path | None,
    config_path: Path | None,
    auto_approve: bool,
    allow_destroy: bool,
    allow_rotate: bool,
    report_path: Path | None,
    api: ApiOptions,
) -> None:
    """Make the account match the config (or apply a saved PLANFILE from `orctl plan --out`).

    New key secrets go straight to the sink their key names and nowhere else. Exit 0 when the
    account converged, 1 otherwise.

    \b
    Examples:
      orctl apply -c examples/agency --emulator
      orctl plan -c orctl/ --out plan.bin && orctl apply plan.bin
      orctl apply -c orctl/ --auto-approve --report apply-report.json     # in CI
    """
    with reported_errors():
        code = _run(planfile, config_path, auto_approve, allow_destroy, allow_rotate, report_path, api)
    raise SystemExit(code)


def _run(
    planfile: Path | None,
    config_path: Path | None,
    auto_approve: bool,
    allow_destroy: bool,
    allow_rotate: bool,
    report_path: Path | None,
    api: ApiOptions,
) -> int:
    saved = parse_plan(planfile.read_text(encoding="utf-8"), str(planfile)) if planfile else None
    if saved is not None and planfile is not None and config_path is not None:
        check_same_config(saved, planfile, config_path)
    source_map = None
    if saved is not None:
        config = Config.model_validate(saved.config)
        base_dir = Path(saved.config_base_dir)
    else:
        loaded = load_config(config_path)
        config, base_dir, source_map = loaded.config, loaded.base_dir, loaded.source_map
    with api_session(api) as session:

        def read() -> LiveSnapshot:
            return read_live(
                session.client, parallelism=session.parallelism, wants_history=preset_history_wanted(config)
            )

        def replan() -> Plan:
            return build_plan(config, read(), base_dir=base_dir, source_map=source_map)

        live = read()
        if saved is not None:
            plan = saved
            if live.fingerprint != plan.fingerprint:
                if not build_plan(config, live, base_dir=base_dir).has_changes:
                    raise StalePlanError("this plan was already applied: the account already matches its config")
                raise StalePlanError("the account changed since this plan was made (stale plan): run orctl plan again")
        else:
            plan = build_plan(config, live, base_dir=base_dir, source_map=source_map)
            colored = should_color(sys.stdout.isatty(), False, os.environ)
            click.echo(render_text(plan, color=colored), color=True if colored else None)
        check_safety(plan, allow_destroy=allow_destroy, allow_rotate=allow_rotate)
        if not plan.has_changes:
            if saved is not None:  # without a plan file, the plan shown above already says so
                click.echo("No changes. The account matches the config.")
            return 0
        if saved is None and not _confirmed(auto_approve):
            return 1
        sinks = _SinkCache(config)
        check_preflight(plan, config, open_sink=sinks.get, config_base_dir=base_dir)
        writer = Writer(
            client=session.client,
            context=ApplyContext(dict(live.ids)),
            config_base_dir=base_dir,
            sink_for=sinks.get,
            publisher_client=session.client_for,
            on_secret=mask_for_ci,
            key_sinks=key_sinks(config),
        )
        report = execute(plan, writer, progress=_progress(), replan=replan)
    if report_path is not None:
        report_path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    click.echo(render_report(report))
    return report.exit_code


def check_same_config(saved: Plan, planfile: Path, config_path: Path) -> None:
    """A saved plan applies its own config; a different `-c` beside it is a mistake, not an override."""
    given = load_config(config_path).config
    if config_digest(given) != saved.config_digest:
        raise PlanError(
            f"{planfile} was made from another config than {config_path}; a saved plan applies the config "
            "it was made from",
            hint=f"drop -c to apply {planfile} as planned, or run `orctl plan -c {config_path} --out PLANFILE` again",
        )


class _SinkCache:
    """Opens each named sink once; file paths are relative to where orctl runs."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.opened: dict[str, SecretSink] = {}

    def get(self, name: str) -> SecretSink:
        if name not in self.opened:
            if name not in self.config.secret_sinks:
                raise OrctlError(f"secret sink {name!r} is not declared in secret_sinks")
            self.opened[name] = open_sink(name, self.config.secret_sinks[name], base_dir=Path.cwd())
        return self.opened[name]


def _confirmed(auto_approve: bool) -> bool:
    if auto_approve:
        return True
    if not sys.stdin.isatty():
        click.echo("Error: refusing to apply unconfirmed: stdin is not a terminal; pass --auto-approve", err=True)
        return False
    answer: str = click.prompt("Apply these changes? Only 'yes' is accepted", default="", show_default=False)
    if answer.strip() != "yes":
        click.echo("Apply cancelled.", err=True)
        return False
    return True


class _LineProgress:
    """One line per finished change (logs, CI)."""

    def started(self, index: int, total: int, change: Change) -> None:
        return None

    def finished(self, index: int, total: int, outcome: ChangeOutcome) -> None:
        symbol = SYMBOLS[outcome.action]
        result = outcome.detail if outcome.status == "done" else f"FAILED: {outcome.error}"
        click.echo(f"{symbol} {outcome.address} ... {result} ({outcome.seconds:.2f}s)", err=True)


class _LiveProgress:
    """A single redrawn status line on a terminal; failures stay on screen."""

    def started(self, index: int, total: int, change: Change) -> None:
        line = f"[{index}/{total}] {SYMBOLS[change.action]} {change.address} ..."
        click.echo(f"\r\x1b[K{line}", nl=False, err=True)

    def finished(self, index: int, total: int, outcome: ChangeOutcome) -> None:
        if outcome.status == "failed":
            click.echo(f"\r\x1b[K! {outcome.address} ... FAILED: {outcome.error}", err=True)
        elif index == total:
            click.echo(f"\r\x1b[K[{total}/{total}] done", err=True)


def _progress() -> _LineProgress | _LiveProgress:
    return _LiveProgress() if sys.stderr.isatty() else _LineProgress()
