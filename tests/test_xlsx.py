"""Excel self-assessment workbooks: generated from the rubric, read back exactly, errors located by cell."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from readiness.cli import main
from readiness.intake.batch import load_assessments
from readiness.rubric.catalog import Catalog

from .conftest import FIXTURES, located_codes
from .xlsx_helpers import answer_cell, blank_workbook, fill_workbook

COVER = {"B4": "Northern Province Land Records Authority", "B5": "nplra", "B6": "2026", "B7": "A. Khan",
         "B8": "it_lead"}
LIBREOFFICE_FIXTURE = FIXTURES / "libreoffice-resaved.xlsx"


@pytest.fixture(scope="module")
def rubric():
    # The version the committed LibreOffice fixture was made from (tests/fixtures/make_libreoffice_fixture.py).
    return Catalog().resolve("egov-readiness@1.0")


def every_kind_of_answer(rubric) -> tuple[dict, dict]:
    """Answers for every indicator as typed into cells, and what each must read back as."""
    cells, expected = {}, {}
    picks = ["0 – Absent", "1 – Initial", "2 – Developing", "3 – Established", "4 – Optimised", "Not applicable",
             "Don't know"]
    for index, (ident, place) in enumerate(rubric.places.items()):
        if place.indicator.type == "number":
            value, want = [(42.5, ("answered", 42.5)), ("n/a", ("na", None)), (7, ("answered", 7.0))][index % 3]
        else:
            value = picks[index % len(picks)]
            want = {5: ("na", None), 6: ("unknown", None)}.get(index % 7, ("answered", float(index % 7)))
        if want[0] == "na" and not rubric.accepts_na(ident):  # the question applies to every agency
            value, want = "Don't know", ("unknown", None)
        if index % 3 == 0:
            cells[ident] = (value, f"Minute {index}/2026", ["documented", "verified"][index % 2])
            expected[ident] = (*want, f"Minute {index}/2026", ["documented", "verified"][index % 2])
        else:
            cells[ident] = value
            expected[ident] = (*want, None, "none")
    return cells, expected


def read_back(path) -> dict:
    batch = load_assessments([path], Catalog())
    assert batch.problems == []
    (assessment,) = batch.assessments
    return {ident: (a.state, a.value, a.evidence, a.evidence_level) for ident, a in assessment.answers.items()}


def test_round_trip_reads_exactly_what_was_written(tmp_path, rubric):
    cells, expected = every_kind_of_answer(rubric)
    path = fill_workbook(blank_workbook(tmp_path / "a.xlsx", rubric), cells, cover=COVER)
    assert read_back(path) == expected
    (assessment,) = load_assessments([path], Catalog()).assessments
    assert (assessment.agency, assessment.agency_id, assessment.round) == (COVER["B4"], "nplra", "2026")
    assert (assessment.respondent.name, assessment.respondent.role) == ("A. Khan", "it_lead")


def test_yaml_and_workbook_of_the_same_answers_score_the_same(tmp_path, rubric, runner):
    cells, _ = every_kind_of_answer(rubric)
    workbook = fill_workbook(blank_workbook(tmp_path / "a.xlsx", rubric), cells, cover=COVER)
    (assessment,) = load_assessments([workbook], Catalog()).assessments
    lines = ["rubric: egov-readiness@1.0", f"agency: {COVER['B4']}", "agency_id: nplra", "round: '2026'",
             "respondent: {name: A. Khan, role: it_lead}", "answers:"]
    for ident, answer in assessment.answers.items():
        value = answer.state if answer.state != "answered" else answer.value
        key = "level" if rubric.places[ident].indicator.type == "level" else "value"
        if answer.evidence:
            lines.append(f"  {ident}: {{{key}: {value}, evidence: '{answer.evidence}', "
                         f"evidence_level: {answer.evidence_level}}}")
        else:
            lines.append(f"  {ident}: {value}")
    yaml_path = tmp_path / "a.yaml"
    yaml_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scores = []
    for path in (workbook, yaml_path):
        result = runner.invoke(main, ["score", "--format", "csv", str(path)])
        assert result.exit_code == 0
        scores.append(result.output.splitlines()[1].split(",")[4:])
    assert scores[0] == scores[1]


def test_tolerates_what_people_type(tmp_path, rubric):
    typed = {"strategy.vision": "3", "strategy.alignment": " 3 ", "strategy.leadership": "3 - Established",
             "data.use": "n/a", "governance.steering": "Established", "governance.inter_agency": 2.0,
             "governance.procurement": "don't know", "services.online_share": "42.5",
             "skills.trained_share": "18%", "infrastructure.connectivity": "  N/A  "}
    path = fill_workbook(blank_workbook(tmp_path / "a.xlsx", rubric), typed, cover=COVER)
    batch = load_assessments([path], Catalog(), partial=True, min_coverage=0)
    answers = batch.assessments[0].answers
    assert [(answers[i].state, answers[i].value) for i in typed] == [
        ("answered", 3), ("answered", 3), ("answered", 3), ("na", None), ("answered", 3), ("answered", 2),
        ("unknown", None), ("answered", 42.5), ("answered", 18.0), ("na", None)]


def test_ambiguous_text_is_refused_not_guessed(tmp_path, rubric):
    typed = {"strategy.vision": "3 - Optimised", "strategy.alignment": "2-3", "services.online_share": "Established",
             "skills.trained_share": "10-20", "governance.steering": "3 - whatever"}
    path = fill_workbook(blank_workbook(tmp_path / "a.xlsx", rubric), typed, cover=COVER)
    found = problems(path, partial=True)
    for ident, text in typed.items():
        assert any(f"{text!r} is not a valid answer for {ident}" in line for line in found), (ident, found)


def test_percent_typed_in_a_spreadsheet_is_read_as_shown(tmp_path, rubric):
    # Typing "42.5%" in Excel or Calc stores 0.425 in a cell formatted as a percentage.
    path = fill_workbook(blank_workbook(tmp_path / "a.xlsx", rubric), {"services.online_share": 0.425,
                                                                      "skills.trained_share": 0.2}, cover=COVER)
    workbook = openpyxl.load_workbook(path)
    cell = answer_cell(path, "services.online_share")
    workbook["Assessment"][cell].number_format = "0.0%"
    workbook.save(path)
    answers = load_assessments([path], Catalog(), partial=True, min_coverage=0).assessments[0].answers
    assert answers["services.online_share"].value == 42.5
    assert answers["skills.trained_share"].value == 0.2  # a plain 0.2 is 0.2 (%), as typed


def test_rows_resorted_and_blank_rows_added(tmp_path, rubric):
    cells, expected = every_kind_of_answer(rubric)
    path = fill_workbook(blank_workbook(tmp_path / "a.xlsx", rubric), cells, cover=COVER)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Assessment"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    rows = [row for row in rows if row[0]]
    rows.reverse()  # sorted the other way round, headings dropped, a blank row every ten
    for row in range(4, sheet.max_row + 40):
        for column in range(1, 12):
            sheet.cell(row=row, column=column).value = None
    target = 4
    for index, row in enumerate(rows):
        if index % 10 == 0:
            target += 1
        for column, value in enumerate(row, start=1):
            sheet.cell(row=target, column=column).value = value
        target += 1
    workbook.save(path)
    assert read_back(path) == expected


def test_libreoffice_resave_fixture_reads_identically(tmp_path, rubric):
    """A workbook filled by program, then re-saved by LibreOffice Calc (committed; see make_fixtures)."""
    cells, expected = every_kind_of_answer(rubric)
    assert read_back(LIBREOFFICE_FIXTURE) == expected


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed here; "
                                                            "the committed fixture test covers its output")
def test_libreoffice_conversion_reads_identically(tmp_path, rubric):
    cells, expected = every_kind_of_answer(rubric)
    path = fill_workbook(blank_workbook(tmp_path / "filled.xlsx", rubric), cells, cover=COVER)
    out = tmp_path / "converted"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    assert read_back(out / "filled.xlsx") == expected


def problems(path, **kwargs) -> list[str]:
    batch = load_assessments([path], Catalog(), **kwargs)
    return [str(problem) for problem in batch.problems]


def test_bad_answers_are_located_by_cell(tmp_path, rubric):
    path = blank_workbook(tmp_path / "bad.xlsx", rubric)
    cells, _ = every_kind_of_answer(rubric)
    cells |= {"strategy.vision": 7, "strategy.alignment": "maybe", "strategy.leadership": "=4",
              "services.online_share": "lots", "governance.steering": ("2 – Developing", None, "certified")}
    fill_workbook(path, cells, cover=COVER | {"B5": None})
    vision, alignment, leadership, share, steering = (answer_cell(path, i) for i in (
        "strategy.vision", "strategy.alignment", "strategy.leadership", "services.online_share",
        "governance.steering"))
    steering_level = chr(ord(steering[0]) + 2) + steering[1:]
    assert problems(path) == [
        # strategy applies to every agency (na: false): "not applicable" is not offered
        f"{path}: Assessment!{vision}: level 7 is out of range for strategy.vision; expected a level 0–4 or "
        f"'unknown' (don't know)",
        f"{path}: Assessment!{alignment}: 'maybe' is not a valid answer for strategy.alignment; expected a level "
        f"0–4 or 'unknown' (don't know)",
        f"{path}: Assessment!{leadership}: '=4' is not a valid answer for strategy.leadership; expected a level "
        f"0–4 or 'unknown' (don't know)",
        f"{path}: Assessment!{steering_level}: evidence_level 'certified' is not valid; use one of none, "
        f"documented, verified",
        f"{path}: Assessment!{share}: 'lots' is not a valid answer for services.online_share; expected a number "
        f"(the rubric's range is 0–100), 'na' (not applicable) or 'unknown' (don't know)",
        f"{path}: Cover!B5: missing required field 'agency_id'",
    ]


def test_empty_answer_and_altered_id(tmp_path, rubric):
    path = blank_workbook(tmp_path / "gaps.xlsx", rubric)
    cells, _ = every_kind_of_answer(rubric)
    del cells["data.quality"]
    fill_workbook(path, cells, cover=COVER)
    quality = answer_cell(path, "data.quality")
    assert problems(path) == [f"{path}: Assessment!{quality}: no answer for data.quality; pick a level, "
                              f"'Not applicable' or 'Don't know' (or use --partial)"]
    # A number is entered, not picked; a question that applies to every agency offers no "Not applicable".
    blank = blank_workbook(tmp_path / "more-gaps.xlsx", rubric)
    fill_workbook(blank, {ident: value for ident, value in cells.items()
                          if ident not in ("services.online_share", "strategy.vision")}, cover=COVER)
    assert problems(blank) == [
        f"{blank}: Assessment!{answer_cell(blank, 'strategy.vision')}: no answer for strategy.vision; pick a level "
        f"or 'Don't know' (or use --partial)",
        f"{blank}: Assessment!{answer_cell(blank, 'services.online_share')}: no answer for services.online_share; "
        f"enter a number, 'Not applicable' or 'Don't know' (or use --partial)",
        f"{blank}: Assessment!{quality}: no answer for data.quality; pick a level, 'Not applicable' or 'Don't know' "
        f"(or use --partial)",
    ]
    workbook = openpyxl.load_workbook(path)
    row = int(quality[1:])
    workbook["Assessment"][f"A{row}"] = "data.qualty"
    workbook.save(path)
    batch = load_assessments([path], Catalog())
    # The row's id is reported, and in the same pass the indicator it no longer answers.
    assert located_codes(batch.problems) == [(f"{path}: Assessment", "missing-row"),
                                             (f"{path}: Assessment!A{row}", "unknown-indicator")]


def test_workbook_of_another_rubric_or_version(tmp_path, rubric, runner):
    path = blank_workbook(tmp_path / "old.xlsx", rubric)
    workbook = openpyxl.load_workbook(path)
    workbook["_readiness"]["B2"] = "0.9"
    workbook.save(path)
    assert problems(path) == [
        f"{path}: _readiness!B2: this workbook was made from rubric egov-readiness@0.9: rubric 'egov-readiness' is "
        f"known at version 1.0, 1.1, not '0.9'; use a matching rubric file with --rubric, or update the file's rubric: "
        f"line"]
    egdi = blank_workbook(tmp_path / "egdi.xlsx", Catalog().resolve("un-egdi"))
    result = runner.invoke(main, ["validate", "--rubric", "egov-readiness", str(egdi)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (f"{egdi}: _readiness!B1: this workbook was made from rubric "
                                             f"un-egdi@2018, but egov-readiness@1.1 was asked for (--rubric)")


def test_refused_before_parsing(tmp_path, runner):
    not_zip = tmp_path / "notes.xlsx"
    not_zip.write_text("agency,score\n", encoding="utf-8")
    macros = tmp_path / "macros.xlsm"
    shutil.copy(FIXTURES / "libreoffice-resaved.xlsx", macros)
    with_vba = tmp_path / "hidden-macros.xlsx"
    shutil.copy(FIXTURES / "libreoffice-resaved.xlsx", with_vba)
    with zipfile.ZipFile(with_vba, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\0" * 10)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 50_000_000)
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    result = runner.invoke(main, ["validate", str(not_zip), str(macros), str(with_vba), str(bomb), str(big)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[:3] == [
        f"{not_zip}: not an Excel workbook (.xlsx is a zip archive); if it is an old .xls or a CSV file, open it "
        f"and save it as an Excel Workbook (.xlsx)",
        f"{macros}: macro-enabled workbooks (.xlsm) are not accepted; save it as an Excel Workbook (.xlsx)",
        f"{with_vba}: workbook contains macros; save it as an Excel Workbook (.xlsx) without macros",
    ]
    # The exact ratio depends on the zlib build; the refusal and its reason do not.
    assert lines[3].startswith(f"{bomb}: workbook part xl/worksheets/sheet1.xml expands ")
    assert lines[3].endswith("× its compressed size; refused as a possible zip bomb")
    assert lines[4:] == [
        f"{big}: file is 22,020,096 bytes; workbooks over 20,971,520 bytes are not accepted",
        "5 file(s): 0 valid, 5 invalid (5 error(s), 0 warning(s))",
    ]


def test_defusedxml_is_in_use():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def test_template_xlsx_has_no_formulas_and_protects_all_but_inputs(tmp_path, rubric, runner):
    path = tmp_path / "t.xlsx"
    result = runner.invoke(main, ["template", "-o", str(path), "--agency", "=HYPERLINK(\"http://x\",\"y\")",
                                  "--agency-id", "nplra", "--round", "2026"])
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Guide", "Cover", "Assessment", "_readiness"]
    assert workbook["_readiness"].sheet_state == "hidden"
    for sheet in workbook.worksheets:
        assert sheet.protection.sheet is True
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    assert workbook["Cover"]["B4"].value == "=HYPERLINK(\"http://x\",\"y\")"  # text, not a formula
    assert workbook["Cover"]["B4"].protection.locked is False
    assert workbook["Cover"]["A4"].protection.locked is True
    sheet = workbook["Assessment"]
    assert [c.value for c in sheet[3]][:4] == ["Indicator id", "Dimension", "Question", "0 – Absent"]
    assert sheet.freeze_panes == "D4"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape"
    assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    vision = answer_cell(path, "strategy.vision")
    assert sheet[vision].protection.locked is False
    lists = [dv for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    assert lists[0].formula1 == ('"0 – Absent,1 – Initial,2 – Developing,3 – Established,4 – Optimised,'
                                 'Not applicable,Don\'t know"')
    assert vision in str(lists[0].sqref)
    numbers = [dv for dv in sheet.data_validations.dataValidation if dv.type == "decimal"]
    assert [(dv.formula1, dv.formula2) for dv in numbers] == [("0", "100")] * 4  # default rubric 1.1's four
    assert {name: workbook.defined_names[name].attr_text for name in ("agency", "agency_id", "round")} == {
        "agency": "'Cover'!$B$4", "agency_id": "'Cover'!$B$5", "round": "'Cover'!$B$6"}


def test_template_xlsx_needs_an_output_file(runner):
    result = runner.invoke(main, ["template", "--format", "xlsx"])
    assert result.exit_code == 2
    assert "--format xlsx writes a file: add -o FILE.xlsx" in result.output


def test_every_shipped_rubric_template_reads_back(tmp_path):
    for rubric in Catalog().rubrics:
        path = blank_workbook(tmp_path / f"{rubric.id}.xlsx", rubric, agency="A", agency_id="a", round_="2026")
        blank = load_assessments([path], Catalog(), partial=True, min_coverage=0)
        assert blank.report.errors == []
        assert blank.assessments[0].missing == list(rubric.places)


def test_damaged_parts_are_reported_not_crashed(tmp_path, rubric, runner):
    cells, _ = every_kind_of_answer(rubric)
    good = fill_workbook(blank_workbook(tmp_path / "good.xlsx", rubric), cells, cover=COVER)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet3.xml":
                data = data[: len(data) // 2]  # cut off mid-sheet
            target.writestr(item, data)
    result = runner.invoke(main, ["validate", str(broken), str(good)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    # The cut falls in row 52: the problem names the last cell read before it.
    assert lines[0].startswith(f"{broken}: Assessment!K52: the sheet's data is cut off or damaged after this cell "
                               f"(no element found: line 1, column ")
    assert lines[0].endswith("); the workbook is damaged or was not made by a spreadsheet program: open it in Excel "
                             "or LibreOffice and save it again")
    assert lines[1:] == [f"{good}: ok", "2 file(s): 1 valid, 1 invalid (1 error(s), 0 warning(s))"]


def test_edited_structure(tmp_path, rubric):
    cells, expected = every_kind_of_answer(rubric)
    path = fill_workbook(blank_workbook(tmp_path / "a.xlsx", rubric), cells, cover=COVER)
    workbook = openpyxl.load_workbook(path)
    workbook.defined_names["agency"].attr_text = "'Cover'!$B$4:$B$5"  # a range: the default cell B4 is read
    sheet = workbook["Assessment"]
    vision, alignment = (int(answer_cell(path, i)[1:]) for i in ("strategy.vision", "strategy.alignment"))
    sheet[f"A{vision}"], sheet[f"A{alignment}"] = "strategy.alignment", "strategy.vision"  # ids swapped
    sheet["L3"] = "Answer"  # a second column titled Answer
    workbook.save(path)
    batch = load_assessments([path], Catalog())
    assert located_codes(batch.problems) == [
        (f"{path}: Assessment!A3", "doubled-column"),
        (f"{path}: Assessment!A{vision}", "id-moved"),
        (f"{path}: Assessment!A{alignment}", "id-moved"),
    ]
    assert batch.assessments == []


def test_a_sheet_of_a_million_rows_is_not_read_to_the_end(tmp_path, rubric):
    path = blank_workbook(tmp_path / "long.xlsx", rubric)
    workbook = openpyxl.load_workbook(path)
    for row in range(700, 2000):
        workbook["Assessment"][f"Z{row}"] = "junk"
    workbook.save(path)
    batch = load_assessments([path], Catalog(), partial=True)
    assert (f"{path}: Assessment!A720", "sheet-too-long") in located_codes(batch.problems)


def test_formatted_blank_rows_below_the_answers_are_fine(tmp_path, rubric):
    from openpyxl.styles import Font

    cells, expected = every_kind_of_answer(rubric)
    path = fill_workbook(blank_workbook(tmp_path / "a.xlsx", rubric), cells, cover=COVER)
    workbook = openpyxl.load_workbook(path)
    for row in range(100, 2500):  # Excel records formatted rows even when they hold nothing
        workbook["Assessment"][f"A{row}"].font = Font(bold=True)
    workbook.save(path)
    assert read_back(path) == expected


def test_template_agency_must_be_ordinary_text(runner, tmp_path):
    result = runner.invoke(main, ["template", "-o", str(tmp_path / "x.xlsx"), "--agency", "Bad\x07name"])
    assert result.exit_code == 2
    assert "Invalid value for --agency: use 1-200 characters of ordinary text (no control characters)" \
        in result.output
    assert list(tmp_path.iterdir()) == []
    result = runner.invoke(main, ["template", "--format", "xlsx", "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2
    assert "--format xlsx does not match the file name x.yaml; change one of them" in result.output


def test_more_refusals_before_parsing(tmp_path, runner):
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for index in range(1000):
            archive.writestr(f"xl/media/{index}.bin", b"x")
    locked = tmp_path / "locked.xlsx"
    with zipfile.ZipFile(locked, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/secret.bin", b"secret")
    data = bytearray(locked.read_bytes())
    entry = data.rfind(b"PK\x01\x02")  # the central directory record of the last entry
    data[entry + 8] |= 0x1  # its "encrypted" flag, as zip encryption sets it
    locked.write_bytes(bytes(data))
    swollen = tmp_path / "swollen.xlsx"
    with zipfile.ZipFile(swollen, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for index in range(60):  # each part under the per-part ratio check, together 59 MB
            archive.writestr(f"xl/worksheets/sheet{index}.xml", b" " * 990_000)
    result = runner.invoke(main, ["validate", str(many), str(locked), str(swollen)])
    assert result.exit_code == 1
    assert result.output.splitlines()[:3] == [
        f"{many}: workbook has 1,001 parts; more than 1,000 is not a plausible assessment",
        f"{locked}: workbook is encrypted or password-protected; save an unprotected copy",
        f"{swollen}: workbook would expand to 59,400,011 bytes; more than 52,428,800 is refused",
    ]


def test_cover_is_found_by_its_defined_names_and_columns_by_their_titles(tmp_path, rubric):
    cells, expected = every_kind_of_answer(rubric)
    path = fill_workbook(blank_workbook(tmp_path / "a.xlsx", rubric), cells, cover=COVER)
    workbook = openpyxl.load_workbook(path)
    cover = workbook["Cover"]
    cover["C4"], cover["B4"] = "Agency Moved Elsewhere", None
    workbook.defined_names["agency"].attr_text = "'Cover'!$C$4"
    workbook["Assessment"].insert_cols(4)  # a column inserted before the descriptors and the answers
    workbook.save(path)
    assert read_back(path) == expected
    assert load_assessments([path], Catalog()).assessments[0].agency == "Agency Moved Elsewhere"


def filled_with_meta(tmp_path, rubric, **meta) -> tuple:
    """A filled workbook whose hidden ``_readiness`` cells are then set to ``meta`` (cell → value)."""
    cells, expected = every_kind_of_answer(rubric)
    path = fill_workbook(blank_workbook(tmp_path / "a.xlsx", rubric), cells, cover=COVER)
    workbook = openpyxl.load_workbook(path)
    for cell, value in meta.items():
        workbook["_readiness"][cell] = value
    workbook.save(path)
    return path, expected


def edition_warning(path, cell: str, differ: str) -> list[str]:
    return [f"{path}: _readiness!{cell}: warning: this workbook was made from a different edition of "
            f"egov-readiness@1.0 (its questions {differ}); answers are read by indicator id"]


def test_workbook_records_the_hash_of_its_questions(tmp_path, rubric):
    path, _ = filled_with_meta(tmp_path, rubric)
    meta = openpyxl.load_workbook(path)["_readiness"]
    assert (meta["A5"].value, meta["B5"].value) == ("questions_sha256", rubric.questions_sha256)


def test_workbook_whose_questions_differ_from_the_rubric_warns(tmp_path, rubric):
    path, _ = filled_with_meta(tmp_path, rubric, B5="0" * 64)
    batch = load_assessments([path], Catalog())
    assert [str(p) for p in batch.problems] == edition_warning(path, "B5", "differ")
    assert len(batch.assessments) == 1


def test_workbook_of_an_edition_with_other_weights_but_the_same_questions_is_read_quietly(tmp_path, rubric):
    # Weights and thresholds change the rubric's hash, not what a respondent saw.
    path, expected = filled_with_meta(tmp_path, rubric, B3="0" * 64)
    assert read_back(path) == expected


def test_questions_of_another_edition_are_not_taken_for_moved_ids(tmp_path, rubric):
    # A workbook of an edition whose questions were reworded: the words differ, the ids are where they were.
    path, expected = filled_with_meta(tmp_path, rubric, B5="0" * 64)
    workbook = openpyxl.load_workbook(path)
    row = int(answer_cell(path, "strategy.vision")[1:])
    workbook["Assessment"][f"C{row}"] = "Is there a digital strategy? (wording of an earlier edition)"
    workbook.save(path)
    batch = load_assessments([path], Catalog())
    assert [str(p) for p in batch.problems] == edition_warning(path, "B5", "differ")
    # In a workbook of this edition the same rewording is an id that no longer matches its question.
    path, _ = filled_with_meta(tmp_path, rubric)
    workbook = openpyxl.load_workbook(path)
    workbook["Assessment"][f"C{row}"] = "Is there a digital strategy? (wording of an earlier edition)"
    workbook.save(path)
    assert located_codes(load_assessments([path], Catalog()).problems) == [(f"{path}: Assessment!A{row}", "id-moved")]


def test_workbook_made_before_questions_were_hashed_is_compared_by_the_rubric_hash(tmp_path, rubric):
    path, _ = filled_with_meta(tmp_path, rubric, A5=None, B5=None, B3="0" * 64)
    batch = load_assessments([path], Catalog())
    assert [str(p) for p in batch.problems] == edition_warning(path, "B3", "may differ")
    assert len(batch.assessments) == 1


def doctored(path, out, part: str, change) -> str:
    """Copy the workbook at ``path`` to ``out`` with one XML part rewritten by ``change`` (text → text)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data.decode()).encode() if item.filename == part else data)
    return str(out)


def a_cell_at(row: int, column: str = "A", value: str = "x"):
    """A change that adds one text cell at ``column``/``row`` to a sheet: what the attack wrote."""
    return lambda xml: xml.replace("</sheetData>", f'<row r="{row}"><c r="{column}{row}" t="inlineStr"><is><t>'
                                                   f'{value}</t></is></c></row></sheetData>')


@pytest.fixture
def filled(tmp_path, rubric):
    cells, _ = every_kind_of_answer(rubric)
    return fill_workbook(blank_workbook(tmp_path / "a.xlsx", rubric), cells, cover=COVER)


def test_a_defined_name_pointing_at_a_far_row_is_ignored(tmp_path, filled):
    # A 32 KB workbook whose name pointed at row 2,000,000,000 ran past 20 s; it is now as broken as #REF!.
    far = doctored(filled, tmp_path / "far.xlsx", "xl/workbook.xml",
                   lambda xml: xml.replace("'Cover'!$B$4", "'Cover'!$B$2000000000"))
    batch = load_assessments([far], Catalog())
    assert batch.problems == []
    assert batch.assessments[0].agency == COVER["B4"]  # read from the cover's own cell


@pytest.mark.parametrize(("sheet", "part"), [("Assessment", "sheet3"), ("Cover", "sheet2")])
def test_a_cell_past_excels_last_row_is_refused_at_once(tmp_path, filled, sheet, part):
    far = doctored(filled, tmp_path / "far.xlsx", f"xl/worksheets/{part}.xml", a_cell_at(2_000_000_000))
    batch = load_assessments([far], Catalog())
    assert [str(problem) for problem in batch.problems] == [
        f"{far}: {sheet}!A2000000000: the {sheet} sheet has a cell at row 2,000,000,000, column 1: past Excel's "
        f"last row (1,048,576) or column (16,384, XFD); it was not saved by a spreadsheet program"]


def test_a_cell_past_excels_last_column_is_refused(tmp_path, filled):
    # ZZZ is column 18,278: openpyxl reads it (and would make every row that wide); Excel stops at XFD.
    wide = doctored(filled, tmp_path / "wide.xlsx", "xl/worksheets/sheet3.xml", a_cell_at(300, "ZZZ"))
    (problem,) = load_assessments([wide], Catalog()).problems
    assert (str(problem.location), problem.code) == (f"{wide}: Assessment", "sheet-too-long")
    assert "row 300, column 18,278: past Excel's last row" in problem.message


def test_a_far_row_within_excels_limits_is_still_a_sheet_too_long(tmp_path, filled):
    far = doctored(filled, tmp_path / "far.xlsx", "xl/worksheets/sheet3.xml", a_cell_at(1_048_576))
    (problem,) = load_assessments([far], Catalog()).problems
    assert (str(problem.location), problem.code) == (f"{far}: Assessment!A1048576", "sheet-too-long")


def test_an_unreadable_cell_is_located(tmp_path, filled):
    # openpyxl's own words ("Invalid datetime value #REF!") came with no place: now the cell is named.
    bad = doctored(filled, tmp_path / "bad.xlsx", "xl/worksheets/sheet2.xml",
                   lambda xml: xml.replace("</sheetData>", '<row r="30"><c r="C30" t="d"><v>#REF!</v></c></row>'
                                                           "</sheetData>"))
    assert [str(problem) for problem in load_assessments([bad], Catalog()).problems] == [
        f"{bad}: Cover!C30: this cell's value cannot be read (Invalid datetime value #REF!); the workbook is damaged "
        f"or was not made by a spreadsheet program: open it in Excel or LibreOffice and save it again"]


@pytest.mark.parametrize(("state", "how"), [("veryHidden", "very hidden (Excel's Unhide menu cannot show it)"),
                                            ("hidden", "hidden")])
def test_a_hidden_answer_sheet_is_read_with_a_warning(tmp_path, filled, state, how):
    hidden = doctored(filled, tmp_path / "hidden.xlsx", "xl/workbook.xml",
                      lambda xml: xml.replace('name="Assessment" sheetId="3" state="visible"',
                                              f'name="Assessment" sheetId="3" state="{state}"'))
    batch = load_assessments([hidden], Catalog())
    assert [str(problem) for problem in batch.problems] == [
        f"{hidden}: Assessment: warning: the Assessment sheet is {how}: the answers read from it are not what a "
        f"person opening the workbook sees; check them, then unhide the sheet and save"]
    assert batch.problems[0].severity == "warning" and len(batch.assessments) == 1


def test_a_row_given_twice_is_refused_not_read_either_way(tmp_path, filled):
    # Found in review: a second <row r="5"> holding another agency id was read in place of the first.
    twice = doctored(filled, tmp_path / "twice.xlsx", "xl/worksheets/sheet2.xml",
                     lambda xml: xml.replace("</sheetData>", '<row r="5"><c r="B5" t="inlineStr"><is><t>fake</t></is>'
                                                             "</c></row></sheetData>"))
    assert [str(problem) for problem in load_assessments([twice], Catalog()).problems] == [
        f"{twice}: Cover!A5: row 5 of the Cover sheet comes after row 8 (rows repeated or out of order); the "
        f"workbook was not saved by a spreadsheet program: open it in Excel or LibreOffice and save it again"]


def test_a_far_column_is_refused_wherever_it_stands_in_its_row(tmp_path, filled):
    far = doctored(filled, tmp_path / "far.xlsx", "xl/worksheets/sheet3.xml",
                   lambda xml: xml.replace('<c r="A5"', '<c r="XFE5" t="inlineStr"><is><t>x</t></is></c><c r="A5"', 1))
    (problem,) = load_assessments([far], Catalog()).problems
    assert (str(problem.location), problem.code) == (f"{far}: Assessment", "sheet-too-long")
    assert "row 5, column 16,385: past Excel's last row" in problem.message
