# ruff: noqa: E501  -- the expected messages are an interface and are compared whole, one per line.
"""Every config mistake in ``fixtures/bad`` and the exact problems orctl reports for it.

Each fixture (a file, or a directory for multi-file cases) holds ONE mistake and is named for it.
The messages are an interface (`FILE:LINE:COL: dotted.path: reason`), so each case asserts the
whole list. Paths are relative to the current directory, so every test runs from the fixtures dir.
Each case goes through both :func:`load_config` and `orctl validate`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from openrouter_iac.cli import main
from openrouter_iac.config.loader import load_config
from openrouter_iac.errors import ConfigError
from openrouter_iac.kinds import KINDS

BAD = Path(__file__).parent / "fixtures" / "bad"
REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
MIN_CASES = 70

CASES: dict[str, list[str]] = {
    "backreference.yaml": [
        "backreference.yaml:8:23: workspaces.sandbox.guardrails.strict.content_filters[0].pattern: backreferences (\\1, \\k<name>) are not allowed in content filter patterns",
    ],
    "bad-regex-lookaround.yaml": [
        "bad-regex-lookaround.yaml:7:21: workspaces.sandbox.default_guardrail.content_filters[0].pattern: lookaround ((?=, (?!, (?<=, (?<!) is not allowed in content filter patterns",
    ],
    "bad-secret-reference.yaml": [
        "bad-secret-reference.yaml:8:14: workspaces.sandbox.byok.openai-main.key: the secret reference 'env:1PASSWORD-OPENAI' does not name a valid environment variable; write env:NAME, where NAME is letters, digits and _ (not starting with a digit)",
        "bad-secret-reference.yaml:11:14: workspaces.sandbox.byok.anthropic-main.key: 'vault:anthropic' is not a secret reference; write env:NAME, keyring:SERVICE/NAME or file:PATH",
    ],
    "bad-workspace-slug.yaml": [
        "bad-workspace-slug.yaml:3:3: workspaces.Health_Care: workspace slug 'Health_Care' must be lowercase letters and digits in groups separated by single dashes (pattern ^[a-z0-9]+(?:-[a-z0-9]+)*$)",
    ],
    "budgets-out-of-order.yaml": [
        "budgets-out-of-order.yaml:5:14: workspaces.sandbox.budgets: budgets must be strictly ordered lifetime > monthly > weekly > daily; monthly (100) is not greater than weekly (150)",
    ],
    "byok-without-key.yaml": [
        "byok-without-key.yaml:6:7: workspaces.sandbox.byok.openai-main: required key 'key' is missing (a reference such as env:NAME)",
    ],
    "content-filter-without-action.yaml": [
        "content-filter-without-action.yaml:9:11: workspaces.sandbox.default_guardrail.content_filters[1]: required key 'action' is missing",
    ],
    "dangling-byok-allowed-key.yaml": [
        "dangling-byok-allowed-key.yaml:11:34: workspaces.sandbox.byok.openai-main.allowed_keys[1]: unknown API key 'doc-bot' in workspace 'sandbox' (defined: docs-bot) (did you mean 'docs-bot'?)",
    ],
    "dangling-guardrail-reference.yaml": [
        "dangling-guardrail-reference.yaml:9:20: workspaces.sandbox.keys.docs-bot.guardrail: unknown guardrail 'intake-capp' in workspace 'sandbox' (defined: intake-cap) (did you mean 'intake-cap'?)",
    ],
    "dangling-observability-key.yaml": [
        "dangling-observability-key.yaml:11:20: workspaces.sandbox.observability.ops.api_keys[0]: unknown API key 'support-bot' in workspace 'sandbox' (defined: docs-bot)",
    ],
    "dangling-secret-sink.yaml": [
        "dangling-secret-sink.yaml:9:22: workspaces.sandbox.keys.docs-bot.secret_sink: unknown secret sink 'labtop' in secret_sinks (defined: laptop) (did you mean 'laptop'?)",
    ],
    "duplicate-mapping-key.yaml": [
        "duplicate-mapping-key.yaml:8:7: workspaces.sandbox.keys.docs-bot: duplicate key 'docs-bot' in the same mapping (first defined at duplicate-mapping-key.yaml:6:7); YAML would silently keep only one",
    ],
    "empty-file.yaml": [
        "empty-file.yaml:1:1: the file is empty (expected a mapping with `version: 1`)",
    ],
    "empty-model-list.yaml": [
        "empty-model-list.yaml:7:25: workspaces.sandbox.guardrails.pinned.allowed_models: must not be an empty list (leave the key out instead); at least 1 item needed",
    ],
    "expires-at-not-utc.yaml": [
        "expires-at-not-utc.yaml:7:21: workspaces.sandbox.keys.docs-bot.expires_at: expires_at must be in UTC (end it with Z or +00:00); the API rejects other zones",
    ],
    "file-sink-without-path.yaml": [
        "file-sink-without-path.yaml:3:3: secret_sinks.local: required key 'path' is missing",
    ],
    "keyring-sink-with-path.yaml": [
        "keyring-sink-with-path.yaml:5:5: secret_sinks.laptop.path: unknown key 'path' (allowed: type, service, allow_insecure_backend)",
    ],
    "guardrail-budget-without-reset.yaml": [
        "guardrail-budget-without-reset.yaml:7:9: workspaces.sandbox.guardrails.cheap.budget: required key 'reset' is missing",
    ],
    "guardrail-from-another-workspace.yaml": [
        "guardrail-from-another-workspace.yaml:11:20: workspaces.beta.keys.bot.guardrail: unknown guardrail 'shared-cap' in workspace 'beta' (defined: none); 'shared-cap' is declared in workspace 'alpha', but a workspace can only refer to its own guardrails",
    ],
    "key-name-without-prefix.yaml": [
        "key-name-without-prefix.yaml:9:7: workspaces.sandbox.keys.support-bot: key name 'support-bot' must start with ownership.key_name_prefix 'orctl-'",
    ],
    "key-with-two-guardrails.yaml": [
        "key-with-two-guardrails.yaml:10:20: workspaces.sandbox.keys.docs-bot.guardrail: a key holds at most one guardrail (assigning another moves it); got 2: cheap, safe",
    ],
    "literal-secret-in-byok.yaml": [
        "literal-secret-in-byok.yaml:8:14: workspaces.sandbox.byok.openai-main.key: a secret value must not be written in the config: use a reference (env:NAME, keyring:SERVICE/NAME or file:PATH)",
    ],
    "missing-version.yaml": [
        "missing-version.yaml:1:1: required key 'version' is missing (add `version: 1` at the top)",
    ],
    "missing-workspace-name.yaml": [
        "missing-workspace-name.yaml:3:3: workspaces.sandbox: required key 'name' is missing",
    ],
    "misspelled-reset-interval.yaml": [
        "misspelled-reset-interval.yaml:8:22: workspaces.sandbox.keys.docs-bot.limit_reset: 'montly' is not one of: daily, weekly, monthly (did you mean 'monthly'?)",
    ],
    "negative-limit.yaml": [
        "negative-limit.yaml:6:25: workspaces.sandbox.keys.docs-bot.limit: must be at least 0, got -5",
    ],
    "nested-quantifier.yaml": [
        "nested-quantifier.yaml:8:22: workspaces.sandbox.guardrails.strict.content_filters[0].pattern: nested quantifiers such as (a+)+ are not allowed in content filter patterns",
    ],
    "null-allowlist.yaml": [
        "null-allowlist.yaml:6:7: workspaces.sandbox.default_guardrail.allowed_providers: the list is empty (null: are its items commented out?); list at least one item, write `null` to lift the restriction, or remove the key to leave it as it is",
        "null-allowlist.yaml:11:9: workspaces.sandbox.guardrails.pinned.ignored_models: the list is empty (null: are its items commented out?); list at least one item, write `null` to lift the restriction, or remove the key to leave it as it is",
    ],
    "null-byok-allowed-keys.yaml": [
        "null-byok-allowed-keys.yaml:11:9: workspaces.sandbox.byok.openai-main.allowed_keys: the list is empty (null: are its items commented out?); list at least one item, write `null` to lift the restriction, or remove the key to leave it as it is",
    ],
    "newer-version.yaml": [
        "newer-version.yaml:1:10: version: this config is version 2, but this orctl understands version 1 only: upgrade orctl",
    ],
    "no-yaml-in-directory": [
        "no-yaml-in-directory: the directory holds no .yaml or .yml file",
    ],
    "not-utf8.yaml": [
        "not-utf8.yaml:4:14: not UTF-8 text: byte 0xe9 here (invalid continuation byte); save the file as UTF-8",
    ],
    "observability-missing-config-key.yaml": [
        "observability-missing-config-key.yaml:8:17: workspaces.sandbox.observability.traces.config: a langfuse destination needs config keys: secretKey",
    ],
    "observability-secret-literal.yaml": [
        "observability-secret-literal.yaml:9:19: workspaces.sandbox.observability.traces.config.apiKey: 'apiKey' is a secret: write a reference (env:NAME, keyring:SERVICE/NAME or file:PATH), not the value",
    ],
    "previous-name-claimed-twice.yaml": [
        "previous-name-claimed-twice.yaml:7:34: workspaces.sandbox.guardrails.lenient.previous_names[0]: previous name 'default-policy' is also claimed by guardrail 'strict'; only one guardrail can take it over",
    ],
    "moved-key-still-in-old-workspace.yaml": [
        "moved-key-still-in-old-workspace.yaml:11:26: workspaces.beta.keys.bot.previous_names[0]: previous name 'alpha/bot' is still in use (API key 'bot' is declared in workspace 'alpha'); a previous name must name nothing declared now: remove it here, or rename the other one",
    ],
    "preset-publish-with-command-sink.yaml": [
        "preset-publish-with-command-sink.yaml:11:23: workspaces.sandbox.presets.docs-answer.publish_with: key 'docs-bot' stores its secret in a 'command' sink, which orctl cannot read back to publish versions; use a sink it can read back: keyring, file, env-file or aws-secrets-manager",
    ],
    "preset-publisher-without-sink.yaml": [
        "preset-publisher-without-sink.yaml:9:23: workspaces.sandbox.presets.docs-answer.publish_with: key 'docs-bot' has no secret_sink, so orctl cannot read its secret to publish versions",
    ],
    "previous-name-is-current-name.yaml": [
        "previous-name-is-current-name.yaml:8:26: workspaces.sandbox.keys.support-bot.previous_names[0]: previous name 'docs-bot' is still in use (API key 'docs-bot' is declared in workspace 'sandbox'); a previous name must name nothing declared now: remove it here, or rename the other one",
    ],
    "protect-bad-kind.yaml": [
        "protect-bad-kind.yaml:3:13: safety.protect[0]: 'key:sandbox/docs-bot' is not an address: write KIND:WORKSPACE[/NAME] with KIND one of "
        + ", ".join(kind.name for kind in KINDS if kind.protectable)  # workspace, guardrail, api_key, ... preset
        + " (did you mean 'api_key'?)",
    ],
    "protect-unknown-address.yaml": [
        "protect-unknown-address.yaml:3:13: safety.protect[0]: 'workspace:healthcare' names nothing declared in this config",
    ],
    "regex-does-not-compile.yaml": [
        "regex-does-not-compile.yaml:7:21: workspaces.sandbox.default_guardrail.content_filters[0].pattern: the pattern does not compile: unterminated character set at position 4",
    ],
    "same-key-in-two-files": [
        "same-key-in-two-files/20-more-keys.yaml:5:7: workspaces.sandbox.keys.docs-bot: defined twice: first at same-key-in-two-files/10-sandbox.yaml:6:7, again here",
    ],
    "sampling-rate-out-of-range.yaml": [
        "sampling-rate-out-of-range.yaml:5:31: workspaces.sandbox.io_logging_sampling_rate: must be at most 1, got 1.5",
    ],
    "secret-in-command-sink.yaml": [
        "secret-in-command-sink.yaml:5:58: secret_sinks.github.run[5]: this looks like a secret; keep it out of argv",
    ],
    "sink-path-placeholder-typo.yaml": [
        "sink-path-placeholder-typo.yaml:5:11: secret_sinks.local.path: unknown placeholder '{keys}' (did you mean 'key'?); the placeholders are {workspace}, {key}, {WORKSPACE} and {KEY}",
    ],
    "sink-without-type.yaml": [
        "sink-without-type.yaml:3:3: secret_sinks.local: required key 'type' is missing",
    ],
    "six-webhooks-in-one-workspace.yaml": [
        "six-webhooks-in-one-workspace.yaml:11:7: workspaces.sandbox.observability.hook-6: at most 5 webhook destinations per workspace; this is number 6 (hook-1, hook-2, hook-3, hook-4, hook-5, hook-6)",
    ],
    "slug-too-long.yaml": [
        "slug-too-long.yaml:3:3: workspaces.a-workspace-slug-that-is-much-longer-than-fifty-chars: workspace slug 'a-workspace-slug-that-is-much-longer-than-fifty-chars' must be 1 to 50 characters long (it has 53)",
    ],
    "tab-indentation.yaml": [
        "tab-indentation.yaml:4:1: tab character in indentation; YAML allows spaces only",
    ],
    "top-level-not-a-mapping.yaml": [
        "top-level-not-a-mapping.yaml:1:1: the top level must be a mapping (`version: 1`, `workspaces:` ...), got a list",
    ],
    "two-keys-one-secret-file.yaml": [
        "two-keys-one-secret-file.yaml:9:34: workspaces.sandbox.keys.support-bot.secret_sink: key 'sandbox/docs-bot' already uses sink 'local' with the same file (.secrets/sandbox.key); put {key} (and {workspace}) in the sink's path",
    ],
    "two-yaml-documents.yaml": [
        "two-yaml-documents.yaml:2:1: YAML syntax: expected a single document in the stream but found another document",
    ],
    "unquoted-colon-in-value.yaml": [
        "unquoted-colon-in-value.yaml:5:22: YAML syntax: mapping values are not allowed here: quote a value that holds ': ', or check the indentation of this line",
    ],
    "key-indented-too-little.yaml": [
        "key-indented-too-little.yaml:5:4: YAML syntax: expected <block end>, but found '<block mapping start>' (in a block mapping that starts at line 3, column 3): this line is not indented like the keys before it",
    ],
    "unknown-detector-slug.yaml": [
        "unknown-detector-slug.yaml:6:39: workspaces.sandbox.default_guardrail.sensitive_info.passport: 'passport' is not one of: email, phone, ssn, credit-card, ip-address, person-name, address, secrets",
    ],
    "unknown-key-typo.yaml": [
        "unknown-key-typo.yaml:7:9: workspaces.sandbox.keys.docs-bot.limt: unknown key 'limt' (did you mean 'limit'?)",
    ],
    "unknown-observability-type.yaml": [
        "unknown-observability-type.yaml:7:15: workspaces.sandbox.observability.traces.type: 'langfuze' is not one of: arize, braintrust, clickhouse, datadog, grafana, langfuse, langsmith, newrelic, opik, otel-collector, posthog, ramp, s3, sentry, snowflake, weave, webhook (did you mean 'langfuse'?)",
    ],
    "unknown-sink-type.yaml": [
        "unknown-sink-type.yaml:4:11: secret_sinks.vault.type: type 'hashicorp-vault' is not one of: keyring, file, command, env-file, aws-secrets-manager",
    ],
    "unknown-top-level-key.yaml": [
        "unknown-top-level-key.yaml:2:1: workspace: unknown key 'workspace' (did you mean 'workspaces'?)",
    ],
    # A boolean is true or false: quoted text or a number is refused, as the JSON Schema does.
    "quoted-boolean.yaml": [
        "quoted-boolean.yaml:3:10: ownership.prune: expected true or false, got string 'yes': quoted, it is text in YAML; write true or false without quotes",
        "quoted-boolean.yaml:7:29: secret_sinks.vault.allow_insecure_backend: expected true or false, got string 'on': quoted, it is text in YAML; write true or false without quotes",
        "quoted-boolean.yaml:11:41: workspaces.sandbox.is_observability_broadcast_enabled: expected true or false, got string 'false': quoted, it is text in YAML; write true or false without quotes",
        "quoted-boolean.yaml:13:24: workspaces.sandbox.default_guardrail.zdr.anthropic: expected true or false, got string 'true': quoted, it is text in YAML; write true or false without quotes",
        "quoted-boolean.yaml:16:19: workspaces.sandbox.keys.docs-bot.disabled: expected true or false, got string 'off': quoted, it is text in YAML; write true or false without quotes",
    ],
    "number-as-boolean.yaml": [
        "number-as-boolean.yaml:7:19: workspaces.sandbox.keys.docs-bot.disabled: expected true or false, got number 1; write true or false",
        "number-as-boolean.yaml:8:32: workspaces.sandbox.keys.docs-bot.include_byok_in_limit: expected true or false, got number 0; write true or false",
    ],
    "mapping-key-not-a-name.yaml": [
        "mapping-key-not-a-name.yaml:6:9: workspaces.sandbox.keys: a key of a mapping must be a name, got a list",
    ],
    "version-as-text.yaml": [
        "version-as-text.yaml:1:10: version: expected a whole number, got string 'one'",
    ],
    "versions-disagree": [
        "versions-disagree/b.yaml:1:10: version: version 2 here, but 1 at versions-disagree/a.yaml:1:10; all files must agree",
    ],
    "workspace-name-too-long.yaml": [
        "workspace-name-too-long.yaml:4:11: workspaces.sandbox.name: must be at most 100 characters long, got 102",
    ],
    "workspace-without-body.yaml": [
        "workspace-without-body.yaml:3:3: workspaces.sandbox: expected a mapping, got null",
    ],
    "wrong-type-limit.yaml": [
        "wrong-type-limit.yaml:7:16: workspaces.sandbox.keys.docs-bot.limit: expected a number, got string 'five dollars'",
    ],
    "yaml-syntax-error.yaml": [
        "yaml-syntax-error.yaml:6:9: YAML syntax: expected ',' or '}', but got ':' (in a flow mapping that starts at line 5, column 14)",
    ],
    "zdr-not-a-boolean.yaml": [
        "zdr-not-a-boolean.yaml:6:12: workspaces.sandbox.default_guardrail.zdr: expected true, false or a mapping of provider groups such as {anthropic: true, openai: true}, got string 'always'",
    ],
    # One set of name rules for every named kind (each kind's `name_rule`).
    "byok-name-with-spaces.yaml": [
        "byok-name-with-spaces.yaml:6:7: workspaces.sandbox.byok[' openai-main']: BYOK credential name ' openai-main' must not start or end with white space",
    ],
    "guardrail-name-too-long.yaml": [
        "guardrail-name-too-long.yaml:6:7: workspaces.sandbox.guardrails."
        + "a" * 201
        + ": guardrail name '"
        + "a" * 201
        + "' must be 1 to 200 characters long (it has 201)",
    ],
    "guardrail-name-with-spaces.yaml": [
        "guardrail-name-with-spaces.yaml:6:7: workspaces.sandbox.guardrails[' lab-cap ']: guardrail name ' lab-cap ' must not start or end with white space",
    ],
    "key-name-with-slash.yaml": [
        "key-name-with-slash.yaml:6:7: workspaces.sandbox.keys.team/docs-bot: key name 'team/docs-bot' must not contain '/' (previous_names uses workspace/name)",
    ],
    "key-name-with-spaces.yaml": [
        "key-name-with-spaces.yaml:6:7: workspaces.sandbox.keys['docs-bot ']: key name 'docs-bot ' must not start or end with white space",
    ],
    "observability-name-with-line-break.yaml": [
        "observability-name-with-line-break.yaml:6:7: workspaces.sandbox.observability['ops\\ntraces']: observability destination name 'ops\\ntraces' must not contain control characters (tabs, line breaks)",
    ],
    "preset-slug-not-a-slug.yaml": [
        "preset-slug-not-a-slug.yaml:8:7: workspaces.sandbox.presets.Docs_Answer: preset slug 'Docs_Answer' must be lowercase letters and digits in groups separated by single dashes (pattern ^[a-z0-9]+(?:-[a-z0-9]+)*$)",
    ],
    "sink-name-with-space.yaml": [
        "sink-name-with-space.yaml:3:3: secret_sinks.my laptop: secret sink name 'my laptop' must be letters, digits, '.', '_' and '-' only (pattern ^[A-Za-z0-9_.-]+$)",
    ],
}

SEVERAL = "several-problems.yaml"
"""The one fixture with many mistakes: it checks that they all come out of one run, in order."""


@pytest.fixture(autouse=True)
def in_fixtures_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)


def _problems(location: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(Path(location))
    return caught.value.problems


def _cli_stderr(problems: list[str]) -> str:
    count = len(problems)
    header = f"Error: the configuration has {count} problem{'s' if count != 1 else ''}:"
    return "\n".join([header, *problems]) + "\n"


def test_every_fixture_is_a_case() -> None:
    on_disk = set(os.listdir(BAD))
    assert on_disk == {*CASES, SEVERAL}, "add an expected message list for each fixture (and a fixture for each case)"
    assert len(CASES) >= MIN_CASES


def test_each_case_names_its_own_fixture_and_no_other() -> None:
    """One mistake per fixture: every message of a case points into that case's file or directory."""
    for name, expected in CASES.items():
        assert expected, name
        for message in expected:
            assert message.startswith(name), (name, message)


@pytest.mark.parametrize("case", sorted(CASES))
def test_load_config_reports_exactly(case: str) -> None:
    assert _problems(case) == CASES[case]


@pytest.mark.parametrize("case", sorted(CASES))
def test_orctl_validate_reports_exactly(case: str) -> None:
    result = CliRunner().invoke(main, ["validate", "-c", case])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == _cli_stderr(CASES[case])


def _position(message: str) -> tuple[str, int, int]:
    match = re.match(r"^(.+?):(\d+):(\d+): ", message)
    assert match, message
    return match.group(1), int(match.group(2)), int(match.group(3))


def test_several_problems_in_one_file_are_all_reported_in_order() -> None:
    problems = _problems(SEVERAL)
    assert problems == [
        "several-problems.yaml:5:14: workspaces.sandbox.budgets: budgets must be strictly ordered lifetime > monthly > weekly > daily; monthly (10) is not greater than daily (20)",
        "several-problems.yaml:8:16: workspaces.sandbox.keys.docs-bot.limit: must be at least 0, got -1",
        "several-problems.yaml:9:22: workspaces.sandbox.keys.docs-bot.limit_reset: 'hourly' is not one of: daily, weekly, monthly",
        "several-problems.yaml:10:20: workspaces.sandbox.keys.docs-bot.guardrail: unknown guardrail 'missing' in workspace 'sandbox' (defined: none)",
        "several-problems.yaml:12:19: workspaces.sandbox.keys.Bad Name.disabled: expected true or false, got string 'maybe'",
    ]
    positions = [_position(p) for p in problems]
    assert positions == sorted(positions)
    result = CliRunner().invoke(main, ["validate", "-c", SEVERAL])
    assert result.exit_code == 1
    assert result.stderr == _cli_stderr(problems)


def test_messages_are_relative_to_the_current_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert _problems("tests/config/fixtures/bad/negative-limit.yaml") == [
        "tests/config/fixtures/bad/negative-limit.yaml:6:25: workspaces.sandbox.keys.docs-bot.limit: must be at least 0, got -5"
    ]


def test_missing_location_is_reported() -> None:
    assert _problems("no-such-config.yaml") == ["no-such-config.yaml: no such file or directory"]


def _orctl() -> list[str]:
    script = Path(sys.executable).parent / "orctl"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from openrouter_iac.cli import main; sys.exit(main())"]


def test_installed_orctl_refuses_a_bad_config() -> None:
    run = subprocess.run(
        [*_orctl(), "validate", "-c", "same-key-in-two-files"], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr == _cli_stderr(CASES["same-key-in-two-files"])


def test_installed_orctl_accepts_a_good_config() -> None:
    run = subprocess.run(
        [*_orctl(), "validate", "-c", str(EXAMPLES / "agency")], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert run.stdout.startswith("The config is valid (4 files: 3 workspaces")


@pytest.mark.parametrize(
    ("case", "secret"),
    [
        ("literal-secret-in-byok.yaml", "sk-proj-4fJ9x2LqT8vZ0aB7cD1eF3gH5iJ6kL"),
        ("observability-secret-literal.yaml", "lsv2_pt_0123456789abcdef"),
        ("secret-in-command-sink.yaml", "ghp_8fK2mQ9xZ4vL7nB3cW6tY1pR5sD0aH"),
    ],
)
def test_a_secret_written_in_the_config_is_never_echoed(case: str, secret: str) -> None:
    assert secret in (BAD / case).read_text(encoding="utf-8")
    assert not any(secret in problem for problem in _problems(case))
    result = CliRunner().invoke(main, ["validate", "-c", case])
    assert secret not in result.output


def test_no_config_in_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the configuration has 1 problem:\n"
        f"no config found: pass -c PATH, or create orctl.yaml or an orctl/ directory in {tmp_path}\n"
    )


def test_default_location_is_orctl_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "orctl.yaml").write_text((BAD / "negative-limit.yaml").read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert result.stderr == _cli_stderr(
        ["orctl.yaml:6:25: workspaces.sandbox.keys.docs-bot.limit: must be at least 0, got -5"]
    )
