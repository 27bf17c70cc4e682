"""Problem codes: documented, given in the JSON of `validate`, refused if unknown (tests/test_problem_codes.py:
every code at its place)."""

from __future__ import annotations

import json
import re

import pytest

from readiness.cli import main
from readiness.errors import PROBLEM_CODES, Location, Problem

from .conftest import MINI_A, MINI_RUBRIC, ROOT


def test_docs_list_every_code_with_its_meaning():
    documented = re.findall(r"^\| `([a-z0-9-]+)` \| (.*) \|$", (ROOT / "docs" / "problems.md").read_text(encoding="utf-8"),
                            re.MULTILINE)
    assert documented == list(PROBLEM_CODES.items()), "docs/problems.md and readiness.errors.PROBLEM_CODES differ"


def test_a_problem_needs_a_known_code():
    with pytest.raises(ValueError, match="unknown problem code 'oops'"):
        Problem(Location("a.yaml"), "oops", "message")


def test_validate_json_gives_codes_and_locations(write, runner):
    write("a.yaml", MINI_A.replace("i1.b: 2", "i1.b: 9").replace("i5.n: 2", "i5.n: 20"))
    result = runner.invoke(main, ["validate", "--format", "json", "--rubric", str(MINI_RUBRIC), "a.yaml"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valid"] is False and report["files"] == ["a.yaml"]
    assert report["problems"] == [
        {"location": {"file": "a.yaml", "line": 7, "column": 9}, "code": "level-out-of-range",
         "message": "level 9 is out of range for i1.b; expected a level 0–4, 'na' (not applicable) or 'unknown' "
                    "(don't know)", "severity": "error"},
        {"location": {"file": "a.yaml", "line": 14, "column": 9}, "code": "number-out-of-range",
         "message": "20 is outside 0–10 for i5.n; it scores as 10", "severity": "warning"},
    ]
