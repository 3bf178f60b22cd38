"""Lint results as SARIF 2.1.0, for GitHub code scanning (`orctl lint --output sarif`).

Every built-in rule is listed in the driver, so a rule id always resolves; switched-off findings
are kept as results with an external suppression carrying the reason from `lint:`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from openrouter_iac import __version__
from openrouter_iac.policy import RULES, LintReport
from openrouter_iac.policy.findings import Finding

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
DOCS_URI = "https://github.com/openrouter-iac/orctl/blob/main/docs/policy.md"


def _rule(index: int) -> dict[str, Any]:
    rule = RULES[index]
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "helpUri": f"{DOCS_URI}#{rule.id}",
        "defaultConfiguration": {"level": rule.severity},
    }


def _location(finding: Finding) -> list[dict[str, Any]]:
    position = finding.position
    if position is None:
        return []
    return [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": quote(position.file.replace("\\", "/"))},
                "region": {"startLine": max(position.line, 1), "startColumn": max(position.column, 1)},
            },
            "logicalLocations": [{"fullyQualifiedName": finding.subject}],
        }
    ]


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    return {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": finding.severity,
        "message": {"text": f"{finding.message}. Hint: {finding.hint}"},
        "locations": _location(finding),
        "partialFingerprints": {"orctlFinding/v1": f"{finding.rule}:{finding.subject}"},
        "properties": {"objects": list(finding.objects)},
    }


def render_sarif(report: LintReport) -> str:
    index = {rule.id: i for i, rule in enumerate(RULES)}
    results = [_result(f, index) for f in report.findings]
    for item in report.suppressed:
        result = _result(item.finding, index)
        result["suppressions"] = [{"kind": "external", "justification": f"{item.setting}: {item.reason}"}]
        results.append(result)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "orctl",
                        "version": __version__,
                        "informationUri": DOCS_URI,
                        "rules": [_rule(i) for i in range(len(RULES))],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
