"""Running a round: a roster, one pre-filled workbook per agency and respondent, and the status of returns.

Workbooks are filled with openpyxl the way a person fills them (answers typed into the Answer column).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from readiness.cli import main
from readiness.rubric.catalog import Catalog

from .xlsx_helpers import fill_workbook

ROSTER = """agency_id,agency,respondent,role,email
nplra,Northern Province Land Records Authority,A. Khan,it_lead,a.khan@example.org
nplra,Northern Province Land Records Authority,B. Shah,senior,
wpps,Western Province Police Service,,,wpps.reform@example.org
hpcro,Highland Province Civil Registration Office,ظفر,staff,
"""


def answers() -> dict:
    rubric = Catalog().find("egov-readiness")
    return {ident: 3 if place.indicator.type == "level" else 50 for ident, place in rubric.places.items()}


@pytest.fixture
def forms(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("agencies.csv").write_text(ROSTER, encoding="utf-8")
    result = runner.invoke(main, ["template", "--roster", "agencies.csv", "--round", "2026", "-o", "forms"])
    assert result.exit_code == 0, result.output
    assert result.output == "Wrote 4 form(s) for 3 agencies to forms (egov-readiness@1.1, round 2026)\n"
    return Path("forms")


def test_the_roster_gives_one_named_prefilled_workbook_per_respondent(forms):
    import openpyxl

    assert sorted(path.name for path in forms.iterdir()) == [
        "hpcro-2026-staff.xlsx", "nplra-2026-a-khan.xlsx", "nplra-2026-b-shah.xlsx", "wpps-2026.xlsx"]
    cover = openpyxl.load_workbook(forms / "nplra-2026-a-khan.xlsx")["Cover"]
    assert [cover[cell].value for cell in ("B4", "B5", "B6", "B7", "B8")] == [
        "Northern Province Land Records Authority", "nplra", "2026", "A. Khan", "it_lead"]


def test_the_roster_round_trip_ends_with_every_return_valid(runner, forms):
    for path in forms.iterdir():
        fill_workbook(path, answers())
    result = runner.invoke(main, ["status", "forms", "--roster", "agencies.csv", "--format", "json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert [(line["agency_id"], line["respondent"], line["state"]) for line in status["lines"]] == [
        ("nplra", "A. Khan", "valid"), ("nplra", "B. Shah", "valid"), ("wpps", None, "valid"),
        ("hpcro", "ظفر", "valid")]
    assert status["summary"] == "Round 2026: 4 returns expected from 3 agencies: 4 valid"


def test_status_names_what_is_missing_invalid_and_stray(runner, forms):
    for path in forms.iterdir():
        fill_workbook(path, answers())
    (forms / "wpps-2026.xlsx").unlink()  # not returned yet
    fill_workbook(forms / "hpcro-2026-staff.xlsx", {"strategy.vision": 9})  # a mistake
    Path("forms/notes.docx").write_bytes(b"PK\x03\x04 not an assessment")
    stray = Path("forms/extra.yaml")
    stray.write_text(Path(__file__).parent.parent.joinpath("examples/2026/frdsb.yaml").read_text(encoding="utf-8"),
                     encoding="utf-8")
    result = runner.invoke(main, ["status", "forms", "--roster", "agencies.csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2].split() == ["nplra", "A.", "Khan", "valid", "nplra-2026-a-khan.xlsx"]
    assert lines[4].split() == ["wpps", "–", "missing", "–"]
    assert lines[5].split()[:3] == ["hpcro", "ظفر", "invalid"]
    assert lines[6].split() == ["frdsb", "M.", "Siddiqui", "(it_lead)", "not", "on", "the", "roster", "extra.yaml"]
    assert "To chase: wpps wpps.reform@example.org" in result.output
    flowing = " ".join(result.output.split())
    assert flowing.endswith("Round 2026: 4 returns expected from 3 agencies: 2 valid, 1 invalid, 1 missing, 1 not "
                            "on the roster; 1 file that is not an assessment")
    assert "Not assessments (skipped): - forms/notes.docx:" in flowing


def test_an_invalid_roster_row_is_located(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("agencies.csv").write_text("agency_id,agency,role,emial\nNPLRA,Northern,it_lead,x\n", encoding="utf-8")
    result = runner.invoke(main, ["template", "--roster", "agencies.csv", "-o", "forms"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "agencies.csv:1:4: column 'emial' is not a roster column; the columns are agency_id, agency, respondent, "
        "role, email",
        "agencies.csv:2:1: agency_id 'NPLRA' is not a short id: use 1-60 lowercase letters, digits, '-' or '_' "
        "(e.g. nplra)"]
    assert not Path("forms").exists()


def test_a_roster_run_never_writes_over_returns(runner, forms):
    fill_workbook(forms / "wpps-2026.xlsx", answers())
    before = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in forms.iterdir()}
    result = runner.invoke(main, ["template", "--roster", "agencies.csv", "--round", "2026", "-o", "forms"])
    assert result.exit_code == 1
    assert result.output == ("Error: 4 form(s) already exist in forms (nplra-2026-a-khan.xlsx, nplra-2026-b-shah.xlsx, "
                             "wpps-2026.xlsx, hpcro-2026-staff.xlsx), perhaps filled in; write to another folder, or "
                             "add --force to replace them\n")
    assert {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in forms.iterdir()} == before


def test_status_shows_resubmissions_and_copies(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    examples = Path(__file__).resolve().parent.parent / "examples" / "2026"
    Path("returns").mkdir()
    first = (examples / "wpps.yaml").read_text(encoding="utf-8")
    Path("returns/wpps.yaml").write_text(first, encoding="utf-8")
    Path("returns/wpps-corrected.yaml").write_text(first.replace("strategy.vision: {level: 2", "strategy.vision: {level: 3"),
                                                   encoding="utf-8")
    Path("returns/frdsb.yaml").write_text((examples / "frdsb.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    Path("returns/frdsb (copy).yaml").write_text((examples / "frdsb.yaml").read_text(encoding="utf-8"),
                                                 encoding="utf-8")
    Path("agencies.csv").write_text("agency_id,agency\nwpps,Western Province Police Service\n"
                                    "frdsb,Federal Revenue Digital Services Bureau\n", encoding="utf-8")
    result = runner.invoke(main, ["status", "returns", "--roster", "agencies.csv", "--format", "json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    states = {line["agency_id"]: (line["state"], sorted(Path(f).name for f in line["files"]))
              for line in status["lines"]}
    assert states == {"wpps": ("resubmitted", ["wpps-corrected.yaml", "wpps.yaml"]),
                      "frdsb": ("duplicate", ["frdsb (copy).yaml", "frdsb.yaml"])}
    assert status["summary"] == "Round 2026: 2 returns expected from 2 agencies: 1 resubmitted, 1 duplicate"


def test_status_never_writes_over_the_roster_or_into_the_returns(runner, forms):
    before = hashlib.sha256(Path("agencies.csv").read_bytes()).hexdigest()
    result = runner.invoke(main, ["status", "forms", "--roster", "agencies.csv", "-o", "agencies.csv"])
    assert result.exit_code == 1
    assert result.output == "Error: -o agencies.csv is one of the inputs; write the output to another file\n"
    assert hashlib.sha256(Path("agencies.csv").read_bytes()).hexdigest() == before
    result = runner.invoke(main, ["status", "forms", "-o", "forms/status.csv"])
    assert result.exit_code == 1
    assert result.output == ("Error: -o forms/status.csv is inside the input folder forms, where the next run would "
                             "read it as a return (or list it as skipped); write it elsewhere\n")


def test_a_blank_form_among_respondents_is_no_respondent(runner, forms):
    fill_workbook(forms / "nplra-2026-a-khan.xlsx", answers())  # B. Shah sends the form back untouched
    result = runner.invoke(main, ["score", "forms/nplra-2026-a-khan.xlsx", "forms/nplra-2026-b-shah.xlsx",
                                  "--draws", "0", "--format", "json"])
    assert result.exit_code == 1
    assert ("forms/nplra-2026-b-shah.xlsx: this return answers none of the indicators (a blank form); the other "
            "respondents of nplra round 2026 are scored without it: fill it in, or move it out of the folder"
            ) in result.output
    (card,) = json.loads(result.output[result.output.index("["):result.output.rindex("]") + 1])
    assert [person["name"] for person in card["respondents"]] == ["A. Khan"]


def test_an_unresolved_resubmission_holds_back_its_agency_round(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    examples = Path(__file__).resolve().parent.parent / "examples" / "2026"
    Path("returns").mkdir()
    for role in ("it-lead", "senior", "staff"):
        Path(f"returns/nplra-{role}.yaml").write_text((examples / f"nplra-{role}.yaml").read_text(encoding="utf-8"),
                                                      encoding="utf-8")
    text = Path("returns/nplra-it-lead.yaml").read_text(encoding="utf-8")
    Path("returns/nplra-it-lead-v2.yaml").write_text(text.replace("round: \"2026\"", "round: '2026'"),
                                                     encoding="utf-8")
    result = runner.invoke(main, ["score", "returns", "--draws", "0", "--format", "json"])
    assert result.exit_code == 1
    for role in ("senior", "staff"):
        assert (f"returns/nplra-{role}.yaml: held back: nplra round 2026 is not scored until its resubmitted "
                f"return is resolved (see the resubmission named for it); without that respondent it would show "
                f"figures its respondents did not give") in result.output
    result_status = runner.invoke(main, ["status", "returns", "--format", "json"])
    assert sorted(line["state"] for line in json.loads(result_status.output)["lines"]) == [
        "held back", "held back", "resubmitted"]
    assert '"agency_id": "nplra"' not in result.output
    result = runner.invoke(main, ["score", "returns", "--draws", "0", "--format", "json", "--latest"])
    assert result.exit_code == 0, result.output
    (card,) = json.loads(result.output[result.output.index("["):result.output.rindex("]") + 1])
    assert sorted(person["source"] for person in card["respondents"]) == [
        "returns/nplra-it-lead-v2.yaml", "returns/nplra-senior.yaml", "returns/nplra-staff.yaml"]


def test_roles_are_one_whatever_their_letter_case(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    examples = Path(__file__).resolve().parent.parent / "examples" / "2026"
    for role in ("it-lead", "senior", "staff"):
        text = (examples / f"nplra-{role}.yaml").read_text(encoding="utf-8")
        Path(f"nplra-{role}.yaml").write_text(text.replace('role: "staff"', 'role: " Senior "'), encoding="utf-8")
    result = runner.invoke(main, ["score", ".", "--draws", "0", "--format", "json"])
    (card,) = json.loads(result.output[result.output.index("["):result.output.rindex("]") + 1])
    assert sorted(card["roles"]) == ["it_lead", "senior"]


def test_status_latest_shows_the_state_of_the_newer_return(runner, tmp_path, monkeypatch):
    import os

    monkeypatch.chdir(tmp_path)
    examples = Path(__file__).resolve().parent.parent / "examples" / "2026"
    Path("r").mkdir()
    text = (examples / "wpps.yaml").read_text(encoding="utf-8")
    Path("r/wpps.yaml").write_text(text, encoding="utf-8")
    Path("r/wpps-v2.yaml").write_text(text.replace("strategy.vision: {level: 2", "strategy.vision: {level: 3"),
                                      encoding="utf-8")
    os.utime("r/wpps.yaml", (1_790_000_000, 1_790_000_000))
    os.utime("r/wpps-v2.yaml", (1_790_000_060, 1_790_000_060))
    result = runner.invoke(main, ["status", "r", "--latest", "--format", "json"])
    (line,) = json.loads(result.output)["lines"]
    assert line["state"] == "valid" and sorted(line["files"]) == ["r/wpps-v2.yaml", "r/wpps.yaml"]
    result = runner.invoke(main, ["status", "r", "--format", "json"])
    assert json.loads(result.output)["lines"][0]["state"] == "resubmitted"


def _yaml_return(source: str, agency_id: str, round_: str, name: str | None, role: str | None) -> str:
    """An example return re-labelled: another agency id, round and respondent."""
    text = (Path(__file__).resolve().parent.parent / "examples" / "2026" / source).read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        if line.startswith("agency_id:"):
            line = f'agency_id: "{agency_id}"'
        elif line.startswith("round:"):
            line = f'round: "{round_}"'
        elif line.startswith("respondent:"):
            fields = ", ".join(f"{key}: {json.dumps(value)}" for key, value in (("name", name), ("role", role)) if value)
            line = f"respondent: {{{fields}}}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _status(runner, roster: str, returns: dict[str, str], *options) -> dict:
    Path("agencies.csv").write_text(roster, encoding="utf-8")
    Path("r").mkdir(exist_ok=True)
    for name, text in returns.items():
        Path("r", name).write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["status", "r", "--roster", "agencies.csv", "--format", "json", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _states(status: dict) -> list[tuple]:
    return [(line["agency_id"], line["respondent"], line["state"], sorted(Path(f).name for f in line["files"]))
            for line in status["lines"]]


HEAD = "agency_id,agency,respondent,role,email\n"
WPPS = "wpps,Western Province Police Service"


def test_roster_matching_by_name_role_and_form_name(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    roster = HEAD + (f"{WPPS},A. Khan,it_lead,\n{WPPS},A. Khan,senior,\n{WPPS},,staff,\n{WPPS},,staff,\n"
                     f"{WPPS},R. Baloch,staff,\n")
    returns = {
        "one.yaml": _yaml_return("wpps.yaml", "wpps", "2026", "A. Khan", "senior"),  # same name, other role
        "two.yaml": _yaml_return("wpps.yaml", "wpps", "2026", "A. Khan", "it_lead"),
        "s1.yaml": _yaml_return("wpps.yaml", "wpps", "2026", None, "staff"),  # two unnamed staff: two people
        "s2.yaml": _yaml_return("wpps.yaml", "wpps", "2026", None, "staff").replace("agency_id:", "# 2\nagency_id:"),
        # a stray return of a later round from an agency not on the roster changes nothing
        "stray.yaml": _yaml_return("hpcro.yaml", "zzz", "2027", "Z", "it_lead"),
    }
    status = _status(runner, roster, returns)
    assert status["round"] == "2026"
    assert _states(status) == [
        ("wpps", "A. Khan (it_lead)", "valid", ["two.yaml"]), ("wpps", "A. Khan (senior)", "valid", ["one.yaml"]),
        ("wpps", "staff", "valid", ["s1.yaml"]), ("wpps", "staff", "valid", ["s2.yaml"]),
        ("wpps", "R. Baloch", "missing", []),  # unnamed returns are never credited to a named person
        ("zzz", "Z (it_lead)", "other round", ["stray.yaml"])]


def test_a_return_under_its_form_name_with_a_mistyped_id_is_that_respondents(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    roster = HEAD + f"{WPPS},K. Awan,it_lead,k@wpps.example.org\n"
    broken = _yaml_return("wpps.yaml", "WPS", "2026", "K. Awan", "it_lead")
    status = _status(runner, roster, {"wpps-2026-k-awan.yaml": broken})
    ((agency, who, state, files),) = _states(status)
    assert (agency, who, state, files) == ("wpps", "K. Awan", "invalid", ["wpps-2026-k-awan.yaml"])
    assert "To chase" not in runner.invoke(main, ["status", "r", "--roster", "agencies.csv"]).output


def test_roster_rows_that_contradict_each_other_are_refused(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("mix.csv").write_text(HEAD + f"{WPPS},,,desk@x.org\n{WPPS},K. Awan,it_lead,\n{WPPS},K. Awan,it_lead,\n",
                               encoding="utf-8")
    result = runner.invoke(main, ["template", "--roster", "mix.csv", "-o", "forms"])
    assert result.exit_code == 1
    mixed = ("agency wpps is listed both alone and with respondents; list its respondents (name or role on each "
             "row), or the agency alone")
    assert result.output.splitlines() == [f"mix.csv:3:1: {mixed}", f"mix.csv:4:1: {mixed}",
                                          "mix.csv:4:1: this row repeats wpps K. Awan of mix.csv:3:1; list each "
                                          "respondent once"]
    Path("long.csv").write_text(HEAD + "wpps,Western Province, Police,K. Awan,it_lead,k@x.org\n", encoding="utf-8")
    result = runner.invoke(main, ["template", "--roster", "long.csv", "-o", "forms"])
    assert result.output.splitlines() == [
        "long.csv:2:6: this row has 6 fields but the header has 5; a value holding the separator must be in "
        "double quotes"]


def test_the_roster_is_never_written_over(runner, tmp_path, monkeypatch):
    import openpyxl

    monkeypatch.chdir(tmp_path)
    Path("forms").mkdir()
    workbook = openpyxl.Workbook()
    workbook.active.append(["agency_id", "agency"])
    workbook.active.append(["wpps", "Western Province Police Service"])
    workbook.save("forms/wpps.xlsx")  # the roster has the very name of the form it would write
    before = hashlib.sha256(Path("forms/wpps.xlsx").read_bytes()).hexdigest()
    result = runner.invoke(main, ["template", "--roster", "forms/wpps.xlsx", "-o", "forms", "--force"])
    assert result.exit_code == 1
    assert result.output == ("Error: a form would be written over the roster forms/wpps.xlsx; write the forms to "
                             "another folder\n")
    assert hashlib.sha256(Path("forms/wpps.xlsx").read_bytes()).hexdigest() == before


def test_one_folder_given_twice_is_read_once(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("r").mkdir()
    Path("r/wpps.yaml").write_text(_yaml_return("wpps.yaml", "wpps", "2026", "K. Awan", "it_lead"), encoding="utf-8")
    result = runner.invoke(main, ["status", "r", "r/", str(Path("r").resolve()), "--format", "json"])
    assert [line["state"] for line in json.loads(result.output)["lines"]] == ["valid"]


def test_a_problem_of_a_group_shows_on_every_respondent_it_names(runner, forms):
    # Each nplra respondent answers half, and nobody answers strategy.vision: the group's problem is located
    # at one file but names both, so both show as invalid.
    every = answers()
    idents = [ident for ident in every if ident != "strategy.vision"]
    fill_workbook(forms / "nplra-2026-a-khan.xlsx", {i: every[i] for i in idents[::2]})
    fill_workbook(forms / "nplra-2026-b-shah.xlsx", {i: every[i] for i in idents[1::2]})
    for path in forms.iterdir():
        if not path.name.startswith("nplra"):
            fill_workbook(path, every)
    result = runner.invoke(main, ["status", "forms", "--roster", "agencies.csv", "--format", "json"])
    lines = {line["respondent"]: line for line in json.loads(result.output)["lines"]}
    assert {who: line["state"] for who, line in lines.items()} == {
        "A. Khan": "invalid", "B. Shah": "invalid", None: "valid", "ظفر": "valid"}
    assert "answered strategy.vision" in lines["B. Shah"]["first_problem"]


def test_status_as_csv_for_a_mail_merge(runner, forms):
    import csv
    import io

    result = runner.invoke(main, ["status", "forms", "--roster", "agencies.csv", "--format", "csv"])
    assert result.output.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(result.output.lstrip("\ufeff"))))
    assert [(row["agency_id"], row["respondent"], row["email"], row["state"]) for row in rows] == [
        ("nplra", "A. Khan", "a.khan@example.org", "invalid"), ("nplra", "B. Shah", "", "invalid"),
        ("wpps", "", "wpps.reform@example.org", "invalid"), ("hpcro", "ظفر", "", "invalid")]
    assert all(row["round"] == "2026" and row["first_problem"] for row in rows)
