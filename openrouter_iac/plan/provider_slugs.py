"""BYOK provider slugs, checked against the live `/providers` catalogue at plan time.

Upstream the BYOK slug list changes almost weekly, so the list compiled into orctl
(`model.enums.BYOK_PROVIDERS`) only suggests (`orctl validate` warns about a slug outside it). At
plan time the live catalogue decides: a slug it lists is fine; one only the compiled list knows is
a warning (upstream may have dropped it); one neither knows is refused, with "did you mean"."""

from __future__ import annotations

from openrouter_iac.model.config import Config
from openrouter_iac.model.enums import BYOK_PROVIDERS
from openrouter_iac.model.positions import SourceMap, dotted
from openrouter_iac.model.snapshot import Catalogue
from openrouter_iac.suggest import suggest


def byok_provider_problems(
    config: Config, catalogue: Catalogue, source_map: SourceMap | None
) -> tuple[list[str], list[str]]:
    """(errors, warnings) about the BYOK provider slugs of ``config``."""
    errors: list[str] = []
    warnings: list[str] = []
    live = catalogue.providers
    known = sorted({*live, *BYOK_PROVIDERS})
    for ws_slug, workspace in config.workspaces.items():
        for name, credential in workspace.byok.items():
            slug = credential.provider
            if slug in live:
                continue
            path = ("workspaces", ws_slug, "byok", name, "provider")
            where = source_map.value_position(path) if source_map else None
            prefix = f"{where}: {dotted(path)}" if where else dotted(path)
            if slug in BYOK_PROVIDERS:
                warnings.append(
                    f"{prefix}: BYOK provider '{slug}' is not in the live /providers catalogue "
                    "(orctl's compiled list has it; the API may refuse it)"
                )
            else:
                errors.append(f"{prefix}: unknown BYOK provider '{slug}'{suggest(slug, known)}")
    return errors, warnings
