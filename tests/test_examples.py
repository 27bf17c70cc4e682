"""The bundled examples are what their generator writes, and they tell the stories the README tells."""

from __future__ import annotations

import subprocess
import sys

from readiness.intake.batch import load_assessments
from readiness.rubric.catalog import Catalog
from readiness.scoring.batch import score_batch

from .conftest import ROOT


def test_examples_are_what_the_generator_writes(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_examples.py"), str(tmp_path)], check=True,
                   capture_output=True)
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.yaml"))
    committed = sorted(p.relative_to(ROOT / "examples") for p in (ROOT / "examples").rglob("*.yaml"))
    assert written == committed
    for relative in written:
        assert (tmp_path / relative).read_text(encoding="utf-8") == \
            (ROOT / "examples" / relative).read_text(encoding="utf-8"), f"run scripts/make_examples.py ({relative})"


def test_every_example_says_it_is_illustrative():
    for path in (ROOT / "examples").rglob("*.yaml"):
        assert path.read_text(encoding="utf-8").startswith("# Illustrative data: a fictional agency"), path


def test_examples_score_into_the_quadrants_their_stories_name():
    batch = load_assessments([ROOT / "examples"], Catalog())
    assert batch.report.errors == []
    cards = {(card.agency_id, card.round): card for card in score_batch(batch.groups()).scorecards}
    assert len(cards) == 18
    assert cards[("frdsb", "2026")].quadrant == "Ready to scale"
    assert cards[("nplra", "2026")].quadrant == "Capable but contested"
    assert len(cards[("nplra", "2026")].respondents) == 3
    assert cards[("wpps", "2026")].quadrant == "Stalled"
    assert (cards[("rmc", "2025")].quadrant, cards[("rmc", "2026")].quadrant) == ("Ready to scale", "Stalled")
    assert cards[("fseop", "2026")].stage.limited_by == "cybersecurity"
