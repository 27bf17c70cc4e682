"""-o never replaces an input, the format follows -o's extension, and written files get the usual modes.

Each refusal exits 1 and leaves the file byte for byte as it was (compared by hash).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat

import pytest

from readiness.cli import main

from .conftest import ROOT


def digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.fixture
def returns(tmp_path, monkeypatch):
    """A folder of returns as a reform unit keeps them: two YAML files and a workbook."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "returns"
    folder.mkdir()
    for name in ("frdsb.yaml", "wpps.yaml", "ldadm.xlsx"):
        shutil.copy(ROOT / "examples" / "2026" / name, folder / name)
    return folder


def test_template_never_replaces_a_filled_return(runner, returns):
    filled = returns / "ldadm.xlsx"
    before = digest(filled)
    result = runner.invoke(main, ["template", "-o", str(filled)])
    assert result.exit_code == 1
    assert result.output == (f"Error: {filled} exists (perhaps a return already filled in); write the blank form to "
                             f"another file, or add --force to replace it\n")
    assert digest(filled) == before
    result = runner.invoke(main, ["template", "-o", str(filled), "--force"])
    assert result.exit_code == 0 and digest(filled) != before


@pytest.mark.parametrize("command", [
    ["score", "returns", "--format", "csv", "-o", "returns/ldadm.xlsx"],
    ["score", "returns", "-o", "returns/wpps.yaml"],
    ["recommend", "returns", "--format", "markdown", "-o", "returns/frdsb.yaml"],
    ["whatif", "returns/wpps.yaml", "--set", "skills=60", "-o", "returns/wpps.yaml"],
    ["compare", "returns", "--format", "json", "-o", "returns/ldadm.xlsx"],
])
def test_an_input_is_never_an_output(runner, returns, command):
    hashes = {path.name: digest(path) for path in returns.iterdir()}
    result = runner.invoke(main, command)
    assert result.exit_code == 1
    assert result.output == f"Error: -o {command[-1]} is one of the inputs; write the output to another file\n"
    assert {path.name: digest(path) for path in returns.iterdir()} == hashes


def test_reports_are_not_written_into_an_input_folder(runner, returns):
    result = runner.invoke(main, ["report", "returns", "-o", "returns/reports", "--format", "html"])
    assert result.exit_code == 1
    assert result.output == ("Error: -o returns/reports is inside the input folder returns; write the reports to a "
                             "folder of their own\n")
    assert not (returns / "reports").exists()


def test_score_takes_the_format_from_the_extension(runner, returns):
    result = runner.invoke(main, ["score", "returns", "--draws", "0", "-o", "s.json"])
    assert result.exit_code == 0, result.output
    assert [card["agency_id"] for card in json.loads(open("s.json", encoding="utf-8").read())] == [
        "frdsb", "ldadm", "wpps"]
    result = runner.invoke(main, ["score", "returns", "--draws", "0", "-o", "s.csv"])
    assert open("s.csv", encoding="utf-8").readline().startswith("agency,agency_id,round,rubric,readiness")
    result = runner.invoke(main, ["score", "returns", "--format", "csv", "-o", "s.json"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == ("Error: --format csv contradicts -o s.json (a .json file is json); "
                                              "leave --format out, or name the file .csv")
    result = runner.invoke(main, ["recommend", "returns", "-o", "memo.md"])
    assert result.exit_code == 0 and open("memo.md", encoding="utf-8").read().startswith("# ")


def test_written_files_get_the_usual_mode_and_a_replaced_file_keeps_its_own(runner, returns):
    old = os.umask(0o022)
    try:
        runner.invoke(main, ["score", "returns", "--draws", "0", "-o", "new.json"])
        assert stat.S_IMODE(os.stat("new.json").st_mode) == 0o644
        os.chmod("new.json", 0o664)  # shared with a group
        runner.invoke(main, ["score", "returns", "--draws", "0", "-o", "new.json"])
        assert stat.S_IMODE(os.stat("new.json").st_mode) == 0o664
    finally:
        os.umask(old)


def test_o_is_a_regular_file_or_a_new_path(runner, returns):
    # A FIFO stands for a device here: an atomic rename would replace it with a regular file (as root,
    # `-o /dev/null` would have turned the device into a file).
    os.mkfifo("pipe")
    for command in (["score", "returns", "--draws", "0", "-o", "pipe"], ["template", "-o", "pipe"]):
        result = runner.invoke(main, command)
        assert result.exit_code == 1
        assert result.output == ("Error: -o pipe is not a regular file (a device, pipe or socket); write to a file, "
                                 "or leave -o out to write to standard output\n")
        assert stat.S_ISFIFO(os.stat("pipe").st_mode)
    result = runner.invoke(main, ["score", "returns/wpps.yaml", "--draws", "0", "--format", "json", "-o", "-"])
    assert result.exit_code == 0 and json.loads(result.output)[0]["agency_id"] == "wpps"
    assert not os.path.exists("-")


def test_score_csv_quotes_text_another_spreadsheet_would_split(runner, returns):
    text = open("returns/wpps.yaml", encoding="utf-8").read().replace(
        'agency: "Western Province Police Service"', """agency: "x;=cmd|' /C calc'!A0;\"""")
    open("returns/wpps.yaml", "w", encoding="utf-8").write(text)
    runner.invoke(main, ["score", "returns/wpps.yaml", "--draws", "0", "-o", "s.csv"])
    row = open("s.csv", encoding="utf-8").read().splitlines()[1]
    assert row.startswith('''"x;=cmd|' /C calc'!A0;",wpps,2026,''')
    import csv

    for separator in (";", "|", "\t", ","):  # however a spreadsheet splits the row, no cell starts a formula
        for field in next(csv.reader([row], delimiter=separator)):
            assert not field.startswith(("=", "+", "-", "@")), (separator, field)
