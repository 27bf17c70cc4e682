"""The method's fixes of issue 7, worked by hand: groups, evidence, `na: false`, thresholds, agreement."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readiness.intake.batch import load_assessments
from readiness.rubric.catalog import Catalog, load_rubric
from readiness.scoring.agreement import krippendorff_alpha
from readiness.scoring.batch import score_batch
from readiness.scoring.scorecard import score_assessment

from .conftest import MINI_A, MINI_RUBRIC, ROOT, located_codes
from .test_respondents import IT_LEAD, SENIOR, STAFF


def scored(paths, catalog, partial: bool = False):
    batch = load_assessments(paths, catalog, partial=partial)
    assert batch.report.errors == []
    return score_batch(batch.groups()).scorecards


def test_a_groups_unknown_counts_as_the_lowest_answer(write, mini_catalog):
    # i2.a: it_lead unknown, senior na, staff left it out. Alone, the unknown scores 0.
    (card,) = scored([write("it.yaml", IT_LEAD), write("senior.yaml", SENIOR), write("staff.yaml", STAFF)],
                     mini_catalog)
    assert (card.indicators["i2.a"].state, card.indicators["i2.a"].score) == ("unknown", 0.0)
    # i1.a with the senior's 3 made unknown: levels 4, unknown, 1 -> s 1, 0, 0.25 -> median 0.25 (was 0.625
    # when unknown was ignored, higher than with the senior's real 3, which gives 0.75).
    text = SENIOR.replace("  i1.a: 3\n", "  i1.a: unknown\n")
    (card,) = scored([write("it.yaml", IT_LEAD), write("senior.yaml", text), write("staff.yaml", STAFF)],
                     mini_catalog)
    assert card.indicators["i1.a"].score == pytest.approx(25.0)
    assert card.indicators["i1.a"].answer == 1  # the median answer, unknown as level 0


@settings(max_examples=60, deadline=None)
@given(levels=st.lists(st.sampled_from(["0", "1", "2", "3", "4", "unknown", "na", None]), min_size=3, max_size=3),
       which=st.integers(0, 2), real=st.integers(0, 4))
def test_a_real_answer_never_scores_below_unknown(tmp_path_factory, levels, which, real):
    """Replacing any respondent's `unknown` by any level never lowers the group's readiness (monotone)."""
    folder = tmp_path_factory.mktemp("group")
    catalog = Catalog([MINI_RUBRIC])
    levels[which] = "unknown"

    def readiness(answers) -> float:
        paths = []
        for index, answer in enumerate(answers):
            text = MINI_A.replace("  i1.b: 2\n", "" if answer is None else f"  i1.b: {answer}\n")
            path = folder / f"r{index}-{'-'.join(map(str, answers))}.yaml"
            path.write_text(text.replace("agency: Test Agency", f"agency: Test Agency\nrespondent: {{role: r{index}}}"),
                            encoding="utf-8")
            paths.append(path)
        batch = load_assessments(paths, catalog, partial=True)
        return score_batch(batch.groups()).scorecards[0].readiness

    with_unknown = readiness(levels)
    levels[which] = str(real)
    assert readiness(levels) >= with_unknown - 1e-9


def test_a_groups_evidence_is_the_share_of_respondents_with_evidence(write, mini_catalog):
    (card,) = scored([write("it.yaml", IT_LEAD), write("senior.yaml", SENIOR), write("staff.yaml", STAFF)],
                     mini_catalog)
    # i1.a: the IT lead alone of three gives evidence -> 1/3 (it was counted as evidenced for the group).
    assert card.indicators["i1.a"].evidence == pytest.approx(100 / 3)
    assert card.indicators["i1.a"].evidence_level == "documented"  # the best level, for display
    # d1 = (i1.a 1/3 + i1.b 0)/2; the pillar core = (3·d1 + 1·d2 0)/4; core is one pillar of three.
    assert card.dimensions["d1"].evidence == pytest.approx(100 / 6)
    assert card.evidence == pytest.approx(100 * (3 * (1 / 6)) / 4 / 3)


def test_the_example_groups_evidence_is_no_higher_than_its_best_respondent():
    paths = [ROOT / "examples" / "2026" / f"nplra-{role}.yaml" for role in ("it-lead", "senior", "staff")]
    (group,) = scored(paths, Catalog())
    alone = [scored([path], Catalog(), partial=True)[0].evidence for path in paths]  # the staff left three out
    assert [round(value, 1) for value in alone] == [50.3, 31.1, 8.8]
    assert group.evidence <= max(alone)
    assert group.evidence == pytest.approx(31.40, abs=0.01)  # would be 62.7 if a group took the best evidence


def test_na_is_refused_where_the_rubric_says_the_question_applies_to_everyone(write, tmp_path):
    strict = write("strict.yaml", MINI_RUBRIC.read_text(encoding="utf-8").replace(
        "        title: Dimension one\n", "        title: Dimension one\n        na: false\n"))
    catalog = Catalog([strict])
    batch = load_assessments([write("a.yaml", MINI_A.replace("  i1.b: 2\n", "  i1.b: n/a\n"))], catalog)
    assert [str(p) for p in batch.problems] == [
        "a.yaml:7:9: i1.b cannot be 'na' (not applicable): the rubric says it applies to every agency; give a "
        "level or 'unknown'"]
    assert load_assessments([write("b.yaml", MINI_A.replace("  i2.a: 1\n", "  i2.a: na\n"))], catalog).problems == []
    # In a workbook the drop-down offers no 'Not applicable' there; a pasted one is refused at its cell.
    import openpyxl

    from .xlsx_helpers import answer_cell, blank_workbook, fill_workbook

    rubric = load_rubric(strict)
    path = blank_workbook(tmp_path / "w.xlsx", rubric)
    cells = {"i1.a": "4 – Optimised", "i1.b": "Not applicable", "i2.a": 1, "i2.n": 60, "i3.a": 1, "i3.b": 3,
             "i4.a": 2, "i5.a": 1, "i5.n": 2}
    fill_workbook(path, cells, cover={"B4": "Test Agency", "B5": "test", "B6": "2026"})
    assert located_codes(load_assessments([path], catalog).problems) == [
        (f"{path}: Assessment!{answer_cell(path, 'i1.b')}", "na-not-accepted")]
    lists = [dv for dv in openpyxl.load_workbook(path)["Assessment"].data_validations.dataValidation
             if dv.type == "list" and "Absent" in dv.formula1]
    assert sorted(("Not applicable" in dv.formula1, str(dv.sqref)) for dv in lists) == [
        (False, f"{answer_cell(path, 'i1.a')} {answer_cell(path, 'i1.b')}"),
        (True, f"{answer_cell(path, 'i2.a')} {answer_cell(path, 'i3.a')} {answer_cell(path, 'i3.b')} "
               f"{answer_cell(path, 'i4.a')} {answer_cell(path, 'i5.a')}")]


def test_the_default_rubric_keeps_the_dimensions_no_agency_can_lack():
    for ref, lacking in (("egov-readiness@1.0", []), ("egov-readiness", ["perceptions"])):  # 1.1: staff's beliefs
        rubric = Catalog().find(ref)
        strict = [d.id for p in rubric.pillars for d in p.dimensions if not d.na]
        assert strict == ["strategy", "governance", "cybersecurity", "skills", *lacking]


def test_thresholds_in_the_rubric_move_stage_band_and_quadrant(write):
    custom = write("custom.yaml", MINI_RUBRIC.read_text(encoding="utf-8").replace("pillars:\n", (
        "thresholds:\n  stages: [10, 30, 50, 70]\n  risk_bands: [30, 60, 90]\n  quadrant: {readiness: 70, risk: 60}\n"
        "  gate_offset: 0\n  divergence_levels: 3\npillars:\n"), 1))
    rubric = load_rubric(custom)
    (assessment,) = load_assessments([write("a.yaml", MINI_A)], Catalog([custom])).assessments
    card = score_assessment(rubric, [assessment])
    # Readiness 66.875 is stage 4 by the cuts 10/30/50/70; the weakest capability dimension d2 (42.5) is
    # in band 3, with no offset: stage 3, held back by d2 (the default cuts and offset give 4 Managed).
    assert (card.stage.level, card.stage.name, card.stage.limited_by) == (3, "Defined", "d2")
    assert card.risk_band == "Moderate"  # 58.6 is under 60
    assert card.quadrant == "Willing but under-equipped"  # readiness under 70, risk under 60


def test_rubric_show_names_the_thresholds(runner):
    from readiness.cli import main

    result = runner.invoke(main, ["rubric", "show", "egov-readiness"])
    assert ("thresholds: stages 20, 40, 60, 80; risk bands 25, 50, 75; quadrant at readiness 50 and risk 50; "
            "gate offset 1; divergence 2 levels") in result.output.replace("\n    ", " ")


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units, values 1-5.
KRIPPENDORFF = [
    "1 2 3 3 2 1 4 1 2 . . .",
    "1 2 3 3 2 2 4 1 2 5 . 3",
    ". 3 3 3 2 3 4 2 2 5 1 .",
    "1 2 3 3 2 4 4 1 2 5 1 .",
]


def test_krippendorffs_worked_example():
    data = [[float("nan") if value == "." else float(value) for value in row.split()] for row in KRIPPENDORFF]
    assert round(krippendorff_alpha(data, "nominal"), 3) == 0.743
    assert round(krippendorff_alpha(data, "ordinal"), 3) == 0.815
    assert round(krippendorff_alpha(data, "interval"), 3) == 0.849


def test_alpha_is_undefined_where_there_is_nothing_to_agree_on():
    nan = float("nan")
    assert krippendorff_alpha([[1, nan], [nan, 2]]) is None  # no question answered by two respondents
    assert krippendorff_alpha([[1, 2]]) is None  # one respondent
    assert krippendorff_alpha([[1, 1], [1, 1]], value_domain=[1]) is None  # a one-value scale


def test_krippendorffs_example_through_a_scored_group(write):
    """The worked example as four respondents answering a 12-question rubric on a 1-5 scale."""
    indicators = "".join(f"          - {{id: d.q{i}, text: Q{i}, levels: {{1: a, 2: b, 3: c, 4: d, 5: e}}}}\n"
                         for i in range(12))
    rubric = write("k.yaml", "id: k\nversion: '1'\ntitle: K\nscale: {min: 1, max: 5, labels: {1: a, 2: b, 3: c, "
                             "4: d, 5: e}}\npillars:\n  - id: p\n    kind: capability\n    title: P\n    dimensions:\n"
                             "      - id: d\n        title: D\n        indicators:\n" + indicators)
    paths = []
    for observer, row in enumerate(KRIPPENDORFF):
        answers = "".join(f"  d.q{i}: {value}\n" for i, value in enumerate(row.split()) if value != ".")
        paths.append(write(f"o{observer}.yaml", f"rubric: k@1\nagency: K\nagency_id: k\nround: '1'\n"
                                                 f"respondent: {{name: O{observer}}}\nanswers:\n{answers}"))
    batch = load_assessments(paths, Catalog([rubric]))
    (card,) = score_batch(batch.groups()).scorecards
    assert round(card.agreement.alpha, 3) == 0.815
    assert card.agreement.dimensions == {"d": card.agreement.alpha}
    assert card.agreement.broad_disagreement is False and card.agreement.level == "ordinal"


def test_broad_disagreement_is_warned_with_the_lowest_dimensions():
    paths = [ROOT / "examples" / "2026" / f"nplra-{role}.yaml" for role in ("it-lead", "senior", "staff")]
    batch = load_assessments(paths, Catalog())
    result = score_batch(batch.groups())
    (card,) = result.scorecards
    assert card.agreement.broad_disagreement
    (problem,) = result.problems
    assert (str(problem.location), problem.code, problem.severity) == (
        str(paths[0]), "broad-disagreement", "warning")
    lowest = sorted((v, k) for k, v in card.agreement.dimensions.items() if v is not None)[:3]
    assert problem.message.endswith("lowest agreement: " + ", ".join(f"{k} {v:.2f}" for v, k in lowest))
    # Per-role readiness and risk: the senior official sees far less resistance than the staff.
    roles = card.role_indices
    assert roles["senior"].risk < roles["it_lead"].risk < roles["staff"].risk
