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


def test_round_2025_answers_rubric_1_0_and_round_2026_rubric_1_1_with_the_stories_of_its_new_dimensions():
    batch = load_assessments([ROOT / "examples"], Catalog())
    refs = {(a.round, f"{a.rubric_id}@{a.rubric_version}") for a in batch.assessments}
    assert refs == {("2025", "egov-readiness@1.0"), ("2026", "egov-readiness@1.1")}
    answers = {(a.agency_id, a.round, a.respondent.role): a.answers for a in batch.assessments}

    def mean(agency_id, role, dimension):
        levels = [answer.value for ident, answer in answers[(agency_id, "2026", role)].items()
                  if ident.startswith(f"{dimension}.") and answer.state == "answered"]
        return sum(levels) / len(levels)

    # nplra's staff expect to lose from the change and fear failure; its senior official sees it otherwise.
    for dimension in ("perceptions", "fatigue"):
        assert mean("nplra", "staff", dimension) < mean("nplra", "senior", dimension), dimension
    assert answers[("nplra", "2026", "staff")]["perceptions.personal_valence"].value <= 1
    # spetd's pilots succeeded; fseop, an internal programme, has no citizen transactions to take up digitally.
    assert answers[("spetd", "2026", "it_lead")]["change_management.pilots"].value == 4
    assert answers[("fseop", "2026", "it_lead")]["outcomes.digital_take_up"].state == "na"
