"""Reading YAML assessments: every kind of bad input is reported at once, with file:line:column."""

from __future__ import annotations

from readiness.cli import main
from readiness.intake.batch import load_assessments
from readiness.rubric.catalog import Catalog

from .conftest import MINI_A, MINI_RUBRIC, located_codes

BAD = """\
rubric: mini@0.1
agency: Test Agency
agency_id: Test Agency
round: 2026
colour: blue
answers:
  i1.a: 7
  i1.b: 2.5
  i2.a: three
  i2.n: {level: 2}
  i3.a: {level: 1, evidence_level: certified}
  i3.c: 2
  i3.b: true
  i4.a: 2
  i5.a: 1
  i5.n: 200
"""


def messages(batch) -> list[str]:
    return [str(problem) for problem in batch.problems]


def test_every_problem_with_its_line_and_column(write, mini_catalog):
    batch = load_assessments([write("bad.yaml", BAD)], mini_catalog)
    assert messages(batch) == [
        "bad.yaml:3:12: agency_id 'Test Agency' is not valid (did you mean 'test-agency'?): use 1–60 lowercase letters, digits, '-' or '_', "
        "starting with a letter or digit (e.g. nplra)",
        "bad.yaml:5:1: unknown field 'colour'; valid fields: rubric, agency, agency_id, round, respondent, answers",
        "bad.yaml:7:9: level 7 is out of range for i1.a; expected a level 0–4, 'na' (not applicable) or 'unknown' (don't know)",
        "bad.yaml:8:9: 2.5 is a number, but i1.b expects a whole level; expected a level 0–4, 'na' (not applicable) or 'unknown' (don't know)",
        "bad.yaml:9:9: 'three' is not a valid answer for i2.a; expected a level 0–4, 'na' (not applicable) or 'unknown' (don't know)",
        "bad.yaml:10:10: unknown field 'level' in the answer (i2.n is a number indicator: write value:); "
        "valid fields: value, evidence, evidence_level",
        "bad.yaml:11:36: evidence_level 'certified' is not valid; use one of none, documented, verified",
        "bad.yaml:12:3: unknown indicator 'i3.c' (did you mean 'i3.b'?) in rubric mini@0.1",
        "bad.yaml:13:9: true is not a valid answer for i3.b; expected a level 0–4, 'na' (not applicable) or 'unknown' (don't know)",
        "bad.yaml:16:9: warning: 200 is outside 0–10 for i5.n; it scores as 10",
    ]
    assert batch.assessments == []
    assert batch.report.failed == {"bad.yaml"}


def test_missing_answers_point_at_the_answers_key(write, mini_catalog):
    text = MINI_A.replace("  i1.b: 2\n", "").replace("  i2.a: 1\n", "  i2.a:\n")
    batch = load_assessments([write("gaps.yaml", text)], mini_catalog)
    assert messages(batch) == [
        "gaps.yaml:5:1: no answer for i1.b; add it, with a level, 'na' or 'unknown' (or use --partial)",
        "gaps.yaml:7:3: i2.a has no answer; give a level, 'na' or 'unknown' (or use --partial)",
    ]


def test_messages_name_only_the_answers_a_question_accepts(write):
    # i1.a applies to every agency (na: false); i2.n is a number
    rubric = write("rubric.yaml", MINI_RUBRIC.read_text(encoding="utf-8").replace(
        "            text: Level question 1a\n", "            text: Level question 1a\n            na: false\n"))
    catalog = Catalog([rubric])
    gaps = MINI_A.replace("  i1.a: {level: 4, evidence: \"Roadmap 2025\", evidence_level: documented}\n", "") \
        .replace("  i2.n: {value: 60, evidence: \"Portal stats\", evidence_level: verified}\n", "")
    assert messages(load_assessments([write("gaps.yaml", gaps)], catalog)) == [
        "gaps.yaml:5:1: no answer for i1.a; add it, with a level or 'unknown' (or use --partial)",
        "gaps.yaml:5:1: no answer for i2.n; add it, with a number, 'na' or 'unknown' (or use --partial)",
    ]
    wrong = MINI_A.replace("  i1.a: {level: 4,", "  i1.a: {level: 9,").replace("  i1.b: 2\n", "  i1.b: 9\n")
    assert messages(load_assessments([write("wrong.yaml", wrong)], catalog)) == [
        "wrong.yaml:6:17: level 9 is out of range for i1.a; expected a level 0–4 or 'unknown' (don't know)",
        "wrong.yaml:7:9: level 9 is out of range for i1.b; expected a level 0–4, 'na' (not applicable) or "
        "'unknown' (don't know)",
    ]


def test_missing_required_fields(write, mini_catalog):
    text = "rubric: mini@0.1\nagency_id: t\nround:\nanswers: {}\n"
    batch = load_assessments([write("fields.yaml", text)], mini_catalog)
    # In the same pass as the other errors, each missing answer is named (a file that would be alone).
    assert located_codes(batch.problems) == [
        ("fields.yaml:1:1", "missing-field"),
        ("fields.yaml:3:1", "missing-field"),
    ] + [("fields.yaml:4:1", "missing-answer")] * 9


def test_rubric_reference_unknown_or_other_version(write, mini_catalog):
    write("typo.yaml", MINI_A.replace("mini@0.1", "egov-readines@1.0"))
    write("old.yaml", MINI_A.replace("mini@0.1", "mini@0.0"))
    write("plain.yaml", MINI_A.replace("mini@0.1", "mini"))
    batch = load_assessments(["typo.yaml", "old.yaml", "plain.yaml"], mini_catalog)
    assert located_codes(batch.problems) == [
        ("typo.yaml:1:9", "rubric-not-found"),
        ("old.yaml:1:9", "rubric-not-found"),
        ("plain.yaml:1:9", "invalid-rubric-reference"),
    ]


def test_pinned_rubric_must_match(write, mini_catalog):
    from readiness.rubric.catalog import Catalog

    catalog = Catalog()
    pinned = catalog.resolve("un-egdi")
    batch = load_assessments([write("a.yaml", MINI_A)], mini_catalog, rubric=pinned)
    assert located_codes(batch.problems) == [
        ("a.yaml:1:9", "rubric-mismatch"),
    ]


def test_yaml_structure_problems(write, mini_catalog):
    write("alias.yaml", MINI_A.replace("  i1.b: 2\n", "  i1.b: &two 2\n").replace("  i2.a: 1\n", "  i2.a: *two\n"))
    write("dupe.yaml", MINI_A + "  i1.a: 3\n")
    write("syntax.yaml", MINI_A.replace("  i1.b: 2\n", "  i1.b: [2\n"))
    write("list.yaml", "- 1\n- 2\n")
    batch = load_assessments(["alias.yaml", "dupe.yaml", "syntax.yaml", "list.yaml"], mini_catalog)
    # i2.a is answered, by an alias: it is the alias that is reported, not a missing answer.
    assert located_codes(batch.problems) == [
        ("alias.yaml:8:9", "alias"),
        ("dupe.yaml:15:3", "duplicate-key"),
        ("syntax.yaml:8:7", "yaml-syntax"),
        ("list.yaml:1:1", "not-a-mapping"),
    ]


def test_valid_file_reads_every_answer(write, mini_catalog):
    batch = load_assessments([write("a.yaml", MINI_A)], mini_catalog)
    assert batch.problems == []
    (assessment,) = batch.assessments
    assert (assessment.agency, assessment.agency_id, assessment.round) == ("Test Agency", "test", "2026")
    assert assessment.answers["i1.a"].value == 4
    assert assessment.answers["i1.a"].evidence == "Roadmap 2025"
    assert assessment.answers["i1.a"].evidence_level == "documented"
    assert assessment.answers["i2.n"].value == 60.0
    assert assessment.answers["i2.n"].evidence_level == "verified"


def test_folders_are_searched_and_empty_ones_reported(write, mini_catalog, tmp_path):
    write("round/2026/a.yaml", MINI_A)
    write("round/.hidden/b.yaml", "not: an assessment\n")
    (tmp_path / "empty").mkdir()
    batch = load_assessments(["round", "empty"], mini_catalog)
    assert batch.report.files == ["round/2026/a.yaml"]
    assert messages(batch) == ["empty: folder has no assessment files (.yaml, .yml, .xlsx)"]


def test_cli_validate_exit_codes(write, runner):
    write("bad.yaml", BAD)
    write("good.yaml", MINI_A)
    result = runner.invoke(main, ["validate", "--rubric", str(MINI_RUBRIC), "good.yaml"])
    assert (result.exit_code, result.output) == (0, "good.yaml: ok\n1 file(s): 1 valid, 0 invalid\n")
    result = runner.invoke(main, ["validate", "--rubric", str(MINI_RUBRIC), "bad.yaml", "good.yaml"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("bad.yaml:3:12: agency_id 'Test Agency' is not valid")
    assert lines[-2:] == ["good.yaml: ok", "2 file(s): 1 valid, 1 invalid (9 error(s), 1 warning(s))"]
    assert "Traceback" not in result.output


def test_cli_usage_errors_exit_2(write, runner):
    result = runner.invoke(main, ["validate", "missing.yaml"])
    assert result.exit_code == 2
    assert "Path 'missing.yaml' does not exist." in result.output
    result = runner.invoke(main, ["score", "--colour", "x"])
    assert result.exit_code == 2
    assert "No such option '--colour'" in result.output


def test_oversized_file_is_refused_before_parsing(write, mini_catalog):
    from readiness.yamlio import MAX_YAML_BYTES

    write("huge.yaml", MINI_A + "#" * MAX_YAML_BYTES)
    batch = load_assessments(["huge.yaml"], mini_catalog)
    assert messages(batch) == ["huge.yaml: file is larger than the 2,097,152-byte limit for YAML files"]


def test_a_file_of_another_kind_is_named_for_what_it_is(runner, tmp_path):
    from .conftest import ROOT

    mapping, rubric = ROOT / "data" / "egdi" / "egdi-mapping.yaml", ROOT / "rubrics" / "un-egdi.yaml"
    result = runner.invoke(main, ["validate", str(mapping), str(rubric)])
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        f"{mapping}:10:1: this is an import mapping file, not an assessment; use it with `readiness import "
        f"RESPONSES --map FILE`",
        f"{rubric}:12:1: this is a rubric file, not an assessment; check it with `readiness rubric validate`",
    ]
    assessment = ROOT / "examples" / "2026" / "rmc.yaml"
    result = runner.invoke(main, ["rubric", "validate", str(assessment)])
    assert (result.exit_code, result.output) == (1, f"{assessment}:3:1: this is an assessment file, not a rubric; "
                                                    f"check it with `readiness validate`\n")


def test_evidence_level_is_read_whatever_its_letter_case(write, mini_catalog):
    # as in a workbook or a survey export: "Documented" and " VERIFIED " are what they say
    text = MINI_A.replace("evidence_level: documented", "evidence_level: Documented").replace(
        "evidence_level: verified", "evidence_level: ' VERIFIED '")
    batch = load_assessments([write("case.yaml", text)], mini_catalog)
    assert batch.problems == []
    answers = batch.assessments[0].answers
    assert (answers["i1.a"].evidence_level, answers["i2.n"].evidence_level) == ("documented", "verified")
