"""Shared helpers for the tests: paths, a CLI runner, and small assessment files written on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from readiness.rubric.catalog import Catalog, load_rubric

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_RUBRIC = FIXTURES / "mini-rubric.yaml"

#: The hand-worked assessment "A" of tests/test_scoring.py (every number is derived there).
MINI_A = """\
rubric: mini@0.1
agency: Test Agency
agency_id: test
round: 2026
answers:
  i1.a: {level: 4, evidence: "Roadmap 2025", evidence_level: documented}
  i1.b: 2
  i2.a: 1
  i2.n: {value: 60, evidence: "Portal stats", evidence_level: verified}
  i3.a: 1
  i3.b: 3
  i4.a: 2
  i5.a: 1
  i5.n: 2
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"COLUMNS": "100"})  # tables fit the terminal: fix its width


@pytest.fixture
def mini_rubric():
    return load_rubric(MINI_RUBRIC)


@pytest.fixture
def mini_catalog() -> Catalog:
    return Catalog([MINI_RUBRIC])


@pytest.fixture
def write(tmp_path, monkeypatch):
    """Write a text file under a temporary folder (the working directory) and return its relative path."""
    monkeypatch.chdir(tmp_path)

    def _write(name: str, text: str) -> Path:
        path = Path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def located_codes(problems) -> list[tuple[str, str]]:
    """Problems as (location, code): what most tests check, so that messages may be reworded."""
    return [(str(problem.location), problem.code) for problem in problems]


# Hypothesis profiles (tests/test_fuzz.py and the property tests): "ci", the default, bounded so that `make test`
# stays quick; "fuzz", long (`make fuzz`). Choose one with HYPOTHESIS_PROFILE=fuzz or --hypothesis-profile=fuzz.
import os  # noqa: E402

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", max_examples=100, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
