"""`orctl validate --output text|json|github`: the same problems, for people, machines and PR diffs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review_support import AGENCY, REPO_ROOT, orctl

from openrouter_iac.render.problems import Problem, parse_problem, render_problems_github

BAD = REPO_ROOT / "tests" / "config" / "fixtures" / "bad"


def bad_config(tmp_path: Path) -> Path:
    path = tmp_path / "orctl.yaml"
    path.write_text(
        "version: 1\n"
        "workspaces:\n"
        "  sandbox:\n"
        "    name: Sandbox\n"
        "    keys:\n"
        "      docs-bot: {limit: -5}\n"
        "      other-bot: {limit_reset: montly}\n",
        encoding="utf-8",
    )
    return path


def test_json_of_a_valid_config() -> None:
    result = orctl("validate", "-c", AGENCY, "--output", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["valid"] is True
    assert document["problems"] == []
    assert document["counts"] == {"workspaces": 3, "guardrails": 2, "keys": 5, "presets": 2}
    assert [Path(f).name for f in document["files"]] == sorted(p.name for p in AGENCY.glob("*.yaml"))


def problem_lines(config: Path) -> list[str]:
    """The problems as `orctl validate` prints them for people."""
    text = orctl("validate", "-c", config).stderr
    return text.splitlines()[1:]


def test_json_of_an_invalid_config(tmp_path: Path) -> None:
    config = bad_config(tmp_path)
    result = orctl("validate", "-c", config, "--output", "json")
    assert result.exit_code == 1
    assert result.stderr == ""
    document = json.loads(result.stdout)
    assert document["valid"] is False
    problems = document["problems"]
    assert problems[0] == {
        "file": "orctl.yaml",
        "line": 6,
        "column": 25,
        "message": "workspaces.sandbox.keys.docs-bot.limit: must be at least 0, got -5",
    }
    assert [p["line"] for p in problems] == [6, 7]
    assert [f"{p['file']}:{p['line']}:{p['column']}: {p['message']}" for p in problems] == problem_lines(config)


def test_github_annotations_point_at_each_problem(tmp_path: Path) -> None:
    config = bad_config(tmp_path)
    result = orctl("validate", "-c", config, "--output", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "::error file=orctl.yaml,line=6,col=25,title=orctl validate::"
        "workspaces.sandbox.keys.docs-bot.limit: must be at least 0, got -5"
    )
    assert lines[1].startswith("::error file=orctl.yaml,line=7,col=")
    assert "limit_reset" in lines[1]
    assert len(lines) == 2
    # The log still reads as it does for a person.
    assert result.stderr.startswith("Error: the configuration has 2 problems:\n")
    assert result.stderr.splitlines()[1:] == problem_lines(config)


def test_github_output_of_a_valid_config_is_the_usual_sentence() -> None:
    result = orctl("validate", "-c", AGENCY, "--output", "github")
    assert result.exit_code == 0
    assert result.stdout.startswith("The config is valid (4 files: ")


def test_a_problem_without_position_is_an_annotation_without_file(tmp_path: Path) -> None:
    result = orctl("validate", "--output", "github")
    assert result.exit_code == 1
    assert result.stdout == (
        "::error title=orctl validate::no config found: pass -c PATH, or create orctl.yaml or an orctl/ "
        f"directory in {tmp_path}\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a.yaml:3:7: x: y", Problem("x: y", "a.yaml", 3, 7)),
        ("dir/a b.yaml:10:1: top: level", Problem("top: level", "dir/a b.yaml", 10, 1)),
        ("?:0:0: unknown place", Problem("unknown place")),
        ("a sentence: with a colon", Problem("a sentence: with a colon")),
    ],
)
def test_parse_problem(text: str, expected: Problem) -> None:
    assert parse_problem(text) == expected


def test_annotation_escapes_what_github_would_misread() -> None:
    line = render_problems_github(["a,b:c.yaml:1:2: 100% sure\nsecond line"])
    assert line == "::error file=a%2Cb%3Ac.yaml,line=1,col=2,title=orctl validate::100%25 sure%0Asecond line"


def test_every_bad_fixture_gives_one_annotation_per_problem() -> None:
    for fixture in sorted(BAD.glob("*.yaml")):
        text = orctl("validate", "-c", fixture).stderr
        count = int(text.split(" problem")[0].rsplit(" ", 1)[-1]) if "problem" in text else 1
        annotations = orctl("validate", "-c", fixture, "--output", "github").stdout.splitlines()
        assert len(annotations) == count, (fixture.name, annotations)
        assert all(a.startswith("::error ") for a in annotations)
