"""`orctl graph` draws the agency example from the config alone, in three formats; and
`plan --output markdown --graph` adds a Mermaid graph of what changes, coloured by action."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pydot
import pytest
from review_support import AGENCY, applied_agency, orctl

from openrouter_iac.config.loader import load_config

# A frozen copy of the agency example (the example itself evolves with other features).
FROZEN_AGENCY = Path(__file__).parent / "fixtures" / "graph-agency"

AGENCY_TREE = """\
organization (filtered model catalog: on)
├── workspace healthcare: Healthcare Client  [$5,000 lifetime, $500 monthly, $40 daily]
│   ├── default guardrail (ZDR, 2 providers only, prompt injection: block)
│   ├── guardrail intake-cap (anthropic/claude-sonnet-4.6 only)  [$50 monthly]
│   │   └── key intake-summarizer  [$40 monthly]
│   │       └── preset intake-summarizer (anthropic/claude-sonnet-4.6)
│   └── BYOK bedrock-enterprise (amazon-bedrock)  ⇢ may use: key intake-summarizer
├── workspace consumer-comedy: Consumer comedy site  [$120 monthly]
│   └── default guardrail (prompt injection: flag)
│       ├── key joke-writer  [$20 weekly]
│       └── key headline-ab  [$5 daily]
└── workspace b2b-saas: B2B SaaS client  [$800 monthly, $250 weekly]
    ├── default guardrail (ZDR)
    │   └── key nightly-seo-audit  [$30 monthly]
    ├── guardrail support-bot (2 providers only, prompt injection: block)  [$200 monthly]
    │   └── key support-bot  [$150 monthly]  ⇢ traced: traces to ops-webhook (webhook)
    │       └── preset support-answer (openai/gpt-5-mini)
    └── traces to ops-webhook (webhook)
"""
NODES = 18  # organization, 3 workspaces, 3 default guardrails, 2 guardrails, 5 keys, 2 presets, BYOK, webhook


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: httpx.BaseTransport, request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"an HTTP request: {request.method} {request.url}")

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", refuse)


def graph(*args: str | Path) -> str:
    """`orctl graph ARGS` with no way to reach any API."""
    result = orctl("graph", *args, env={"OPENROUTER_BASE_URL": "http://127.0.0.1:9"})
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def test_text_tree(no_network: None) -> None:
    assert graph("-c", FROZEN_AGENCY, "--format", "text") == AGENCY_TREE


def test_text_tree_of_the_agency_example_shows_every_object_and_cap(no_network: None) -> None:
    config = load_config(AGENCY).config
    lines = graph("-c", AGENCY, "--format", "text").splitlines()

    def line_of(label: str) -> str:
        (found,) = [line for line in lines if f"── {label}" in line]
        return found

    for slug, workspace in config.workspaces.items():
        caps = ", ".join(f"${cap:,.0f} {interval}" for interval, cap in workspace.budgets.as_dict().items())
        assert line_of(f"workspace {slug}: {workspace.name}").endswith(f"[{caps}]")
        for name, guardrail in workspace.guardrails.items():
            assert line_of(f"guardrail {name}").endswith(
                f"[${guardrail.budget.limit_usd:,.0f} {guardrail.budget.reset}]" if guardrail.budget else ")"
            )
        for name, key in workspace.keys.items():
            assert f"[${key.limit:,.0f} {key.limit_reset}]" in line_of(f"key {name} ")
        for name in workspace.presets:
            line_of(f"preset {name}")
        for name in workspace.byok:
            line_of(f"BYOK {name}")
        for name in workspace.observability:
            line_of(f"traces to {name}")


def test_mermaid_of_the_agency_example(no_network: None) -> None:
    out = graph("-c", FROZEN_AGENCY)  # mermaid is the default
    lines = out.splitlines()
    assert lines[0] == "flowchart LR"
    nodes = [line for line in lines if re.match(r"^  n\d+[\[{(>]", line)]
    solid = [line for line in lines if " --> " in line or re.search(r" -->\|", line)]
    dotted = [line for line in lines if " -.->" in line]
    assert len(nodes) == NODES
    assert len(solid) == NODES - 1  # a tree: every node but the organization has one parent
    assert len(dotted) == 2  # the BYOK credential's key, the webhook's key
    assert '  n0 -->|"$5,000 lifetime, $500 monthly, $40 daily"| n1' in lines
    assert '{{"guardrail intake-cap (anthropic/claude-sonnet-4.6 only)"}}' in out
    assert 'n6 -.->|"may use"| n4' in out
    assert "classDef" not in out  # the config alone has no actions to colour


def test_dot_of_the_agency_example_parses(no_network: None) -> None:
    out = graph("-c", FROZEN_AGENCY, "--output", "dot")
    (parsed,) = pydot.graph_from_dot_data(out)
    assert len(parsed.get_nodes()) - 1 == NODES  # pydot lists the `node [...]` defaults as a node
    edges = parsed.get_edges()
    assert len(edges) == NODES - 1 + 2
    caps = {(e.get_source().strip('"'), e.get_destination().strip('"')): e.get_label() for e in edges}
    assert caps[("guardrail:healthcare/intake-cap", "api_key:healthcare/intake-summarizer")] == '"$40 monthly"'


def test_a_bad_config_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "orctl.yaml").write_text("version: 1\nworkspaces: {x: {name: X, keys: {k: {limit: -1}}}}\n")
    result = orctl("graph")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: the configuration has 1 problem:\norctl.yaml:2:")
    assert "Traceback" not in result.stderr


def test_unknown_format_is_a_usage_error() -> None:
    result = orctl("graph", "-c", AGENCY, "--format", "png")
    assert result.exit_code == 1
    assert "'png' is not one of 'mermaid', 'text', 'dot'" in result.stderr


# -- the graph of a plan --------------------------------------------------------------------------


@pytest.fixture
def changed_agency(tmp_path: Path) -> tuple[Path, Path]:
    config, state = applied_agency(tmp_path)
    comedy = config / "20-consumer-comedy.yaml"
    comedy.write_text(comedy.read_text(encoding="utf-8").replace("limit: 20", "limit: 25"), encoding="utf-8")
    saas = config / "30-b2b-saas.yaml"
    text = saas.read_text(encoding="utf-8").replace("      nightly-seo-audit:\n", "      nightly-seo-audit-2:\n")
    saas.write_text(text, encoding="utf-8")
    return config, state


def test_plan_markdown_graph_colours_changes_by_action(changed_agency: tuple[Path, Path]) -> None:
    config, state = changed_agency
    result = orctl("plan", "-c", config, "--emulator", "--emulator-state", state, "--output", "markdown", "--graph")
    assert result.exit_code == 0, result.output
    out = result.stdout
    diagram = out[out.index("#### What changes\n\n```mermaid\n") :].split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    labels = dict(re.findall(r'^  (n\d+)[\[{(>]+"([^"]*)"', diagram, re.M))
    by_label = {label: node for node, label in labels.items()}
    assert "+ key nightly-seo-audit-2" in by_label
    assert "~ key joke-writer" in by_label
    assert "workspace consumer-comedy" in by_label  # unchanged parents give context
    classes = dict(re.findall(r"^  class (\S+) (\w+)$", diagram, re.M))
    assert classes[by_label["+ key nightly-seo-audit-2"]] == "create"
    assert by_label["~ key joke-writer"] in next(k for k, v in classes.items() if v == "update").split(",")
    assert "classDef create fill:#dafbe1" in diagram
    assert f'-->|"$20 → $25"| {by_label["~ key joke-writer"]}' in diagram
    # The graph sits between the policy summary and the table.
    assert out.index("#### What changes") < out.index("| Action | Address | Changes |")


def test_graph_goes_with_markdown_only(changed_agency: tuple[Path, Path]) -> None:
    config, state = changed_agency
    result = orctl("plan", "-c", config, "--emulator", "--emulator-state", state, "--graph")
    assert result.exit_code == 1
    assert "--graph goes with --output markdown" in result.stderr
