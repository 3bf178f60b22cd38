"""`orctl export`: write the live account as orctl config files (adopting an existing account)."""

from __future__ import annotations

from pathlib import Path

import click

from openrouter_iac.cli.failures import reported_errors
from openrouter_iac.cli.next_command import account_flags, suggest
from openrouter_iac.cli.session import ApiOptions, api_options, api_session
from openrouter_iac.cli.targets import check_targets
from openrouter_iac.config.json_schema import config_schema_text
from openrouter_iac.config.loader import YAML_SUFFIXES
from openrouter_iac.errors import OrctlError
from openrouter_iac.export import SCHEMA_FILE, export_account
from openrouter_iac.live.reader import read_live
from openrouter_iac.plan.targets import matches

EXAMPLES = """
\b
Examples:
  orctl export --emulator -o orctl          # then: orctl plan --emulator -c orctl
  orctl export -o orctl --workspace research --workspace marketing
  orctl export -o adopted --target 'api_key:healthcare/*'
"""


@click.command(epilog=EXAMPLES)
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("orctl"),
    show_default=True,
    help="Directory to write the config files into (orctl/ is where plan looks by default).",
)
@click.option("--workspace", "workspaces", multiple=True, metavar="SLUG", help="Only this workspace (repeatable).")
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="ADDRESS",
    callback=check_targets,
    help="Only objects at these addresses; globs allowed, e.g. 'api_key:healthcare/*' (repeatable).",
)
@click.option("--force", is_flag=True, help="Overwrite files of an earlier export in the directory.")
@api_options
def export(out: Path, workspaces: tuple[str, ...], targets: tuple[str, ...], force: bool, api: ApiOptions) -> None:
    """Write the live account as orctl YAML: one file per workspace and one for organization settings.

    Commit the directory, and `orctl plan -c DIR` shows no changes. Secrets never leave OpenRouter:
    each BYOK or observability credential is written as a reference placeholder (a comment says what
    to fill in), read only when the credential is sent again. Objects whose live names collide get
    unique names and are pinned to their live ids with `id:`, so the first plan only renames them.
    Nothing is written to OpenRouter.
    """
    with reported_errors():
        with api_session(api) as session:
            live = read_live(session.client, parallelism=session.parallelism)
        unknown = [slug for slug in workspaces if slug not in live.state.workspaces]
        if unknown:
            known = ", ".join(live.state.workspaces)
            raise OrctlError(f"--workspace {', '.join(unknown)}: no such live workspace (live: {known})")
        selected: set[str] = set()

        def select(address: str) -> bool:
            hits = [target for target in targets if matches(address, [target])]
            selected.update(hits)
            return bool(hits) or not targets

        result = export_account(live, workspaces=workspaces, select=select)
        _write(out, {**result.files, SCHEMA_FILE: config_schema_text()}, force=force)
    counts = ", ".join(f"{n} {what}" for what, n in result.counts.items())
    click.echo(f"Wrote {len(result.files)} config files to {out}/ ({counts or 'nothing'}).", err=True)
    if result.renamed:
        click.echo(f"{len(result.renamed)} object(s) share a live name; each is pinned by id and renamed:", err=True)
        for line in result.renamed:
            click.echo(f"  ~ {line}", err=True)
    if result.placeholders:
        click.echo(
            f"{len(result.placeholders)} secret reference(s) to fill in before the credential is sent again:",
            err=True,
        )
        for line in result.placeholders:
            click.echo(f"  - {line}", err=True)
    for line in result.skipped:
        click.echo(f"Not exported: {line}", err=True)
    for target in (t for t in targets if t not in selected):
        click.echo(f"Warning: --target {target!r} matches nothing in the account", err=True)
    again = suggest("orctl", "plan", "-c", out, *account_flags(api))
    click.echo(f"Next: {again}  (shows no changes{', only the renames' if result.renamed else ''})", err=True)


def _write(out: Path, files: dict[str, str], *, force: bool) -> None:
    """Write ``files`` into ``out``; refuse to mix them with other YAML (it would merge into the config)."""
    if out.exists() and not out.is_dir():
        raise OrctlError(f"{out}: not a directory")
    if out.exists():
        present = sorted(p.name for p in out.iterdir() if p.is_file() and p.suffix in YAML_SUFFIXES)
        foreign = [name for name in present if name not in files]
        if foreign:
            raise OrctlError(
                f"{out}: holds other YAML files ({', '.join(foreign)}) that would merge with the export",
                hint="export into an empty or new directory",
            )
        clash = [name for name in present if name in files]
        if clash and not force:
            raise OrctlError(f"{out}: already holds {', '.join(clash)}", hint="pass --force to overwrite them")
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
