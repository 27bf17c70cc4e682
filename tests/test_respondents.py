"""Several respondents of one agency-round (DESIGN.md §4.9), worked by hand on the mini rubric."""

from __future__ import annotations

import pytest

from readiness.intake.batch import load_assessments
from readiness.rubric.catalog import Catalog
from readiness.scoring.batch import score_batch

from .conftest import MINI_RUBRIC, located_codes

HEAD = """\
rubric: mini@0.1
agency: Test Agency
agency_id: test
round: "2026"
respondent: {{name: {name}, role: {role}}}
answers:
"""

IT_LEAD = HEAD.format(name="A. Khan", role="it_lead") + """\
  i1.a: {level: 4, evidence: "Roadmap", evidence_level: documented}
  i1.b: 2
  i2.a: unknown
  i2.n: 60
  i3.a: na
  i3.b: 3
  i4.a: 2
  i5.a: 1
  i5.n: 2
"""
SENIOR = HEAD.format(name="B. Shah", role="senior") + """\
  i1.a: 3
  i1.b: 2
  i2.a: na
  i2.n: 40
  i3.a: na
  i3.b: 4
  i4.a: 3
  i5.a: 1
  i5.n: 2
"""
STAFF = HEAD.format(name="C. Baig", role="staff") + """\
  i1.a: 1
  i1.b: na
  i3.b: 1
  i4.a: 2
  i5.a: 2
  i5.n: 4
"""


@pytest.fixture
def card(write, mini_catalog):
    paths = [write("it.yaml", IT_LEAD), write("senior.yaml", SENIOR), write("staff.yaml", STAFF)]
    batch = load_assessments(paths, mini_catalog)
    assert batch.problems == []  # respondents may leave answers out: no error, no warning
    (scorecard,) = score_batch(batch.groups()).scorecards
    return scorecard


def test_median_per_indicator(card):
    # i1.a: levels 4, 3, 1 → s 1, 0.75, 0.25 → median 0.75 (level 3); spread 3 levels → divergent
    assert card.indicators["i1.a"].score == pytest.approx(75.0)
    assert card.indicators["i1.a"].answer == 3
    assert card.indicators["i1.a"].spread == pytest.approx(3.0)
    assert card.indicators["i1.a"].divergent is True
    assert card.indicators["i1.a"].evidence_level == "documented"
    # i1.b: 2, 2, na → the na is ignored; median 0.5, spread 0
    assert card.indicators["i1.b"].score == pytest.approx(50.0)
    assert card.indicators["i1.b"].divergent is False
    # i2.n: 60, 40 (staff left it out) → median of 0.6 and 0.4; spread 0.2 of the range = 0.8 levels
    assert card.indicators["i2.n"].score == pytest.approx(50.0)
    assert card.indicators["i2.n"].answer == pytest.approx(50.0)
    assert card.indicators["i2.n"].spread == pytest.approx(0.8)
    # i3.b: 3, 4, 1 → median 0.75, spread 3 levels
    assert card.indicators["i3.b"].score == pytest.approx(75.0)


def test_na_unknown_and_missing_merge(card):
    # i2.a: unknown, na, (left out) → nobody answered, not all na → unknown
    assert card.indicators["i2.a"].state == "unknown"
    assert card.indicators["i2.a"].score == 0.0
    # i3.a: na, na, (left out) → na
    assert card.indicators["i3.a"].state == "na"
    assert card.indicators["i3.a"].score is None


def test_divergences_name_each_respondent(card):
    assert [(d.indicator, d.spread) for d in card.divergences] == [("i1.a", 3.0), ("i3.b", 3.0)]
    assert [(a.respondent, a.role, a.source, a.answer) for a in card.divergences[0].answers] == [
        ("A. Khan (it_lead)", "it_lead", "it.yaml", 4), ("B. Shah (senior)", "senior", "senior.yaml", 3),
        ("C. Baig (staff)", "staff", "staff.yaml", 1)]


def test_respondents_with_the_same_label_are_all_kept(write, mini_catalog):
    anonymous = [IT_LEAD.replace("{name: A. Khan, role: it_lead}", "{role: staff}"),
                 STAFF.replace("{name: C. Baig, role: staff}", "{role: staff}")]
    paths = [write("s1.yaml", anonymous[0]), write("s2.yaml", anonymous[1])]
    batch = load_assessments(paths, mini_catalog)
    (card,) = score_batch(batch.groups()).scorecards
    assert [(a.respondent, a.source, a.answer) for a in card.divergences[0].answers] == [
        ("staff", "s1.yaml", 4), ("staff", "s2.yaml", 1)]
    assert list(card.roles) == ["staff"]


def test_merged_scores(card):
    # D1 = (0.75 + 0.5)/2 = 0.625; D2 = (0 + 0.5)/2 = 0.25; RI = (3·0.625 + 0.25)/4
    assert card.readiness == pytest.approx(100 * (3 * 0.625 + 0.25) / 4)
    # D3 = i3.b alone = 0.75 → R = 0.25
    assert card.resistance == pytest.approx(25.0)
    assert [r.role for r in card.respondents] == ["it_lead", "senior", "staff"]


def test_pillar_scores_per_role(card):
    # senior alone: D1 = (0.75 + 0.5)/2, D2 = 0.4 (i2.a na) → core = (3·0.625 + 0.4)/4; res: i3.b = 1.0
    assert card.roles["senior"]["core"] == pytest.approx(100 * (3 * 0.625 + 0.4) / 4)
    assert card.roles["senior"]["res"] == pytest.approx(100.0)
    # staff alone: i3.a left out (not counted), i3.b = 1 → 0.25; a gap of 75 points on resistance between senior and staff
    assert card.roles["staff"]["res"] == pytest.approx(25.0)
    # staff left out i2.a and i2.n: a role is judged on what it said, so D2 is not assessed for
    # staff and core = D1 = (0.25 + na)/1
    assert card.roles["staff"]["core"] == pytest.approx(25.0)
    assert sorted(card.roles) == ["it_lead", "senior", "staff"]


def test_respondents_must_agree_on_the_agency(write, mini_catalog):
    paths = [write("it.yaml", IT_LEAD), write("senior.yaml", SENIOR.replace("Test Agency", "Other Agency"))]
    batch = load_assessments(paths, mini_catalog)
    assert located_codes(batch.problems) == [("senior.yaml:2:9", "agency-name-clash")]  # the line to fix
    assert str(batch.problems[0]) == ("senior.yaml:2:9: names the agency 'Other Agency', but it.yaml (also test, "
                                      "round 2026) names it 'Test Agency'; write the same name in both (or give "
                                      "each agency its own agency_id)")
    assert [a.source for a in batch.assessments] == ["it.yaml"]  # the other file is left out, not scored


def test_respondents_must_answer_the_same_rubric(write, mini_catalog):
    newer = write("mini-02.yaml", MINI_RUBRIC.read_text(encoding="utf-8").replace('version: "0.1"', 'version: "0.2"'))
    paths = [write("it.yaml", IT_LEAD), write("senior.yaml", SENIOR.replace("mini@0.1", "mini@0.2"))]
    batch = load_assessments(paths, Catalog([MINI_RUBRIC, newer]))
    assert located_codes(batch.problems) == [("senior.yaml", "respondent-rubric-clash")]
    assert [a.source for a in batch.assessments] == ["it.yaml"]


def test_a_copied_respondent_file_is_refused(write, mini_catalog):
    paths = [write("it.yaml", IT_LEAD), write("it-copy.yaml", IT_LEAD)]
    batch = load_assessments(paths, mini_catalog)
    assert located_codes(batch.problems) == [("it.yaml", "duplicate-file")]
    assert [a.source for a in batch.assessments] == ["it-copy.yaml"]


def only(text: str, *idents: str) -> str:
    """A respondent file that answers only ``idents``."""
    lines = text.splitlines()
    head = lines[: lines.index("answers:") + 1]
    return "\n".join(head + [line for line in lines if line.strip().split(":")[0] in idents]) + "\n"


def test_an_indicator_nobody_answered_is_an_error_unless_partial(write, mini_catalog):
    paths = [write("s1.yaml", only(IT_LEAD, "i1.a", "i2.n")), write("s2.yaml", only(SENIOR, "i1.a", "i2.n", "i1.b"))]
    batch = load_assessments(paths, mini_catalog)
    assert [str(p) for p in batch.report.errors] == [
        "s1.yaml: no respondent of test round 2026 (s1.yaml, s2.yaml) answered i2.a, i3.a, i3.b, i4.a, i5.a, "
        "i5.n; someone must answer each indicator (or use --partial)"]
    assert batch.assessments == []
    batch = load_assessments(paths, mini_catalog, partial=True, min_coverage=0.25)  # they answer 29% of the weight
    assert [str(p) for p in batch.problems] == [
        "s1.yaml: warning: no respondent of test round 2026 answered i2.a, i3.a, i3.b, i4.a, i5.a, i5.n; each "
        "scores as 'unknown' (--partial)"]
    assert len(batch.assessments) == 2


def test_a_large_group_that_left_an_indicator_out_is_named_in_a_short_message(write, mini_catalog):
    # A survey import gives hundreds of respondent files: the message names a few and counts the rest.
    paths = [write(f"s{n}.yaml", only(IT_LEAD.replace("name: ", f"name: Staff {n} "), "i1.a", "i2.n"))
             for n in range(1, 6)]
    batch = load_assessments(paths, mini_catalog)
    assert [str(p) for p in batch.report.errors] == [
        "s1.yaml: no respondent of test round 2026 (5 files: s1.yaml, s2.yaml, s3.yaml and 2 more) answered "
        "i1.b, i2.a, i3.a, i3.b, i4.a, i5.a, i5.n; someone must answer each indicator (or use --partial)"]


def test_a_rejected_respondent_leaves_the_rest_checked_as_a_group(write, mini_catalog):
    # The second file names another agency and is rejected; the first, alone now, must be complete.
    paths = [write("s1.yaml", only(IT_LEAD, "i1.a", "i2.n")),
             write("s2.yaml", SENIOR.replace("Test Agency", "Other Agency"))]
    batch = load_assessments(paths, mini_catalog)
    assert located_codes(batch.problems)[:2] == [("s2.yaml:2:9", "agency-name-clash"),
                                                 ("s1.yaml:6:1", "missing-answer")]
    assert {code for _, code in located_codes(batch.problems)} == {"agency-name-clash", "missing-answer"}
    assert batch.assessments == []
