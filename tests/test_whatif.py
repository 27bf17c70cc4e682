"""What-if projections: they agree exactly with scoring an edited copy of the assessment."""

from __future__ import annotations

import json

import pytest

from readiness.cli import main
from readiness.intake.batch import load_assessments
from readiness.scoring.batch import score_batch
from readiness.scoring.projection import indicator_scores, project, set_dimension, whatif_changes

from .conftest import MINI_A
from .test_respondents import IT_LEAD, SENIOR, STAFF

#: What a projection must reproduce: every number that follows from the answers.
NUMBERS = ("readiness", "risk", "risk_base", "amplification", "resistance", "barrier_pressure", "stage", "risk_band",
           "quadrant", "coverage", "evidence", "counts", "pillars", "dimensions")


def scored(paths, catalog):
    batch = load_assessments(paths, catalog)
    assert batch.ok, batch.problems
    (card,) = score_batch(batch.groups()).scorecards
    return card


def numbers(card) -> dict:
    data = card.to_json_dict()
    found = {name: data[name] for name in NUMBERS}
    found["indicators"] = {ident: {key: item[key] for key in ("score", "state", "evidence_level", "coverage",
                                                                "evidence", "spread", "divergent")}
                           for ident, item in data["indicators"].items()}
    return found


def assert_same_numbers(projected, edited):
    left, right = numbers(projected), numbers(edited)
    assert json.loads(json.dumps(left), parse_float=lambda x: round(float(x), 9)) == \
        json.loads(json.dumps(right), parse_float=lambda x: round(float(x), 9))


@pytest.mark.parametrize("settings, edits", [
    ({"i1.b": 4}, {"  i1.b: 2": "  i1.b: 4"}),
    # evidence given with the answer is kept
    ({"i1.a": 1}, {"level: 4, evidence": "level: 1, evidence"}),
    ({"i2.n": 85}, {"value: 60,": "value: 85,"}),
    ({"i5.n": 7.5}, {"  i5.n: 2": "  i5.n: 7.5"}),
    # a dimension set to a score: d1 (i1.a 4, i1.b 2) at 100 needs both at 4
    ({"d1": 100}, {"  i1.b: 2": "  i1.b: 4"}),
    # d3 (i3.a 1, i3.b 3) at 25: the strongest is capped first, down to the weakest, then both fall to 1
    ({"d3": 25}, {"  i3.b: 3": "  i3.b: 1"}),
    ({"i1.b": 4, "d3": 75, "i4.a": 0}, {"  i1.b: 2": "  i1.b: 4", "  i3.a: 1": "  i3.a: 3", "  i4.a: 2": "  i4.a: 0"}),
])
def test_a_whatif_equals_rescoring_the_edited_file(write, mini_catalog, mini_rubric, settings, edits):
    edited_text = MINI_A
    for old, new in edits.items():
        assert old in edited_text
        edited_text = edited_text.replace(old, new)
    before = scored([write("a.yaml", MINI_A)], mini_catalog)
    edited = scored([write("edited/a.yaml", edited_text)], mini_catalog)
    projected = project(mini_rubric, before, whatif_changes(mini_rubric, before, settings))
    assert_same_numbers(projected, edited)
    assert projected.projection is not None and edited.projection is None


def test_an_unknown_answer_set_to_a_level_counts_as_answered(write, mini_catalog, mini_rubric):
    text = MINI_A.replace("  i2.a: 1", "  i2.a: unknown")
    before = scored([write("a.yaml", text)], mini_catalog)
    edited = scored([write("edited/a.yaml", MINI_A.replace("  i2.a: 1", "  i2.a: 3"))], mini_catalog)
    projected = project(mini_rubric, before, whatif_changes(mini_rubric, before, {"i2.a": 3}))
    assert before.coverage < projected.coverage == edited.coverage
    assert_same_numbers(projected, edited)


def test_a_whatif_on_a_group_sets_every_respondents_answer(write, mini_catalog, mini_rubric):
    paths = [write("it.yaml", IT_LEAD), write("senior.yaml", SENIOR), write("staff.yaml", STAFF)]
    before = scored(paths, mini_catalog)
    edited = [write("e/it.yaml", IT_LEAD.replace("  i4.a: 2", "  i4.a: 3")), write("e/senior.yaml", SENIOR),
              write("e/staff.yaml", STAFF.replace("  i4.a: 2", "  i4.a: 3"))]
    projected = project(mini_rubric, before, whatif_changes(mini_rubric, before, {"i4.a": 3}))
    assert_same_numbers(projected, scored(edited, mini_catalog))
    assert projected.roles == {} and projected.agreement is None  # a projection has no respondents to compare


def test_setting_a_dimension_lifts_its_weakest_indicators_to_a_common_floor(mini_rubric, write, mini_catalog):
    # d1: i1.a scores 1.0 (level 4), i1.b 0.5 (level 2), weights 1 and 1, so D = 0.75.
    scores = indicator_scores(scored([write("a.yaml", MINI_A)], mini_catalog))
    assert set_dimension(mini_rubric, scores, "d1", 0.9) == pytest.approx({"i1.b": 0.8})  # (1.0 + 0.8)/2
    assert set_dimension(mini_rubric, scores, "d1", 0.4) == pytest.approx({"i1.a": 0.4, "i1.b": 0.4})
    assert set_dimension(mini_rubric, scores, "d1", 0.6) == pytest.approx({"i1.a": 0.7})  # (0.7 + 0.5)/2
    assert set_dimension(mini_rubric, scores, "d1", 0.75) == {}


def test_whatif_table(write, runner):
    from .conftest import MINI_RUBRIC

    write("a.yaml", MINI_A)
    result = runner.invoke(main, ["whatif", "a.yaml", "--rubric", str(MINI_RUBRIC), "--set", "d3=75"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    # d3 (i3.a 1, i3.b 3 → 0.5) at 0.75 lifts i3.a to 3 too: R = 0.25 instead of 0.5.  Barriers (see
    # test_scoring): d4 b = 0.5, α = 1 → b' = 0.5·1.25 = 0.625; d5 b = 0.475, α = 0.5 → b' = 0.534375;
    # risk = (0.25 + (0.625 + 0.534375)/2)/2 = 41.48; risk_base = (0.25 + 0.4875)/2 = 36.875, amplification 4.61.
    assert result.output == """\
Test Agency (test), round 2026: what if d3=75
              Before                After          Change
─────────────────────────────────────────────────────────
Readiness     66.9                  66.9
Risk          58.6                  41.5            -17.1
Amplification 9.2                   4.6              -4.6
Stage         4 Managed             4 Managed
Risk band     High                  Moderate
Quadrant      Capable but contested Ready to scale
dimension d3  50.0                  75.0            +25.0

Under the headline figures: the dimensions the change moved and the answers set.
  A what-if re-scores the assessment with the answers changed; every number in
  full: --format json.
"""


def test_whatif_json_has_before_and_after(write, runner):
    from .conftest import MINI_RUBRIC

    write("a.yaml", MINI_A)
    result = runner.invoke(main, ["whatif", "a.yaml", "--rubric", str(MINI_RUBRIC), "--set", "i1.b=4",
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert sorted(data) == ["after", "before"]
    assert data["before"]["indicators"]["i1.b"]["answer"] == 2 and data["after"]["indicators"]["i1.b"]["answer"] == 4
    assert data["after"]["projection"] == {"changes": {"i1.b": 100.0}} and "projection" not in data["before"]


@pytest.mark.parametrize("setting, message", [
    ("d11=50", "Invalid value for --set: 'd11' is neither a dimension nor an indicator of mini@0.1 "
              "(did you mean 'd1'?)"),
    ("i1.a=7", "Invalid value for --set: i1.a=7: a level of i1.a is a whole number 0–4"),
    ("i1.a=2.5", "Invalid value for --set: i1.a=2.5: a level of i1.a is a whole number 0–4"),
    ("i2.n=120", "Invalid value for --set: i2.n=120: i2.n is a number 0–100"),
    ("d1=101", "Invalid value for --set: d1=101: a dimension's score is 0–100"),
    ("d1", "Invalid value for --set: 'd1': write DIMENSION=SCORE (0-100) or INDICATOR=LEVEL, e.g. incentives=60 "
           "or strategy.vision=3"),
    ("d1=high", "Invalid value for --set: 'd1=high': write DIMENSION=SCORE (0-100) or INDICATOR=LEVEL, "
                "e.g. incentives=60 or strategy.vision=3"),
])
def test_whatif_settings_are_checked(write, runner, setting, message):
    from .conftest import MINI_RUBRIC

    write("a.yaml", MINI_A)
    result = runner.invoke(main, ["whatif", "a.yaml", "--rubric", str(MINI_RUBRIC), "--set", setting],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"Error: {message}"


def test_whatif_refuses_a_dimension_and_its_indicator_together(write, runner):
    from .conftest import MINI_RUBRIC

    write("a.yaml", MINI_A)
    result = runner.invoke(main, ["whatif", "a.yaml", "--rubric", str(MINI_RUBRIC), "--set", "d1=90",
                                  "--set", "i1.b=3"], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == ("Error: Invalid value for --set: d1 and i1.b are both set; set the "
                                              "dimension or its indicators, not both")


def test_whatif_takes_one_agency_round(write, runner):
    from .conftest import MINI_RUBRIC

    write("a.yaml", MINI_A)
    write("b.yaml", MINI_A.replace("agency_id: test", "agency_id: other"))
    result = runner.invoke(main, ["whatif", "a.yaml", "b.yaml", "--rubric", str(MINI_RUBRIC), "--set", "d1=90"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == ("Error: whatif re-scores one agency-round; these files hold 2 "
                                              "(other 2026, test 2026): give the files of one")
