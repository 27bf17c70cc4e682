"""The blank self-assessment workbook sent to agencies, generated from a rubric (no formulas at all).

openpyxl is imported inside the functions, so that commands that do not write workbooks never load it.
"""

from __future__ import annotations

import math
from pathlib import Path

from ...files import atomic_write, version
from ...rubric.model import Rubric
from ..model import EVIDENCE_LEVELS
from .layout import (
    ASSESSMENT_SHEET,
    COL_DIMENSION,
    COL_FIRST_LEVEL,
    COL_ID,
    COL_QUESTION,
    COVER_FIELDS,
    COVER_SHEET,
    DONT_KNOW,
    GUIDE_SHEET,
    HEADER_ROW,
    META_IDS_ROW,
    META_KEYS,
    META_SHEET,
    NOT_APPLICABLE,
    answer_columns,
    header_titles,
    level_choice,
)

_TITLE_FONT = {"bold": True, "size": 14}
_PILLAR_FILL = "1F4E79"
_DIMENSION_FILL = "DDEBF7"
_INPUT_FILL = "FFF2CC"
_WIDTHS = {"question": 44, "level": 27}  # characters: narrow enough to print legibly on A4


def set_text(cell, text) -> None:
    """Put text in a cell as text: never a formula, whatever it starts with."""
    cell.value = None if text is None else str(text)
    if text is not None:
        cell.data_type = "s"


def build_workbook(rubric: Rubric, *, agency: str | None = None, agency_id: str | None = None,
                   round_: str | None = None, respondent_name: str | None = None,
                   respondent_role: str | None = None):
    """An openpyxl ``Workbook`` ready to send to an agency, the cover pre-filled where given."""
    from openpyxl import Workbook

    workbook = Workbook()
    guide = workbook.active
    guide.title = GUIDE_SHEET
    _guide(guide, rubric)
    _cover(workbook, rubric, {"agency": agency, "agency_id": agency_id, "round": round_,
                              "respondent_name": respondent_name, "respondent_role": respondent_role})
    _assessment(workbook.create_sheet(ASSESSMENT_SHEET), rubric)
    _meta(workbook.create_sheet(META_SHEET), rubric)
    workbook.active = 1  # open on the cover
    return workbook


def write_workbook(rubric: Rubric, path: str | Path, **cover) -> None:
    """Write the workbook atomically to ``path``."""
    workbook = build_workbook(rubric, **cover)
    with atomic_write(path, "wb") as handle:
        workbook.save(handle)


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin", color="BFBFBF")
    return {
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "bold": Font(bold=True),
        "title": Font(**_TITLE_FONT),
        "white_bold": Font(bold=True, color="FFFFFF"),
        "grey": Font(color="595959", size=9),
        "pillar": PatternFill("solid", fgColor=_PILLAR_FILL),
        "dimension": PatternFill("solid", fgColor=_DIMENSION_FILL),
        "input": PatternFill("solid", fgColor=_INPUT_FILL),
        "unlocked": Protection(locked=False),
    }


def _guide(sheet, rubric: Rubric) -> None:
    style = _styles()
    scale = ", ".join(level_choice(rubric, level) for level in rubric.scale.levels)
    lines = [
        (f"Self-assessment: {rubric.title}", "title"),
        (f"Rubric {rubric.ref} (sha256 {rubric.sha256[:12]}…)", "grey"),
        ("", None),
        ("Purpose", "bold"),
        ("This workbook records how ready your agency is for digital reform: its digital capability, the "
         "institutional resistance it meets and the barriers it faces. Answer for the agency as it is today, "
         "not as planned.", None),
        ("", None),
        ("How to fill it in", "bold"),
        ("1. On the Cover sheet, fill in the yellow cells: agency, agency id, round, your name and role.", None),
        ("2. On the Assessment sheet, pick an answer for every question in the yellow Answer column. Each level "
         "is described in the columns to its left: choose the one that matches what an assessor would see.", None),
        (f"3. Choose '{NOT_APPLICABLE}' only when the question does not apply to your agency (questions that "
         f"apply to every agency do not offer it), and '{DONT_KNOW}' when you cannot tell ('{DONT_KNOW}' counts "
         f"as the lowest level).", None),
        ("4. Questions that ask for a number (a share in %, hours per month) take a number.", None),
        ("5. Where you can, name the document that supports your answer and choose its evidence level.", None),
        ("6. Save the file as .xlsx and send it back. Do not rename sheets, delete rows or change column A.", None),
        ("", None),
        ("The scale", "bold"),
        (scale, None),
        ("", None),
        ("Evidence levels", "bold"),
        ("none: no document is named (the default).", None),
        ("documented: a document, minute, notification or report supports the answer.", None),
        ("verified: someone outside the team (audit, reform unit, partner) has checked that document.", None),
        ("", None),
        ("Only the yellow cells can be edited; the sheets are protected without a password so that the "
         "questions are not changed by accident.", "grey"),
    ]
    for row, (text, kind) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1)
        set_text(cell, text or None)
        cell.alignment = style["wrap"]
        if kind:
            cell.font = style[kind]
        lines_needed = math.ceil(len(text) * 1.1 / 105) if text else 1
        sheet.row_dimensions[row].height = max(15, 14 * lines_needed + 2) if kind != "title" else 22
    sheet.column_dimensions["A"].width = 110
    _fit_to_width(sheet)
    sheet.protection.sheet = True


def _cover(workbook, rubric: Rubric, values: dict) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    style = _styles()
    sheet = workbook.create_sheet(COVER_SHEET)
    set_text(sheet["A1"], "Cover")
    sheet["A1"].font = style["title"]
    set_text(sheet["A2"], f"Rubric: {rubric.title} ({rubric.ref})")
    sheet["A2"].font = style["grey"]
    for name, label, ref in COVER_FIELDS:
        label_cell = sheet[ref.replace("B", "A")]
        set_text(label_cell, label)
        label_cell.font = style["bold"]
        cell = sheet[ref]
        set_text(cell, values.get(name))
        cell.fill = style["input"]
        cell.border = style["border"]
        cell.protection = style["unlocked"]
        column, row = ref[0], ref[1:]
        workbook.defined_names[name] = DefinedName(name, attr_text=f"'{COVER_SHEET}'!${column}${row}")
    sheet.column_dimensions["A"].width = 58
    sheet.column_dimensions["B"].width = 60
    _fit_to_width(sheet)
    sheet.protection.sheet = True


def _assessment(sheet, rubric: Rubric) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    style = _styles()
    columns = answer_columns(rubric)
    titles = header_titles(rubric)
    set_text(sheet.cell(row=1, column=1), f"Self-assessment: {rubric.title} ({rubric.ref})")
    sheet.cell(row=1, column=1).font = style["title"]
    set_text(sheet.cell(row=2, column=1), "Pick an answer for every question in the yellow cells; see the Guide "
                                          "sheet. Do not change column A.")
    sheet.cell(row=2, column=1).font = style["grey"]
    for column, title in enumerate(titles, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column)
        set_text(cell, title)
        cell.font = style["white_bold"]
        cell.fill = style["pillar"]
        cell.alignment = style["wrap"]

    levels = [level_choice(rubric, level) for level in rubric.scale.levels]

    def answer_list(choices: list[str]):
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle="Answer", error="Pick an answer from the list.")
        sheet.add_data_validation(validation)
        return validation

    # Questions that apply to every agency (na: false in the rubric) offer no "Not applicable".
    level_lists = {True: answer_list(levels + [NOT_APPLICABLE, DONT_KNOW]), False: answer_list(levels + [DONT_KNOW])}
    evidence_list = DataValidation(type="list", formula1='"' + ",".join(EVIDENCE_LEVELS) + '"', allow_blank=True,
                                   showErrorMessage=True, error="Pick none, documented or verified.")
    sheet.add_data_validation(evidence_list)

    row = HEADER_ROW
    last_column = len(titles)
    for pillar in rubric.pillars:
        row += 1
        set_text(sheet.cell(row=row, column=COL_DIMENSION), f"{pillar.title} ({pillar.kind})")
        for column in range(1, last_column + 1):
            sheet.cell(row=row, column=column).fill = style["pillar"]
        sheet.cell(row=row, column=COL_DIMENSION).font = style["white_bold"]
        for dimension in pillar.dimensions:
            row += 1
            set_text(sheet.cell(row=row, column=COL_DIMENSION), dimension.title)
            for column in range(1, last_column + 1):
                sheet.cell(row=row, column=column).fill = style["dimension"]
            sheet.cell(row=row, column=COL_DIMENSION).font = style["bold"]
            for indicator in dimension.indicators:
                row += 1
                _indicator_row(sheet, row, rubric, dimension.title, indicator, columns, style)
                answer = sheet.cell(row=row, column=columns["answer"]).coordinate
                accepts_na = rubric.accepts_na(indicator.id)
                if indicator.type == "level":
                    level_lists[accepts_na].add(answer)
                else:
                    words = f"'{NOT_APPLICABLE}' or '{DONT_KNOW}'" if accepts_na else f"'{DONT_KNOW}'"
                    numbers = DataValidation(
                        type="decimal", operator="between", formula1=f"{indicator.min:g}",
                        formula2=f"{indicator.max:g}", allow_blank=True, showErrorMessage=True,
                        errorStyle="warning", errorTitle="Number",
                        error=f"Enter a number from {indicator.min:g} to {indicator.max:g}, or type {words}.")
                    sheet.add_data_validation(numbers)
                    numbers.add(answer)
                evidence_list.add(sheet.cell(row=row, column=columns["evidence_level"]).coordinate)

    widths = {COL_ID: 22, COL_DIMENSION: 16, COL_QUESTION: _WIDTHS["question"]}
    for column in range(COL_FIRST_LEVEL, columns["answer"]):
        widths[column] = _WIDTHS["level"]
    widths.update({columns["answer"]: 17, columns["evidence"]: 30, columns["evidence_level"]: 13})
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=COL_FIRST_LEVEL).coordinate
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _fit_to_width(sheet)
    sheet.protection.sheet = True
    sheet.protection.autoFilter = False
    sheet.protection.sort = False


def _fit_to_width(sheet) -> None:
    """Print landscape on A4, as wide as the page, as many pages down as needed."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _indicator_row(sheet, row, rubric, dimension_title, indicator, columns, style) -> None:
    set_text(sheet.cell(row=row, column=COL_ID), indicator.id)
    sheet.cell(row=row, column=COL_ID).font = style["grey"]
    set_text(sheet.cell(row=row, column=COL_DIMENSION), dimension_title)
    set_text(sheet.cell(row=row, column=COL_QUESTION), indicator.text)
    for offset, level in enumerate(rubric.scale.levels):
        if indicator.type == "level":
            text = (indicator.levels or {}).get(level, "")
        else:
            text = f"(a number from {indicator.min:g} to {indicator.max:g}; " \
                   f"{'higher' if indicator.direction == 'higher' else 'lower'} is healthier)" if offset == 0 else None
        set_text(sheet.cell(row=row, column=COL_FIRST_LEVEL + offset), text)
    for column in range(1, columns["evidence_level"] + 1):
        cell = sheet.cell(row=row, column=column)
        cell.alignment = style["wrap"]
        cell.border = style["border"]
    for key in ("answer", "evidence", "evidence_level"):
        cell = sheet.cell(row=row, column=columns[key])
        cell.fill = style["input"]
        cell.protection = style["unlocked"]
    # Spreadsheet programs do not grow rows to fit wrapped text on their own: estimate the lines.
    texts = [(indicator.text, _WIDTHS["question"])]
    texts += [(text, _WIDTHS["level"]) for text in (indicator.levels or {}).values()]
    lines = max(math.ceil(len(text) * 1.15 / width) for text, width in texts)
    sheet.row_dimensions[row].height = max(15, 12.5 * lines + 3)


def _meta(sheet, rubric: Rubric) -> None:
    values = (rubric.id, rubric.version, rubric.sha256, f"readiness {version()}", rubric.questions_sha256)
    for row, (key, value) in enumerate(zip(META_KEYS, values), start=1):
        set_text(sheet.cell(row=row, column=1), key)
        set_text(sheet.cell(row=row, column=2), value)
    set_text(sheet.cell(row=META_IDS_ROW - 1, column=1), "indicator_ids")
    for offset, ident in enumerate(rubric.places):
        set_text(sheet.cell(row=META_IDS_ROW + offset, column=1), ident)
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
