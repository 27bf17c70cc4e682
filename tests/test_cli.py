"""The command line, end to end, with exact output."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys

import pytest

from readiness.cli import main
from readiness.intake.batch import load_assessments
from readiness.intake.schema import schema_file_name, schema_json
from readiness.rubric.catalog import Catalog

from .conftest import MINI_A, MINI_RUBRIC, ROOT


def test_score_table(write, runner):
    write("a.yaml", MINI_A)
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "a.yaml"])  # 100 columns (conftest)
    assert result.exit_code == 0
    # Under readiness and risk, the range of 90% of the draws; '?': the stage is held in under 80% of them.
    assert result.output.splitlines()[:5] == [
        "                                                                            Cover      N",
        "Agency       Round  Ready   Risk  (amp)  Stage       Quadrant                Evid  Agree",
        "─" * 88,
        "Test Agency  2026    66.9   58.6   +9.2  4 Managed?  Capable but contested   100%      1",
        "                    56–77  44–72                                              17%",
    ]
    # The range is rounded outwards, so that it holds the score shown above it.
    (card,) = json.loads(runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "a.yaml", "--format",
                                              "json"]).output)
    (ready_low, ready_high), (risk_low, risk_high) = card["interval"]["readiness"], card["interval"]["risk"]
    assert (math.floor(ready_low), math.ceil(ready_high), math.floor(risk_low), math.ceil(risk_high)) == (
        56, 77, 44, 72)
    assert round(ready_low) == 57 and round(risk_low) == 45  # rounded to nearest, the ranges would differ
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "--draws", "0", "a.yaml"])
    assert result.output.splitlines()[1:4] == [
        "Agency       Round  Ready  Risk  (amp)  Stage      Quadrant                Evid  Agree",
        "─" * 86,
        "Test Agency  2026    66.9  58.6   +9.2  4 Managed  Capable but contested   100%      1",
    ]


LONG_NAME = "Northern Province Land Records Authority of the Highlands"


def test_score_table_fits_a_narrow_terminal(write, runner):
    write("a.yaml", MINI_A)
    write("b.yaml", MINI_A.replace("agency: Test Agency", f"agency: {LONG_NAME}").replace("agency_id: test",
                                                                                          "agency_id: nplra"))
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "a.yaml", "b.yaml"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    # The name gives way first, the quadrant next; a quadrant that wraps anyway gives its spare room back.
    assert result.output.splitlines()[:9] == [
        "                                                                     Cover     N",
        "Agency                Round Ready  Risk (amp) Stage      Quadrant     Evid Agree",
        "─" * 80,
        "Northern Province     2026   66.9  58.6  +9.2 4 Managed? Capable but  100%     1",
        "Land Records                57–78 44–72                  contested     17%",
        "Authority of the",
        "Highlands",
        "Test Agency           2026   66.9  58.6  +9.2 4 Managed? Capable but  100%     1",
        "                            56–77 44–72                  contested     17%",
    ]
    # Too narrow for every column: each agency-round becomes a block of lines, nothing is cut off.
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "a.yaml", "b.yaml"], env={"COLUMNS": "50"})
    assert result.output.splitlines()[:9] == [
        "Northern Province Land Records Authority of the",
        "  Highlands (2026)",
        "  Ready 66.9 (57–78), Risk 58.6 (44–72), amp +9.2,",
        "  4 Managed?, Capable but contested, Cover 100%,",
        "  Evid 17%, N 1",
        "Test Agency (2026)",
        "  Ready 66.9 (56–77), Risk 58.6 (44–72), amp +9.2,",
        "  4 Managed?, Capable but contested, Cover 100%,",
        "  Evid 17%, N 1",
    ]


@pytest.mark.parametrize("columns", [40, 57, 64, 76, 80, 91, 100, 120, 200])
def test_no_line_is_wider_than_the_terminal(write, runner, columns):
    from rich.cells import cell_len

    write("a.yaml", MINI_A.replace("agency: Test Agency", "agency: 北部省土地记录局 Land Records"))
    write("b.yaml", MINI_A.replace("agency: Test Agency", f"agency: {LONG_NAME}").replace("agency_id: test",
                                                                                          "agency_id: nplra"))
    for args in (["score", "--rubric", str(MINI_RUBRIC), "a.yaml", "b.yaml"], ["rubric", "show", "egov-readiness"],
                 ["rubric", "list"]):
        result = runner.invoke(main, args, env={"COLUMNS": str(columns)})
        assert result.exit_code == 0, result.output
        widest = max(cell_len(line) for line in result.output.splitlines())
        assert widest <= columns, (args, widest)
        if args[0] == "score":
            assert "北部省土地记录局" in result.output and "Highlands" in result.output


def test_a_seed_without_draws_is_refused(write, runner):
    write("a.yaml", MINI_A)
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "--draws", "0", "--seed", "3", "a.yaml"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: --seed has no effect with --draws 0 (no draws, no intervals); leave one of them out")


def test_agency_text_is_never_markup(write, runner):
    write("a.yaml", MINI_A.replace("agency: Test Agency", "agency: '[bold red]Agency[/] :warning:'"))
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "--draws", "0", "a.yaml"])
    assert result.exit_code == 0
    assert result.output.splitlines()[3:5] == [
        "[bold red]Agency[/]        2026    66.9  58.6   +9.2  4 Managed  Capable but contested   100%      1",
        ":warning:                                                                                 17%"]
    assert "\x1b" not in result.output


def test_table_flags_low_coverage(write, runner):
    text = "\n".join(line for line in MINI_A.splitlines() if not line.startswith(("  i3", "  i4", "  i5"))) + "\n"
    write("a.yaml", text)
    result = runner.invoke(main, ["score", "--partial", "--min-coverage", "30", "--rubric", str(MINI_RUBRIC),
                                  "a.yaml"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[3].split()[-2] == "33%!"  # capability only: one pillar of three answered
    assert "! under 50% answered: these scores rest mostly on missing or 'unknown' answers" in lines


def test_score_json_has_every_published_field(write, runner):
    write("a.yaml", MINI_A)
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "--format", "json", "a.yaml"])
    assert result.exit_code == 0
    (card,) = json.loads(result.output)
    for name in ("agency", "agency_id", "round", "rubric", "readiness", "risk", "risk_base", "amplification", "stage",
                 "risk_band", "quadrant", "coverage", "evidence", "respondents", "pillars", "dimensions",
                 "indicators", "interval", "stage_confidence", "risk_band_confidence", "quadrant_confidence",
                 "uncertainty", "role_indices"):
        assert name in card
    assert "agreement" not in card  # only for several respondents
    assert card["uncertainty"] == {"draws": 1000, "seed": 20261129}
    assert set(card["interval"]) == {"readiness", "risk", "risk_base", "amplification"}
    assert card["interval"]["readiness"][0] <= card["readiness"] <= card["interval"]["readiness"][1]
    assert card["dimensions"]["d1"]["interval"][0] <= 75.0 <= card["dimensions"]["d1"]["interval"][1]
    assert card["role_indices"] == {"unspecified": {"readiness": 66.875, "risk": 58.59375}}
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "--format", "json", "--draws", "0", "a.yaml"])
    (plain,) = json.loads(result.output)
    for name in ("interval", "stage_confidence", "risk_band_confidence", "quadrant_confidence", "uncertainty"):
        assert name not in plain  # only when uncertainty was computed
    assert "interval" not in plain["dimensions"]["d1"]
    assert {k: v for k, v in card.items() if k not in ("interval", "stage_confidence", "risk_band_confidence",
                                                       "quadrant_confidence", "uncertainty", "dimensions")} == \
        {k: v for k, v in plain.items() if k != "dimensions"}  # the draws change no reported value
    assert card["rubric"]["id"] == "mini" and len(card["rubric"]["sha256"]) == 64
    assert card["readiness"] == 66.875 and card["risk"] == 58.59375
    assert card["stage"] == {"level": 4, "name": "Managed", "limited_by": None}
    assert card["pillars"]["core"] == {"score": 66.875, "kind": "capability"}
    assert card["dimensions"]["d2"]["score"] == 42.5 and card["dimensions"]["d2"]["pillar"] == "core"
    assert card["indicators"]["i1.a"] == {"score": 100.0, "answer": 4.0, "state": "answered",
                                          "evidence_level": "documented", "spread": None, "divergent": False,
                                          "coverage": 100.0, "evidence": 100.0}
    assert card["respondents"][0]["source"] == "a.yaml"


def test_score_csv_is_formula_safe(write, runner):
    write("a.yaml", MINI_A.replace("agency: Test Agency", "agency: '=HYPERLINK(\"http://x\")'"))
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "--format", "csv", "a.yaml"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0]["agency"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["readiness"] == "66.875"
    assert rows[0]["dimension.d5"] == "52.5"
    assert rows[0]["stage_name"] == "Managed"


def test_score_writes_output_atomically_and_reports_bad_files(write, runner, tmp_path):
    write("good.yaml", MINI_A)
    write("bad.yaml", MINI_A.replace("i1.b: 2", "i1.b: 9"))
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "--format", "json", "-o", "out.json",
                                  "good.yaml", "bad.yaml"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "bad.yaml:7:9: level 9 is out of range for i1.b; expected a level 0–4, 'na' (not applicable) or 'unknown' (don't know)",
        "Wrote 1 scorecard(s) to out.json",
        "1 file(s) could not be scored; see the messages above.",
    ]
    assert [card["agency_id"] for card in json.loads((tmp_path / "out.json").read_text())] == ["test"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_template_reads_back_for_every_shipped_rubric(runner, tmp_path):
    for rubric in Catalog().rubrics:
        path = tmp_path / f"{rubric.id}-{rubric.version}.yaml"
        result = runner.invoke(main, ["template", "--rubric", rubric.ref, "--agency", "Northern Province Land Records "
                                      "Authority", "--agency-id", "nplra", "--round", "2026", "-o", str(path)])
        assert result.exit_code == 0, result.output
        blank = load_assessments([path], Catalog(), partial=True, min_coverage=0)
        assert blank.report.errors == []
        (assessment,) = blank.assessments
        assert assessment.agency == "Northern Province Land Records Authority"
        assert assessment.missing == list(rubric.places)
        # Fill every answer in place (the template's line for each indicator) and read it back.
        filled = []
        for line in path.read_text(encoding="utf-8").splitlines():
            ident = line.strip().removesuffix(": null")
            if line.startswith("  ") and ident in rubric.places:
                kind = rubric.places[ident].indicator.type
                line = f"  {ident}: " + ("2" if kind == "level" else "{value: 0.5, evidence: 'Report', "
                                                                    "evidence_level: verified}")
            filled.append(line)
        path.write_text("\n".join(filled) + "\n", encoding="utf-8")
        batch = load_assessments([path], Catalog())
        assert batch.problems == []
        answers = batch.assessments[0].answers
        assert {a.state for a in answers.values()} == {"answered"}
        assert all(a.value == (2 if rubric.places[i].indicator.type == "level" else 0.5) for i, a in answers.items())


def test_template_placeholder_gives_clear_errors(runner, tmp_path):
    path = tmp_path / "blank.yaml"
    runner.invoke(main, ["template", "--rubric", "un-egdi", "-o", str(path)])
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[:3] == [
        f"{path}:18:1: missing required field 'agency'",
        f"{path}:19:1: missing required field 'agency_id'",
        f"{path}:20:1: missing required field 'round'",
    ]


@pytest.mark.parametrize("rubric", Catalog().rubrics, ids=lambda r: r.ref)
def test_committed_schema_is_fresh(rubric):
    committed = ROOT / "docs" / "schema" / schema_file_name(rubric)
    assert committed.read_text(encoding="utf-8") == schema_json(rubric), "run `make schemas` and commit the result"


def test_schema_is_draft7_and_accepts_the_examples():
    jsonschema = pytest.importorskip("jsonschema")
    from readiness.yamlio import load_yaml_file

    validators = {}
    for ref in ("egov-readiness@1.0", "egov-readiness@1.1"):
        schema = json.loads(schema_json(Catalog().resolve(ref)))
        jsonschema.Draft7Validator.check_schema(schema)
        validators[ref] = jsonschema.Draft7Validator(schema)
    examples = sorted((ROOT / "examples").rglob("*.yaml"))
    assert examples
    for path in examples:  # each against the schema of the rubric it answers (2025: 1.0, 2026: 1.1)
        data = load_yaml_file(path).data
        assert list(validators[data["rubric"]].iter_errors(data)) == [], path
        other = "egov-readiness@1.0" if data["rubric"] == "egov-readiness@1.1" else "egov-readiness@1.1"
        assert list(validators[other].iter_errors(data)), path  # and the other version's schema refuses it
    validator = validators["egov-readiness@1.0"]
    bad = load_yaml_file(examples[0]).data | {"colour": "blue"}
    assert [e.message for e in validator.iter_errors(bad)] == [
        "Additional properties are not allowed ('colour' was unexpected)"]


def test_rubric_schema_command(runner):
    result = runner.invoke(main, ["rubric", "schema", "un-egdi"])
    assert result.exit_code == 0
    assert json.loads(result.output)["properties"]["rubric"] == {
        "const": "un-egdi@2018", "description": "the rubric this assessment answers, id@version"}


def test_python_dash_m_and_version():
    out = subprocess.run([sys.executable, "-m", "readiness", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("readiness, version ")


def test_internal_errors_are_short_without_debug(write, runner, monkeypatch):
    import readiness.scoring.batch

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(readiness.scoring.batch.ScoreStream, "scores", boom)
    write("a.yaml", MINI_A)
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "a.yaml"])
    assert result.exit_code == 1
    assert result.stderr == ("Internal error: RuntimeError: kaboom\nThis is a bug in readiness; run again with "
                             "--debug for details and report it.\n")
    result = runner.invoke(main, ["--debug", "score", "--rubric", str(MINI_RUBRIC), "a.yaml"])
    assert isinstance(result.exception, RuntimeError)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only_for_long_batches():
    from readiness.console import PROGRESS_AFTER, Progress

    shown = _Terminal()
    with Progress("Reading", shown) as progress:
        for done in range(1, PROGRESS_AFTER + 2):
            progress(done, PROGRESS_AFTER + 1)
    assert "Reading" in shown.getvalue() and f"{PROGRESS_AFTER + 1}/{PROGRESS_AFTER + 1}" in shown.getvalue()
    few, piped = _Terminal(), io.StringIO()
    for stream, total in ((few, PROGRESS_AFTER), (piped, PROGRESS_AFTER + 10)):
        with Progress("Reading", stream) as progress:
            for done in range(1, total + 1):
                progress(done, total)
        assert stream.getvalue() == ""


def test_a_long_batch_into_a_pipe_prints_no_progress(write, runner):
    paths = [write(f"a{index}.yaml", MINI_A.replace("agency_id: test", f"agency_id: t{index}")) for index in range(8)]
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "--format", "csv", *map(str, paths)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert len(result.stdout.splitlines()) == 9


def test_nothing_to_score_says_why_once(runner, tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(main, ["score", str(tmp_path / "empty")])
    assert (result.exit_code, result.output) == (1, f"{tmp_path / 'empty'}: folder has no assessment files (.yaml, "
                                                    f".yml, .xlsx)\n")


@pytest.mark.parametrize("command", [[], ["template"], ["validate"], ["score"], ["import"], ["rubric", "show"]])
def test_help_fits_80_columns(runner, command):
    result = runner.invoke(main, [*command, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert max(len(line) for line in result.output.splitlines()) <= 80
