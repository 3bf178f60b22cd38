"""`orctl apply`: push a plan to the account, hand new secrets to their sinks, report the outcome."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import click

from openrouter_iac.apply import (
    ApplyReport,
    check_preflight,
    check_safety,
    execute,
    key_sinks,
    render_report,
)
from openrouter_iac.apply.interrupt import Interrupted, interruptible, stop_between_changes
from openrouter_iac.apply.outputs import check_output_path
from openrouter_iac.apply.verify import check_saved_plan
from openrouter_iac.cli.apply_progress import progress_for_stderr
from openrouter_iac.cli.failures import reported_errors
from openrouter_iac.cli.origin import config_name
from openrouter_iac.cli.plan_cmd import RETIRE_NOW, preset_history_wanted, target_option
from openrouter_iac.cli.session import ApiOptions, ApiSession, api_options, api_session
from openrouter_iac.config.loader import load_config
from openrouter_iac.errors import OrctlError, PlanError, StalePlanError
from openrouter_iac.live.lease import Lease
from openrouter_iac.live.reader import read_live
from openrouter_iac.live.writer import ApplyContext, Writer
from openrouter_iac.model.config import Config
from openrouter_iac.model.snapshot import LiveSnapshot
from openrouter_iac.plan.builder import build_plan, config_digest
from openrouter_iac.plan.model import Plan
from openrouter_iac.plan.plan_file import read_plan
from openrouter_iac.plan.unmatched_targets import with_unmatched_warnings
from openrouter_iac.policy.after import state_after
from openrouter_iac.policy.gate import check_policy
from openrouter_iac.policy.plan_facts import with_policy
from openrouter_iac.render import render_text, should_color
from openrouter_iac.render.printable import printable
from openrouter_iac.secrets import mask_for_ci
from openrouter_iac.secrets.audit import with_sink_audit
from openrouter_iac.secrets.opener import SinkCache


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
@click.option(
    "--allow-policy-violations",
    is_flag=True,
    envvar="ORCTL_ALLOW_POLICY_VIOLATIONS",
    help="Apply although `orctl lint` reports errors for the config (also: ORCTL_ALLOW_POLICY_VIOLATIONS=1).",
)
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False), help="Write a JSON report.")
@click.option(
    "--lease-wait",
    type=click.FloatRange(0, 3600),
    default=0.0,
    metavar="SECONDS",
    help="Wait up to SECONDS while another apply holds the account (default: stop at once).",
)
@click.option("--no-color", is_flag=True, help="No ANSI colors in the plan shown (also: NO_COLOR=1).")
@RETIRE_NOW
@target_option
@api_options
def apply(
    planfile: Path | None,
    config_path: Path | None,
    auto_approve: bool,
    allow_destroy: bool,
    allow_rotate: bool,
    allow_policy_violations: bool,
    report_path: Path | None,
    lease_wait: float,
    no_color: bool,
    retire_now: bool,
    targets: tuple[str, ...],
    api: ApiOptions,
) -> None:
    """Make the account match the config (or apply a saved PLANFILE from `orctl plan --out`).

    New key secrets go straight to the sink their key names and nowhere else. One apply writes
    to an account at a time (a lease held in the account; see --lease-wait). A PLANFILE is
    applied only if a fresh plan of the config (-c, else the default location) and the account
    is the same plan. Independent changes run at once, up to --parallelism (default 10; 1 applies
    one change after another); a change waits for those it depends on. SIGINT or SIGTERM stops
    after the changes in flight. Exit 0 when the account converged, 1 otherwise.

    \b
    Examples:
      orctl apply -c examples/agency --emulator
      orctl plan -c orctl/ --out plan.bin && orctl apply plan.bin -c orctl/
      orctl apply -c orctl/ --auto-approve --report apply-report.json     # in CI
      orctl apply -c orctl/ --parallelism 1                                # one change at a time
      orctl apply -c orctl/ --retire-now                                   # end rotation overlaps now
    """
    with reported_errors():
        if planfile is not None and targets:
            raise OrctlError(
                "--target cannot be given with a PLANFILE: the saved plan keeps the targets it was made with"
            )
        try:
            with interruptible():
                code = _run(
                    planfile,
                    config_path,
                    auto_approve,
                    allow_destroy,
                    allow_rotate,
                    report_path,
                    api,
                    lease_wait,
                    targets,
                    allow_policy_violations,
                    retire_now,
                    no_color,
                )
        except Interrupted as stopped:
            click.echo(stopped.describe(), err=True)
            code = stopped.exit_code
    raise SystemExit(code)


def _run(
    planfile: Path | None,
    config_path: Path | None,
    auto_approve: bool,
    allow_destroy: bool,
    allow_rotate: bool,
    report_path: Path | None,
    api: ApiOptions,
    lease_wait: float = 0.0,
    targets: tuple[str, ...] = (),
    allow_policy_violations: bool = False,
    retire_now: bool = False,
    no_color: bool = False,
) -> int:
    if report_path is not None:
        check_output_path(report_path, "--report")  # before anything is written, not after
    saved = read_plan(planfile) if planfile else None
    # Always the config on disk, never the copy inside a plan file: a plan file only approves.
    loaded = load_config(config_path)
    if saved is not None and planfile is not None:
        check_same_config(saved, planfile, config_path, loaded.config)
    config, base_dir, source_map = loaded.config, loaded.base_dir, loaded.source_map
    if saved is not None:
        targets = tuple(saved.targets)
        if retire_now and not saved.retire_now:
            raise OrctlError(
                f"--retire-now cannot change {planfile}: a saved plan keeps what it was made with",
                hint="make the plan with `orctl plan --retire-now --out PLANFILE`",
            )
        retire_now = saved.retire_now
    sinks = SinkCache(config, base_dir)
    with api_session(api) as session:

        def read() -> LiveSnapshot:
            live = read_live(
                session.client, parallelism=session.parallelism, wants_history=preset_history_wanted(config)
            )
            return with_sink_audit(config, live, sinks.get)  # a lost secret is planned as a rotation

        def replan() -> Plan:
            after = build_plan(
                config, read(), base_dir=base_dir, source_map=source_map, targets=targets, retire_now=retire_now
            )
            return _applicable(after)  # observe-only scopes are never expected to converge

        live = read()
        plan = build_plan(
            config, live, base_dir=base_dir, source_map=source_map, targets=targets, retire_now=retire_now
        )
        if saved is not None:
            _check_not_stale(saved, live.fingerprint, plan)
            check_saved_plan(saved, plan, str(planfile))
        else:
            _show(with_unmatched_warnings(with_policy(plan, config, source_map, live.state), config), no_color)
        check_safety(plan, allow_destroy=allow_destroy, allow_rotate=allow_rotate)
        if not plan.applicable:
            _say_skipped(plan)
            if saved is not None and not plan.has_changes:  # without a plan file, the plan shown says so
                click.echo("No changes. The account matches the config.")
            if report_path is not None:  # a CI step reads the report of every run, also one with nothing to do
                nothing = ApplyReport(
                    plan_fingerprint=plan.fingerprint,
                    warnings=list(plan.warnings),
                    converged=not plan.has_changes,
                    remaining=[str(change.address) for change in plan.changes],
                )
                nothing.finished_at = nothing.started_at
                report_path.write_text(nothing.model_dump_json(indent=2) + "\n", encoding="utf-8")
            return 0
        check_policy(config, source_map, allow=allow_policy_violations, after=state_after(config, live.state, plan))
        if saved is None and not _confirmed(auto_approve):
            return 1
        # before the lease's writes
        check_preflight(_applicable(plan), config, open_sink=sinks.get, config_base_dir=base_dir)
        with Lease(session.client, wait_s=lease_wait, on_wait=_say_waiting):
            # Another apply may have written between our read and the lease: plan again under it.
            live = read()
            fresh = build_plan(
                config, live, base_dir=base_dir, source_map=source_map, targets=targets, retire_now=retire_now
            )
            if saved is not None:
                _check_not_stale(saved, live.fingerprint, fresh)
                check_saved_plan(saved, fresh, str(planfile))
            elif fresh != plan:
                if not auto_approve:
                    raise StalePlanError(
                        "the account changed while the plan was reviewed (another apply?); nothing was written",
                        hint="run orctl apply again",
                    )
                click.echo("The account changed before the apply began; applying this plan instead:", err=True)
                _show(fresh, no_color)
            plan = fresh
            check_safety(plan, allow_destroy=allow_destroy, allow_rotate=allow_rotate)
            _say_skipped(plan)
            bindings = plan.bindings
            plan = _applicable(plan)
            if not plan.has_changes:
                click.echo("No changes. The account matches the config.")
                return 0
            check_preflight(plan, config, open_sink=sinks.get, config_base_dir=base_dir)
            writer = Writer(
                client=session.client,
                context=ApplyContext({**live.ids, **bindings}),
                config_base_dir=base_dir,
                sink_for=sinks.get,
                publisher_client=session.client_for,
                on_secret=_one_at_a_time(mask_for_ci),
                key_sinks=key_sinks(config),
                sink_names=tuple(config.secret_sinks),
            )
            with stop_between_changes() as stop:
                report = execute(
                    plan,
                    writer,
                    progress=progress_for_stderr(),
                    replan=replan,
                    should_stop=stop,
                    parallelism=changes_at_once(session),
                )
    if report_path is not None:
        report_path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    click.echo(render_report(_printable(report)))
    return report.exit_code


def changes_at_once(session: ApiSession) -> int:
    """How many changes run at once. The session's gate keeps --parallelism requests in flight;
    twice as many changes keep every request slot busy while some of them store a secret or wait
    between their calls. Without a gate, or at --parallelism 1 (serial), the option as given."""
    if session.parallelism == 1 or session.gate is None:
        return session.parallelism
    return 2 * session.parallelism


def check_same_config(saved: Plan, planfile: Path, config_path: Path | None, given: Config) -> None:
    """A saved plan applies its own config; another `-c` (or the default one) is a mistake, not an override."""
    if config_digest(given) != saved.config_digest:
        read = str(config_path) if config_path is not None else config_name(None)
        which = read if config_path is not None else f"the default config here ({read})"
        made = f"-c {saved.origin.config}" if saved.origin is not None else f"the -c that {planfile} was made from"
        raise PlanError(
            f"{planfile} was made from another config than {which}; a saved plan applies the config it was made from",
            hint=f"pass {made}, or run `orctl plan -c {read} --out PLANFILE` again",
        )


def _printable(report: ApplyReport) -> ApplyReport:
    """The report with the live names in it escaped for a terminal (the JSON report keeps them exact)."""
    outcomes = [o.model_copy(update={"address": printable(o.address)}) for o in report.outcomes]
    return report.model_copy(
        update={
            "outcomes": outcomes,
            "warnings": [printable(w) for w in report.warnings],
            "remaining": [printable(r) for r in report.remaining],
        }
    )


def _show(plan: Plan, no_color: bool) -> None:
    colored = should_color(sys.stdout.isatty(), no_color, os.environ)
    click.echo(render_text(plan, color=colored), color=True if colored else None)


def _applicable(plan: Plan) -> Plan:
    """The plan without the changes of observe-only scopes (`mode: observe`): what apply makes."""
    return plan.model_copy(update={"changes": plan.applicable})


def _say_skipped(plan: Plan) -> None:
    observed = [str(change.address) for change in plan.changes if change.observed]
    if observed:
        click.echo(
            f"Skipped {len(observed)} change(s) in observe-only scope (mode: observe), never applied: "
            + ", ".join(observed),
            err=True,
        )


def _say_waiting(holder: str) -> None:
    click.echo(f"Waiting for the apply lease: {holder}", err=True)


def _check_not_stale(saved: Plan, fingerprint: str, fresh: Plan) -> None:
    if fingerprint == saved.fingerprint:
        return
    if not fresh.has_changes:
        raise StalePlanError("this plan was already applied: the account already matches its config")
    raise StalePlanError("the account changed since this plan was made (stale plan): run orctl plan again")


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


def _one_at_a_time(mask: Callable[[str], None]) -> Callable[[str], None]:
    """Mask registrations from parallel key creates, never interleaved on stdout."""
    lock = threading.Lock()

    def masked(secret: str) -> None:
        with lock:
            mask(secret)

    return masked
