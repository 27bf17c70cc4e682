"""Returns as they come back by email: resubmissions, files readiness does not read, blank forms, gaps.

Files are made the way people make them: workbooks filled with openpyxl, re-saved or converted by
LibreOffice (skipped, with the reason, where soffice is not installed), YAML files edited by hand.
Messages and exit codes are checked through the command line, as users meet them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.writer.excel import ExcelWriter

from readiness.cli import main
from readiness.intake.batch import load_assessments
from readiness.intake.checks import answered_share
from readiness.intake.workbook.layout import ASSESSMENT_SHEET
from readiness.intake.workbook.safety import saved_time
from readiness.rubric.catalog import Catalog

from .conftest import MINI_A, MINI_RUBRIC, ROOT
from .xlsx_helpers import answer_cell, blank_workbook, fill_workbook

COVER = {"B4": "Northern Province Land Records Authority", "B5": "nplra", "B6": "2026", "B7": "A. Khan",
         "B8": "it_lead"}
SOFFICE = pytest.mark.skipif(shutil.which("soffice") is None,
                             reason="LibreOffice (soffice) is not installed here: the LibreOffice re-save and the "
                                    ".ods and .xls conversions cannot be made")


@pytest.fixture(scope="module")
def rubric():
    return Catalog().resolve("egov-readiness")


def every_answer(rubric) -> dict:
    """A full set of answers: level 2 everywhere, numbers mid-range (as typed into the cells)."""
    return {ident: 2 if place.indicator.type == "level" else (place.indicator.min + place.indicator.max) / 2
            for ident, place in rubric.places.items()}


def soffice(path: Path, to: str, out: Path) -> Path:
    """Convert (or re-save) a file with LibreOffice, as someone opening it there and saving would."""
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{out.parent}/lo-profile",
                    "--convert-to", to, "--outdir", str(out), str(path)], check=True, capture_output=True,
                   timeout=180)
    return out / f"{path.stem}.{to}"


def save_saved_at(workbook, path: Path, when: datetime) -> None:
    """Save with openpyxl, keeping the saved time set in ``workbook.properties.modified`` (openpyxl's own
    ``save`` would stamp the present)."""
    workbook.properties.modified = when
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()


def lines(text: str) -> list[str]:
    return text.splitlines()


# ---------------------------------------------------------------- a round's folder, as it comes back


@SOFFICE
def test_a_resubmission_re_saved_in_libreoffice_is_one_respondent(tmp_path, monkeypatch, runner, rubric):
    monkeypatch.chdir(tmp_path)
    Path("sent").mkdir()
    made = fill_workbook(blank_workbook(Path("sent/nplra-2026-a-khan.xlsx"), rubric), every_answer(rubric),
                         cover=COVER)
    # v1 as the respondent sent it: opened and saved in LibreOffice Calc.
    v1 = soffice(made, "xlsx", tmp_path / "returns")
    # v2: the same respondent corrects three answers a day later and sends the workbook again.
    book = openpyxl.load_workbook(made)
    for ident, level in (("strategy.vision", 4), ("strategy.alignment", 3), ("governance.steering", 3)):
        book[ASSESSMENT_SHEET][answer_cell(made, ident)] = level
    v1_saved = saved_time(v1.read_bytes())
    assert v1_saved is not None  # LibreOffice keeps the document properties' saved time
    save_saved_at(book, Path("returns/nplra-2026-a-khan-v2.xlsx"), (v1_saved + timedelta(days=1)).replace(tzinfo=None))
    # The file times say the opposite (v1 copied into the folder last): the workbooks' own record decides.
    os.utime(v1, (2_000_000_000, 2_000_000_000))
    os.utime("returns/nplra-2026-a-khan-v2.xlsx", (1_900_000_000, 1_900_000_000))
    # The same return in the formats readiness does not read, and the lock files of open workbooks.
    soffice(made, "ods", tmp_path / "returns")
    soffice(made, "xls", tmp_path / "returns")
    Path("returns/~$nplra-2026-a-khan.xlsx").write_bytes(b"\x00lock")
    Path("returns/.~lock.nplra-2026-a-khan.xlsx#").write_text("A. Khan,host,01.01.2026 10:00;", encoding="utf-8")

    old, new = "returns/nplra-2026-a-khan.xlsx", "returns/nplra-2026-a-khan-v2.xlsx"
    t1, t2 = f"{v1_saved:%Y-%m-%d %H:%M:%S}", f"{v1_saved + timedelta(days=1):%Y-%m-%d %H:%M:%S}"
    skipped = [
        "returns/nplra-2026-a-khan.ods: warning: skipped: an .ods spreadsheet (LibreOffice, OpenDocument); readiness "
        "reads .xlsx: save it as Excel Workbook (.xlsx) from LibreOffice (File › Save As)",
        "returns/nplra-2026-a-khan.xls: warning: skipped: an .xls workbook (Excel 97-2003); readiness reads .xlsx: "
        "open it and save it as Excel Workbook (.xlsx)",
    ]
    times = f"(newer: {new}, saved {t2} UTC; older: {old}, saved {t1} UTC)"
    result = runner.invoke(main, ["score", "returns", "--draws", "0"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert lines(result.stderr) == skipped + [
        f"{new}: {old} and this file are returns of the same respondent (A. Khan, it_lead; nplra round 2026), who "
        f"would count twice; delete or move the older one, or use --latest to keep the newer {times}",
        f"{old}: {new} and this file are returns of the same respondent (A. Khan, it_lead; nplra round 2026), who "
        f"would count twice; this one is older: delete or move it, or use --latest to keep the newer {times}",
        "2 file(s) could not be scored; see the messages above.",
    ]

    result = runner.invoke(main, ["score", "returns", "--draws", "0", "--latest", "--format", "json"])
    assert result.exit_code == 0
    assert lines(result.stderr) == skipped + [
        f"{old}: warning: set aside: {new} is a newer return of the same respondent (A. Khan, it_lead; nplra round "
        f"2026) and is used instead (--latest; {new}: saved {t2} UTC; this file: saved {t1} UTC)",
    ]
    (card,) = json.loads(result.stdout)
    assert [r["source"] for r in card["respondents"]] == [new]
    assert card["indicators"]["strategy.vision"]["answer"] == 4 and card["divergences"] == []

    # validate lists every file, and says the same
    result = runner.invoke(main, ["validate", "returns", "--latest"])
    assert result.exit_code == 0
    assert lines(result.stdout)[-1] == "2 file(s): 2 valid, 0 invalid (0 error(s), 3 warning(s))"


def test_the_newer_return_by_the_file_time_when_the_workbooks_do_not_record_it(tmp_path, monkeypatch, runner):
    monkeypatch.chdir(tmp_path)
    named = MINI_A.replace("answers:", "respondent: {name: ' a.  KHAN ', role: IT_Lead}\nanswers:")
    Path("v1.yaml").write_text(named.replace("A. Khan", "A. Khan"), encoding="utf-8")
    Path("v2.yaml").write_text(named.replace("  i1.b: 2", "  i1.b: 3").replace("' a.  KHAN '", "A. Khan")
                               .replace("IT_Lead", "it_lead"), encoding="utf-8")
    os.utime("v1.yaml", (1_800_000_000, 1_800_000_000))
    os.utime("v2.yaml", (1_800_086_400, 1_800_086_400))
    result = runner.invoke(main, ["score", "v2.yaml", "v1.yaml", "--rubric", str(MINI_RUBRIC), "--latest",
                                  "--draws", "0", "--format", "json"])
    assert result.exit_code == 0
    assert lines(result.stderr) == [
        "v1.yaml: warning: set aside: v2.yaml is a newer return of the same respondent (A. Khan, it_lead; test "
        "round 2026) and is used instead (--latest; v2.yaml: file time 2027-01-16 08:00:00 UTC; this file: file "
        "time 2027-01-15 08:00:00 UTC)"]
    assert [r["source"] for r in json.loads(result.stdout)[0]["respondents"]] == ["v2.yaml"]


def test_unnamed_returns_of_one_role_are_two_respondents(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    staff = MINI_A.replace("answers:", "respondent: {role: staff}\nanswers:")
    Path("a.yaml").write_text(staff, encoding="utf-8")
    Path("b.yaml").write_text(staff.replace("  i1.b: 2", "  i1.b: 3"), encoding="utf-8")
    batch = load_assessments(["a.yaml", "b.yaml"], Catalog([MINI_RUBRIC]))
    assert batch.problems == [] and len(batch.assessments) == 2


def test_byte_identical_copies_keep_their_own_rule(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    named = MINI_A.replace("answers:", "respondent: {name: A. Khan, role: it_lead}\nanswers:")
    Path("a.yaml").write_text(named, encoding="utf-8")
    Path("copy.yaml").write_text(named, encoding="utf-8")
    for latest in (False, True):
        batch = load_assessments(["a.yaml", "copy.yaml"], Catalog([MINI_RUBRIC]), latest=latest)
        assert [(p.code, str(p.location)) for p in batch.problems] == [("duplicate-file", "copy.yaml")]
        assert [a.source for a in batch.assessments] == ["a.yaml"]


def test_files_a_folder_scan_passes_over_are_listed_with_the_fix(tmp_path, monkeypatch, runner):
    monkeypatch.chdir(tmp_path)
    folder = Path("returns")
    folder.mkdir()
    shutil.copy(ROOT / "examples" / "2026" / "wpps.yaml", folder / "wpps.yaml")
    # A few bytes under each name: the scan goes by the name and never opens them.
    for name in ("frdsb.xls", "rmc.ods", "spetd.xlsb", "scores.csv", "hpcro.pdf", "notes.txt", "~$wpps.xlsx",
                 ".~lock.wpps.xlsx#", ".DS_Store", "README.md", "Thumbs.db"):
        (folder / name).write_bytes(b"\x00\x01")
    (folder / ".old").mkdir()
    (folder / ".old" / "wpps.yaml").write_text("not: read", encoding="utf-8")
    result = runner.invoke(main, ["score", "returns", "--draws", "0", "--format", "csv"])
    assert result.exit_code == 0  # the rest is scored; each file passed over is a warning
    assert lines(result.stderr) == [
        "returns/frdsb.xls: warning: skipped: an .xls workbook (Excel 97-2003); readiness reads .xlsx: open it and "
        "save it as Excel Workbook (.xlsx)",
        "returns/hpcro.pdf: warning: skipped: a PDF document; ask for the workbook (.xlsx) or YAML file that was "
        "filled in; readiness does not read answers from documents",
        "returns/notes.txt: warning: skipped: a .txt file; assessments are .yaml, .yml or .xlsx files",
        "returns/rmc.ods: warning: skipped: an .ods spreadsheet (LibreOffice, OpenDocument); readiness reads .xlsx: "
        "save it as Excel Workbook (.xlsx) from LibreOffice (File › Save As)",
        "returns/scores.csv: warning: skipped: a .csv table; a survey export becomes assessments with `readiness "
        "import FILE --map MAPPING -o DIR`",
        "returns/spetd.xlsb: warning: skipped: an .xlsb workbook (Excel binary); readiness reads .xlsx: open it and "
        "save it as Excel Workbook (.xlsx)",
    ]
    assert len(lines(result.stdout)) == 2  # wpps, scored
    # Given by name, such a file is an error, with the same fix.
    result = runner.invoke(main, ["validate", "returns/frdsb.xls"])
    assert result.exit_code == 1
    assert lines(result.stdout)[0] == ("returns/frdsb.xls: unsupported file type '.xls': an .xls workbook (Excel "
                                       "97-2003); readiness reads .xlsx: open it and save it as Excel Workbook (.xlsx)")


def test_an_agency_name_clash_names_the_cell_to_fix(tmp_path, monkeypatch, rubric):
    monkeypatch.chdir(tmp_path)
    answers = every_answer(rubric)
    fill_workbook(blank_workbook(Path("a.xlsx"), rubric), answers, cover=COVER)
    fill_workbook(blank_workbook(Path("b.xlsx"), rubric), answers,
                  cover=COVER | {"B4": "N. Province Land Records", "B7": "I. Malik", "B8": "senior"})
    batch = load_assessments(["a.xlsx", "b.xlsx"], Catalog())
    assert [str(p) for p in batch.problems] == [
        "b.xlsx: Cover!B4: names the agency 'N. Province Land Records', but a.xlsx (also nplra, round 2026) names it "
        "'Northern Province Land Records Authority'; write the same name in both (or give each agency its own "
        "agency_id)"]


# ---------------------------------------------------------------- gaps: named at once; a floor for --partial


def test_a_blank_workbook_is_refused_with_partial(tmp_path, monkeypatch, runner, rubric):
    monkeypatch.chdir(tmp_path)
    blank_workbook(Path("blank.xlsx"), rubric, agency="Northern Province Land Records Authority", agency_id="nplra",
                   round_="2026")
    refused = ("blank.xlsx: answers 0% of the rubric's weight (0 of 91 indicators), less than the 50% that --partial "
               "needs to score it; answer more of it, or lower the floor with --min-coverage PCT")
    result = runner.invoke(main, ["score", "blank.xlsx", "--partial"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert lines(result.stderr) == [refused, "1 file(s) could not be scored; see the messages above."]
    result = runner.invoke(main, ["validate", "blank.xlsx", "--partial"])
    assert result.exit_code == 1
    assert lines(result.stdout) == [refused, "1 file(s): 0 valid, 1 invalid (1 error(s), 0 warning(s))"]
    # A floor of one's own: scored, and the table says how little rests on answers.
    result = runner.invoke(main, ["score", "blank.xlsx", "--partial", "--min-coverage", "0", "--draws", "0"])
    assert result.exit_code == 0
    result = runner.invoke(main, ["score", "blank.xlsx", "--min-coverage", "10"])
    assert result.exit_code == 2
    assert "--min-coverage applies to --partial; add --partial or leave --min-coverage out" in result.stderr


def test_the_floor_counts_unknown_as_unanswered_and_the_respondents_together(tmp_path, monkeypatch, runner):
    monkeypatch.chdir(tmp_path)
    half = MINI_A.replace("  i2.a: 1\n", "  i2.a: unknown\n")
    half = "\n".join(line for line in half.splitlines() if not line.startswith(("  i3", "  i4", "  i5"))) + "\n"
    Path("a.yaml").write_text(half, encoding="utf-8")
    result = runner.invoke(main, ["validate", "a.yaml", "--partial", "--rubric", str(MINI_RUBRIC)])
    assert lines(result.stdout)[0] == (
        "a.yaml: answers 29% of the rubric's weight (3 of 9 indicators; 'unknown' counts as unanswered), less than "
        "the 50% that --partial needs to score it; answer more of it, or lower the floor with --min-coverage PCT")
    # A second respondent who answers the rest: together they are above the floor.
    rest = MINI_A.replace("answers:", "respondent: {name: B, role: staff}\nanswers:")
    rest = "\n".join(line for line in rest.splitlines() if not line.startswith(("  i1", "  i2"))) + "\n"
    Path("b.yaml").write_text(rest, encoding="utf-8")
    result = runner.invoke(main, ["validate", "a.yaml", "b.yaml", "--partial", "--rubric", str(MINI_RUBRIC)])
    assert result.exit_code == 0, result.output


def test_the_floor_is_the_coverage_the_scorecard_reports(tmp_path, monkeypatch):
    from readiness.scoring.batch import score_batch

    batch = load_assessments([ROOT / "examples"], Catalog())
    for (rubric, members), card in zip(batch.groups(), score_batch(batch.groups(), draws=0).scorecards):
        assert 100 * answered_share(rubric, members) == pytest.approx(card.coverage), card.agency_id


def test_every_missing_answer_is_named_with_the_other_errors(tmp_path, monkeypatch, runner, rubric):
    monkeypatch.chdir(tmp_path)
    answers = every_answer(rubric)
    for ident in ("data.quality", "services.online_share"):
        del answers[ident]
    answers["strategy.vision"] = 7
    path = fill_workbook(blank_workbook(Path("draft.xlsx"), rubric), answers, cover=COVER | {"B5": None})
    vision, share, quality = (answer_cell(path, i) for i in ("strategy.vision", "services.online_share",
                                                                 "data.quality"))
    result = runner.invoke(main, ["validate", "draft.xlsx"])
    assert result.exit_code == 1
    assert lines(result.stdout) == [
        f"draft.xlsx: Assessment!{vision}: level 7 is out of range for strategy.vision; expected a level 0–4 or "
        f"'unknown' (don't know)",
        f"draft.xlsx: Assessment!{share}: no answer for services.online_share; enter a number, 'Not applicable' or "
        f"'Don't know' (or use --partial)",
        f"draft.xlsx: Assessment!{quality}: no answer for data.quality; pick a level, 'Not applicable' or 'Don't "
        f"know' (or use --partial)",
        "draft.xlsx: Cover!B5: missing required field 'agency_id'",
        "1 file(s): 0 valid, 1 invalid (4 error(s), 0 warning(s))",
    ]


def test_past_the_cap_the_missing_answers_are_counted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = MINI_A.replace("  i1.b: 2\n", "") + "".join(f"  junk{n}: 1\n" for n in range(199))
    Path("a.yaml").write_text(text, encoding="utf-8")
    problems = load_assessments(["a.yaml"], Catalog([MINI_RUBRIC])).problems
    assert len(problems) == 200  # 199 unknown indicators, and the one missing answer
    assert [(p.code, p.severity, p.message) for p in problems if p.code != "unknown-indicator"] == [
        ("missing-answer", "error", "no answer for i1.b; add it, with a level, 'na' or 'unknown' (or use --partial)")]
    text = MINI_A.replace("  i1.b: 2\n", "").replace("  i2.a: 1\n", "") + "".join(f"  junk{n}: 1\n"
                                                                                  for n in range(199))
    Path("a.yaml").write_text(text, encoding="utf-8")
    problems = load_assessments(["a.yaml"], Catalog([MINI_RUBRIC])).problems
    assert [(str(p.location), p.code, p.message) for p in problems if p.code != "unknown-indicator"] == [
        ("a.yaml:5:1", "missing-answer", "no answer for i1.b; add it, with a level, 'na' or 'unknown' (or use "
                                         "--partial)"),
        ("a.yaml:5:1", "unanswered-indicators", "… and 1 more of 9 indicators has no answer yet"),
    ]


# ---------------------------------------------------------------- import refuses what score refuses


def _import(tmp_path, runner, rows: list[str], *extra: str):
    table = tmp_path / "responses.csv"
    table.write_text("Agency,Code,Name,Role,i1.a,i1.b,i2.a,i2.n,i3.a,i3.b,i4.a,i5.a,i5.n\n" + "\n".join(rows) + "\n",
                     encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(f"rubric: {MINI_RUBRIC}\nagency: Agency\nagency_id: Code\nround: {{value: '2026'}}\n"
                       f"respondent_name: Name\nrespondent_role: Role\n", encoding="utf-8")
    return runner.invoke(main, ["import", str(table), "--map", str(mapping), "-o", str(tmp_path / "out"), *extra])


def test_import_refuses_one_respondent_twice(tmp_path, runner):
    full = "1,2,1,60,1,3,2,1,2"
    result = _import(tmp_path, runner, [f"Test Agency,T,A. Khan,it_lead,{full}", f"Test Agency,T,B. Shah,staff,{full}",
                                        f"Test Agency,T,a. khan,IT_lead,{full.replace('1,2', '2,2', 1)}"])
    assert result.exit_code == 1
    assert lines(result.stderr) == [
        f"{tmp_path}/responses.csv:4:3: row 2 and this row are answers of the same respondent (a. khan, IT_lead; t "
        f"round 2026), who would count twice; delete the row that is out of date"]
    assert not (tmp_path / "out").exists()


def test_import_refuses_an_agency_below_the_floor_and_warns_of_gaps(tmp_path, runner):
    sparse = "Test Agency,T,A. Khan,it_lead,1,2,,,,,,,"
    result = _import(tmp_path, runner, [sparse])
    assert result.exit_code == 1
    assert lines(result.stderr) == [
        f"{tmp_path}/responses.csv:2:1: the answers of t round 2026 (row 2) cover 25% of the rubric's weight (2 of 9 "
        f"indicators), less than the 50% that `readiness score --partial` needs; map more columns or add answers, "
        f"or lower the floor with --min-coverage PCT"]
    result = _import(tmp_path, runner, [sparse], "--min-coverage", "20")
    assert result.exit_code == 0
    assert lines(result.stderr)[0] == (
        f"{tmp_path}/responses.csv:2:1: warning: no answer of t round 2026 (row 2) gives i2.a, i2.n, i3.a, i3.b, "
        f"i4.a, i5.a, i5.n; score it with --partial (each scores like 'unknown')")


def test_a_link_that_leads_out_of_the_folder_is_skipped_and_never_read(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkdir("returns")
    os.mkdir("elsewhere")
    shutil.copy(ROOT / "examples" / "2026" / "wpps.yaml", "returns/wpps.yaml")
    Path("elsewhere/secret.yaml").write_text("root:x:0:0:secret line\n", encoding="utf-8")
    os.symlink(os.path.abspath("elsewhere/secret.yaml"), "returns/shadow.yaml")
    os.symlink(os.path.abspath("returns/wpps.yaml"), "returns/inside-link.yaml")  # stays in the folder: read
    os.symlink(os.path.abspath("elsewhere"), "returns/linked-folder")  # a folder that leads out
    result = runner.invoke(main, ["validate", "returns"])
    assert "secret line" not in result.output
    assert ("returns/linked-folder: warning: skipped: a linked folder, which is not searched; copy its files into "
            "the folder") in result.output.splitlines()
    assert ("returns/shadow.yaml: warning: skipped: a link that leads out of the folder; copy the file itself into "
            "the folder") in result.output.splitlines()
