"""`readiness import`: survey exports (one row per respondent) become YAML assessments."""

from __future__ import annotations

import csv
import json
import re

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readiness import files
from readiness.cli import main
from readiness.files import LockedFolder
from readiness.intake.checks import AGENCY_ID, ROUND
from readiness.intake.survey import import_file_names

from .conftest import MINI_RUBRIC, ROOT
from .test_egdi import competition_ranks, decimals

EGDI = ROOT / "data" / "egdi"

MAPPING = """\
rubric: mini@0.1
agency: Agency name
agency_id: Agency code
round: {value: "2026"}
respondent_role: Role
answers:
  i1.a: Q1a
  i1.b: Q1b
  i2.a: Q2a
  i2.n: Share online (%)
  i3.a: Q3a
  i3.b: Q3b
  i4.a: Q4a
  i5.a: Q5a
  i5.n: Outage hours
evidence:
  i1.a: Q1a evidence
recode:
  Strongly agree: 4
  Agree: 3
  Neutral: 2
  Disagree: 1
  Strongly disagree: 0
  Don't know: unknown
"""
HEADER = ["Agency name", "Agency code", "Role", "Q1a", "Q1a evidence", "Q1b", "Q2a", "Share online (%)", "Q3a",
          "Q3b", "Q4a", "Q5a", "Outage hours"]
ROWS = [
    ["Test Agency", "TEST", "it_lead", "Strongly agree", "Roadmap 2025", "Agree", "Neutral", "60", "Disagree",
     "agree", "Neutral", "Disagree", "2"],
    ["Test Agency", "TEST", "staff", "Disagree", "", "Neutral", "Don't know", "40", "n/a", "Neutral", "Neutral",
     "Agree", ""],
]


def write_csv(path, rows, header=HEADER, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run_import(runner, table, mapping_text, *extra):
    mapping = table.parent / "mapping.yaml"
    mapping.write_text(mapping_text, encoding="utf-8")
    return runner.invoke(main, ["import", str(table), "--map", str(mapping), "-o", str(table.parent / "out"),
                                *extra])


def test_rows_become_assessments_with_recoding(tmp_path, runner):
    result = run_import(runner, write_csv(tmp_path / "responses.csv", ROWS, delimiter=";"),
                        MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}"))
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"Wrote 2 assessment(s) from 2 row(s) to {tmp_path / 'out'}; the mapping covers 9 of 9 "
                             "indicators\n")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["test-2026-1.yaml", "test-2026-2.yaml"]
    assert (tmp_path / "out" / "test-2026-1.yaml").read_text(encoding="utf-8") == (
        "# Imported by `readiness import` from responses.csv (row 2) with mapping mapping.yaml.\n"
        "rubric: mini@0.1\nagency: \"Test Agency\"\nagency_id: \"test\"\nround: \"2026\"\n"
        "respondent: {role: \"it_lead\"}\nanswers:\n"
        "  i1.a: {level: 4, evidence: \"Roadmap 2025\"}\n  i1.b: 3\n  i2.a: 2\n  i2.n: 60\n  i3.a: 1\n  i3.b: 3\n"
        "  i4.a: 2\n  i5.a: 1\n  i5.n: 2\n")
    # The two rows are two respondents of one assessment: the staff file leaves i5.n out.
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "--format", "json", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (card,) = json.loads(result.stdout)
    assert [r["role"] for r in card["respondents"]] == ["it_lead", "staff"]
    # i2.a: "Neutral" (2) from the IT lead, "Don't know" from staff, which counts as the lowest answer.
    assert card["indicators"]["i2.a"]["answer"] == 1 and card["indicators"]["i2.a"]["score"] == 25.0


def test_bad_rows_name_row_and_column_and_nothing_is_written(tmp_path, runner):
    rows = [ROWS[0][:], ROWS[1][:]]
    rows[0][6] = "Sometimes"
    rows[1][1] = ""
    rows[1][7] = "lots"
    result = run_import(runner, write_csv(tmp_path / "responses.csv", rows),
                        MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}"))
    assert result.exit_code == 1
    table = tmp_path / "responses.csv"
    assert result.stderr.splitlines() == [
        f"{table}:2:7: column 'Q2a': 'Sometimes' is not a valid answer for i2.a; expected a level 0–4, 'na' (not applicable) or "
        f"'unknown' (don't know)",
        f"{table}:3:2: column 'Agency code': missing required field 'agency_id'",
        f"{table}:3:8: column 'Share online (%)': 'lots' is not a valid answer for i2.n; expected a number (the "
        f"rubric's range is 0–100), 'na' (not applicable) or 'unknown' (don't know)",
    ]
    assert not (tmp_path / "out").exists()


def test_mapping_mistakes_are_located_in_the_mapping(tmp_path, runner):
    text = MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}").replace("i3.b: Q3b", "i3.c: Q3b")
    text = text.replace("agency: Agency name", "agency: Agency nme")
    result = run_import(runner, write_csv(tmp_path / "responses.csv", ROWS), text)
    assert result.exit_code == 1
    mapping = tmp_path / "mapping.yaml"
    assert result.stderr.splitlines() == [
        f"{mapping}:2:9: no column 'Agency nme' in responses.csv (did you mean 'Agency name'?)",
        f"{mapping}:12:3: unknown indicator 'i3.c' (did you mean 'i3.b'?) in rubric mini@0.1",
    ]
    mapping.write_text("rubric: mini@0.1\nagency: A\nagncy_id: B\n", encoding="utf-8")
    result = runner.invoke(main, ["import", str(tmp_path / "responses.csv"), "--map", str(mapping), "-o", "x"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{mapping}:1:1: missing required field 'agency_id'",
        f"{mapping}:3:1: unknown field 'agncy_id' (did you mean 'agency_id'?); valid fields: rubric, agency, "
        f"agency_id, round, respondent_name, respondent_role, answers, evidence, evidence_level, recode",
    ]


def test_workbook_table_locations_are_cells(tmp_path, runner):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Responses"
    sheet.append(HEADER)
    row = ROWS[0][:]
    row[3] = "Always"
    sheet.append(row)
    path = tmp_path / "responses.xlsx"
    workbook.save(path)
    result = run_import(runner, path, MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: Responses!D2: column 'Q1a': 'Always' is not a valid answer for i1.a; expected a level 0–4, 'na' "
        f"(not applicable) or 'unknown' (don't know)"]


@pytest.mark.parametrize("year", [2014, 2016, 2018])
def test_egdi_import_then_score_reproduces_the_published_index(tmp_path, runner, year):
    table = EGDI / f"egdi-{year}.csv"
    out = tmp_path / str(year)
    result = runner.invoke(main, ["import", str(table), "--map", str(EGDI / "egdi-mapping.yaml"), "--round",
                                  str(year), "-o", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["score", "--format", "json", str(out)])
    assert result.exit_code == 0
    ours = {card["agency_id"]: card["readiness"] / 100 for card in json.loads(result.output)}
    with open(table, newline="", encoding="utf-8") as handle:
        published = list(csv.DictReader(handle))
    assert len(ours) == len(published) == 193
    assert max(abs(ours[row["country-code"].lower()] - float(row["e-gov-index"])) for row in published) <= 1e-4
    places = max(decimals(str(round(float(row["e-gov-index"]), 6))) for row in published)
    rounded = [round(ours[row["country-code"].lower()], places) for row in published]
    assert competition_ranks(rounded) == [int(row["e-gov-rank"]) for row in published]


def test_import_never_mixes_old_and_new_files(tmp_path, runner):
    mapping = MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}")
    table = write_csv(tmp_path / "responses.csv", ROWS)
    assert run_import(runner, table, mapping).exit_code == 0
    write_csv(table, ROWS[:1])
    result = run_import(runner, table, mapping)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {tmp_path / 'out'} already holds 2 imported file(s); importing into it would mix "
                             f"old and new respondents. Choose an empty folder, or add --replace to delete them "
                             f"first.\n")
    result = run_import(runner, table, mapping, "--replace")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["test-2026.yaml"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_table_problems(tmp_path, runner):
    mapping = MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}")
    rows = [ROWS[0][:], ROWS[1][:], ROWS[0][:5]]
    rows[1][0] = "Another Agency"  # same code TEST, another name
    table = write_csv(tmp_path / "responses.csv", rows)
    result = run_import(runner, table, mapping)
    assert (result.exit_code, result.stderr) == (1, f"{table}:4:1: this row has 5 fields but the header has 13; "
                                                    f"the row is cut short\n")
    table = write_csv(tmp_path / "responses.csv", rows[:2])
    result = run_import(runner, table, mapping)
    assert result.stderr.splitlines() == [
        f"{table}:3:1: agency id 'test' names 'Another Agency' here but 'Test Agency' in {table} row 2; give each "
        f"agency its own id"]
    workbook = openpyxl.Workbook()
    workbook.active.title = "Responses"
    for row in [HEADER, *rows[:2]]:
        workbook.active.append(row)
    workbook.save(tmp_path / "responses.xlsx")
    result = run_import(runner, tmp_path / "responses.xlsx", mapping)
    assert result.stderr.splitlines() == [  # in a workbook, the cell of the agency's name
        f"{tmp_path / 'responses.xlsx'}: Responses!A3: agency id 'test' names 'Another Agency' here but "
        f"'Test Agency' in {tmp_path / 'responses.xlsx'} row 2; give each agency its own id"]
    table = write_csv(tmp_path / "responses.csv", [])
    result = run_import(runner, table, mapping)
    assert result.stderr.splitlines() == [f"{table}: the table has a header but no rows of answers"]
    assert not (tmp_path / "out").exists()


def test_numeric_codes_recode_and_numeric_agency_ids(tmp_path, runner):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["Test Agency", 101, "staff", 5, None, 4, 3, 60, 2, 4, 3, 2, 2])
    path = tmp_path / "coded.xlsx"
    workbook.save(path)
    coded = MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}").split("recode:")[0]
    coded += "recode:\n  5: 4\n  4: 3\n  3: 2\n  2: 1\n  1: 0\n"
    result = run_import(runner, path, coded)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "101-2026.yaml").read_text(encoding="utf-8")
    assert "  i1.a: 4\n  i1.b: 3\n  i2.a: 2\n  i2.n: 60\n" in text


def test_only_files_an_import_wrote_are_ever_replaced(tmp_path, runner):
    mapping = MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}")
    out = tmp_path / "out"
    out.mkdir()
    (out / "mapping.yaml").write_text(mapping, encoding="utf-8")  # someone keeps the mapping beside the output
    table = write_csv(tmp_path / "responses.csv", ROWS)
    result = runner.invoke(main, ["import", str(table), "--map", str(out / "mapping.yaml"), "-o", str(out),
                                  "--replace"])
    assert (result.exit_code, result.stderr) == (1, f"Error: {out} holds .yaml or .xlsx files that readiness import "
                                                   f"did not write (e.g. mapping.yaml), which score would read with "
                                                   f"the imported ones; choose a folder of their own for imported "
                                                   f"assessments\n")
    assert (out / "mapping.yaml").exists()


def test_recoding_never_touches_a_number_question(tmp_path, runner):
    coded = MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}") + "  60: 4\n"
    rows = [ROWS[0][:]]
    rows[0][7] = "60"  # the share online: a number, even though 60 is also a recode key
    rows[0][6] = "60"  # a level question: recoded to 4
    result = run_import(runner, write_csv(tmp_path / "responses.csv", rows), coded)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "test-2026.yaml").read_text(encoding="utf-8")
    assert "  i2.a: 4\n  i2.n: 60\n" in text


def test_trailing_separator_and_ids_that_only_look_alike(tmp_path, runner):
    mapping = MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}")
    mapping = mapping.replace('round: {value: "2026"}', "round: Round")
    header = HEADER + ["Round", ""]  # a trailing comma on the header line
    rows = [ROWS[0] + ["2026-q1"], ROWS[0] + ["q1"]]
    rows[1][1] = "TEST-2026"  # id test-2026, round q1: the same file stem as (test, 2026-q1), another agency
    rows[1][0] = "Another Agency"
    result = run_import(runner, write_csv(tmp_path / "responses.csv", rows, header=header), mapping)
    assert result.exit_code == 0, result.output
    # Two agency-rounds, one respondent each: not numbered as respondents; the later row is marked as taken twice.
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["test-2026-q1.yaml", "test-2026-q1~2.yaml"]
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "--format", "csv", str(tmp_path / "out")])
    assert [line.split(",")[:3] for line in result.output.splitlines()[1:]] == [
        ["Another Agency", "test-2026", "q1"], ["Test Agency", "test", "2026-q1"]]


def test_evidence_levels_and_doubled_column_names(tmp_path, runner):
    mapping = MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}")
    mapping = mapping.replace("evidence:\n  i1.a: Q1a evidence\n",
                              "evidence:\n  i1.a: Q1a evidence\nevidence_level:\n  i1.a: Q1a level\n")
    header = HEADER + ["Q1a level"]
    rows = [ROWS[0] + ["  Verified "]]
    result = run_import(runner, write_csv(tmp_path / "responses.csv", rows, header=header), mapping)
    mapping_path = tmp_path / "mapping.yaml"
    mapping_path.write_text(mapping.replace("evidence_level:\n  i1.a: Q1a level\n", ""), encoding="utf-8")
    assert result.exit_code == 0, result.output
    assert '  i1.a: {level: 4, evidence: "Roadmap 2025", evidence_level: verified}\n' in \
        (tmp_path / "out" / "test-2026.yaml").read_text(encoding="utf-8")
    doubled = HEADER + ["Q1a"]
    table = write_csv(tmp_path / "doubled.csv", [ROWS[0] + ["Agree"]], header=doubled)
    result = runner.invoke(main, ["import", str(table), "--map", str(tmp_path / "mapping.yaml"), "--replace",
                                  "-o", str(tmp_path / "out")])
    assert (result.exit_code, result.stderr) == (1, f"{table}:1:14: column name 'Q1a' is used twice; each column "
                                                    f"needs its own name\n")


def test_control_characters_in_the_table_name_never_reach_the_files(runner, tmp_path, monkeypatch):
    """Issue 12, item 7: an ESC (or a line break) in a survey file's name was copied into the YAML header."""
    import shutil
    from pathlib import Path

    monkeypatch.chdir(tmp_path)
    table = Path("egdi\x1b[31m\nround.csv")
    shutil.copy(ROOT / "data" / "egdi" / "egdi-2018.csv", table)
    result = runner.invoke(main, ["import", str(table), "--map", str(ROOT / "data" / "egdi" / "egdi-mapping.yaml"),
                                  "--round", "2018", "-o", "out"])
    assert result.exit_code == 0, result.output
    header = Path("out/irl-2018.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert "\x1b" not in header and header.endswith("from egdi [31m round.csv (row 3) with mapping egdi-mapping.yaml.")
    assert runner.invoke(main, ["validate", "out"]).exit_code == 0


# ---------------------------------------------------------------- file names, the lock, what a run leaves (issue 12, item 4)

ROUND_MAPPING = MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}").replace('round: {value: "2026"}',
                                                                                       "round: Round")


def _row(code, round_, role):
    return [ROWS[0][0] if code == "X" else f"Agency {code}", code, role, *ROWS[0][3:], round_]


def test_file_names_never_collide(tmp_path, runner):
    """Issue 12, item 4: x/2026 rows 1 and 2 became x-2026-1 and x-2026-2, and round 2026-1 was x-2026-1 too; the
    run failed after writing part of the folder. Rounds that differ in letter case are one name on macOS and Windows."""
    rows = [_row("X", "2026", "it_lead"), _row("X", "2026", "staff"), _row("X", "2026-1", "it_lead"),
            _row("Y", "Q1", "it_lead"), _row("Y", "q1", "it_lead")]
    result = run_import(runner, write_csv(tmp_path / "responses.csv", rows, header=HEADER + ["Round"]), ROUND_MAPPING)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["x-2026-1.yaml", "x-2026-1~2.yaml", "x-2026-2.yaml",
                                                     "y-Q1.yaml", "y-q1~2.yaml"]
    rows_of = {p.name: p.read_text(encoding="utf-8").split("(row ")[1].split(")")[0] for p in out.iterdir()}
    assert rows_of == {"x-2026-1.yaml": "2", "x-2026-2.yaml": "3", "x-2026-1~2.yaml": "4", "y-Q1.yaml": "5",
                       "y-q1~2.yaml": "6"}
    assert 'round: "2026-1"' in (out / "x-2026-1~2.yaml").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


_IDS = st.from_regex(r"[ab1][ab1_-]{0,4}", fullmatch=True)  # few letters: names that clash are found often
_ROUNDS = st.from_regex(r"[aA1][aA1._-]{0,4}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(keys=st.lists(st.tuples(st.one_of(_IDS, st.from_regex(AGENCY_ID, fullmatch=True)),
                               st.one_of(_ROUNDS, st.from_regex(ROUND, fullmatch=True))), max_size=30))
def test_import_file_names_are_distinct_whatever_the_ids(keys):
    assert all(AGENCY_ID.match(agency_id) and ROUND.match(round_) for agency_id, round_ in keys)
    names = import_file_names(keys)
    assert len(names) == len(keys)
    assert len({name.lower() for name in names}) == len(names)  # distinct, also where case is not told apart
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._~-]*\.yaml", name) and len(name.encode()) <= 255
               for name in names)
    # The plain name (numbered among the rows of one agency-round) unless an earlier row took it; then a mark.
    numbered: dict = {}
    plain = []
    for key in keys:
        numbered[key] = numbered.get(key, 0) + 1
        plain.append(f"{key[0]}-{key[1]}" + (f"-{numbered[key]}" if keys.count(key) > 1 else ""))
    for i, (stem, name) in enumerate(zip(plain, names)):
        if stem.lower() in {earlier.lower() for earlier in plain[:i]}:
            assert re.fullmatch(re.escape(stem) + r"~[2-9][0-9]*\.yaml", name)
        else:
            assert name == f"{stem}.yaml"


def test_a_second_import_into_a_folder_being_written_is_refused(tmp_path, runner):
    table = write_csv(tmp_path / "responses.csv", ROWS)
    mapping = MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}")
    with LockedFolder(tmp_path / "out"):  # another import, still running
        result = run_import(runner, table, mapping)
    assert (result.exit_code, result.stderr) == (
        1, f"Error: another run is writing {tmp_path / 'out'} (it holds the lock {tmp_path / '.out.readiness-lock'}); "
           f"wait until it has finished, then run this again\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mapping.yaml", "responses.csv"]  # the lock is gone too
    assert run_import(runner, table, mapping).exit_code == 0  # a lock held by a killed run is gone with it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mapping.yaml", "out", "responses.csv"]


def test_what_a_killed_import_left_is_cleared_by_the_next(tmp_path, runner):
    table = write_csv(tmp_path / "responses.csv", ROWS)
    mapping = MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}")
    assert run_import(runner, table, mapping).exit_code == 0
    out = tmp_path / "out"
    before = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    half = tmp_path / ".out.readiness-staging-abcd1234"  # killed while building the new folder
    half.mkdir()
    (half / "test-2026-1.yaml").write_text("# Imported by `readiness import`\nrubr", encoding="utf-8")
    legacy = tmp_path / ".readiness-import-x1y2z3w4"  # left by an earlier version of readiness
    legacy.mkdir()
    (tmp_path / ".out.lock").write_text("not ours", encoding="utf-8")
    # score never reads hidden folders beside an import
    scored = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "--format", "json", str(tmp_path)])
    assert [card["agency_id"] for card in json.loads(scored.stdout)] == ["test"]
    # killed between the two renames of a file system that cannot swap folders: the old import is set aside
    out.rename(tmp_path / ".out.readiness-old-0a1b2c3d")
    result = run_import(runner, table, mapping)
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {out} already holds 2 imported file(s); importing into it would mix old and new respondents. "
           f"Choose an empty folder, or add --replace to delete them first.\n")
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == before  # the old import is back
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "mapping.yaml", "out", "responses.csv"]


def test_replace_keeps_the_folder_and_its_other_files(tmp_path, runner):
    table = write_csv(tmp_path / "responses.csv", ROWS)
    mapping = MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}")
    out = tmp_path / "out"
    out.mkdir(mode=0o750)
    out.chmod(0o750)
    (out / "notes.txt").write_text("sent to the agencies on 3 May\n", encoding="utf-8")
    (out / ".hidden").write_text("x", encoding="utf-8")
    assert run_import(runner, table, mapping).exit_code == 0  # an existing folder of other files
    write_csv(table, ROWS[:1])
    result = run_import(runner, table, mapping, "--replace")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"Wrote 1 assessment(s) from 1 row(s) to {out}, after deleting 2 old file(s);")
    assert sorted(p.name for p in out.iterdir()) == [".hidden", "notes.txt", "test-2026.yaml"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "sent to the agencies on 3 May\n"
    assert out.stat().st_mode & 0o777 == 0o750
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mapping.yaml", "out", "responses.csv"]
    (out / "sub").mkdir()
    result = run_import(runner, table, mapping, "--replace")
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {out} holds a folder (sub); the files are written by replacing {out} as a whole, so choose a "
           f"folder of their own\n")
    assert sorted(p.name for p in out.iterdir()) == [".hidden", "notes.txt", "sub", "test-2026.yaml"]


def test_an_import_that_cannot_be_written_changes_nothing(tmp_path, runner, monkeypatch):
    table = write_csv(tmp_path / "responses.csv", ROWS)
    mapping = MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text(mapping, encoding="utf-8")
    result = runner.invoke(main, ["import", str(table), "--map", str(tmp_path / "mapping.yaml"), "-o",
                                  str(tmp_path / "file")])
    assert result.exit_code == 2 and f"Directory '{tmp_path / 'file'}' is a file." in result.stderr
    result = runner.invoke(main, ["import", str(table), "--map", str(tmp_path / "mapping.yaml"), "-o",
                                  str(tmp_path / "file" / "a" / "out")])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: cannot write {tmp_path / 'file' / 'a' / 'out'}: {tmp_path / 'file'} is not a folder; choose a "
           f"path whose folders exist\n")
    assert run_import(runner, table, mapping).exit_code == 0
    before = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out").iterdir()}
    monkeypatch.setattr(files, "open", _full_disk_after(1), raising=False)  # the second file finds the disk full
    result = run_import(runner, table, mapping, "--replace")
    assert (result.exit_code, result.stderr) == (
        1, f"Error: cannot write {tmp_path / 'out'}: the disk is full; free some space or write to another disk "
           f"(nothing was written)\n")
    assert {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out").iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "mapping.yaml", "out", "responses.csv"]


def _full_disk_after(files_written):
    """An ``open`` whose files, after the first ``files_written``, find the disk full (ENOSPC) when written."""
    import builtins
    import errno

    opened = []

    class Full:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            self.handle.close()

        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.handle, name)

    def full_open(*args, **kwargs):
        handle = builtins.open(*args, **kwargs)
        opened.append(handle)
        return handle if len(opened) <= files_written else Full(handle)

    return full_open


@pytest.mark.parametrize("plant", ["link", "pipe"])
def test_a_planted_lock_is_refused_not_followed_nor_waited_on(tmp_path, runner, plant):
    # Found in review: the lock was opened following links (as root, a link made the run create a file
    # anywhere) and blocking on a pipe (the import hung for ever).
    import os

    lock = tmp_path / ".out.readiness-lock"
    target = tmp_path / "elsewhere"
    os.symlink(target, lock) if plant == "link" else os.mkfifo(lock)
    result = run_import(runner, write_csv(tmp_path / "responses.csv", ROWS),
                        MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}"))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {lock} (where the lock of {tmp_path / 'out'} is kept) is not a regular file but a "
                             f"link, a pipe or a device; nothing was written: remove it, and check who put it there\n")
    assert not target.exists() and not (tmp_path / "out").exists()


def test_a_folder_holding_other_returns_is_refused(tmp_path, runner):
    # Found in review: only .yaml files counted, so a workbook return in the folder joined the new edition.
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "ldadm.xlsx").write_bytes(b"a return")
    result = run_import(runner, write_csv(tmp_path / "responses.csv", ROWS),
                        MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}"))
    assert (result.exit_code, result.stderr) == (1, f"Error: {tmp_path / 'out'} holds .yaml or .xlsx files that "
                                                    f"readiness import did not write (e.g. ldadm.xlsx), which score "
                                                    f"would read with the imported ones; choose a folder of their own "
                                                    f"for imported assessments\n")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["ldadm.xlsx"]


def test_the_problem_cap_is_the_librarys_not_only_the_commands(tmp_path):
    # The cap was applied by the CLI alone: a library caller got all 10,000 problems of 5,000 bad rows.
    from readiness.intake.checks import MAX_PROBLEMS
    from readiness.intake.survey import import_responses, load_mapping, read_table
    from readiness.rubric.catalog import Catalog

    rows = [[ROWS[0][0], f"A{n}", ROWS[0][2], "Sometimes", *ROWS[0][4:5], "Never", *ROWS[0][6:]] for n in range(500)]
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}"), encoding="utf-8")
    found = import_responses(read_table(write_csv(tmp_path / "responses.csv", rows)), *load_mapping(mapping), Catalog())
    assert len(found.problems) == MAX_PROBLEMS + 1 and not found.ok
    assert found.problems[-1].message == "… and 800 more problems in this file"
