"""Make and fill self-assessment workbooks in tests, the way a person (or LibreOffice) would."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from readiness.intake.workbook.layout import ASSESSMENT_SHEET, COVER_SHEET
from readiness.intake.workbook.write import write_workbook


def blank_workbook(path: Path, rubric, **cover) -> Path:
    write_workbook(rubric, path, **cover)
    return path


def fill_workbook(path: Path, answers: dict, *, cover: dict | None = None, out: Path | None = None) -> Path:
    """Write answers into a generated workbook: {indicator id: answer or (answer, evidence, evidence level)}."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[ASSESSMENT_SHEET]
    header = [cell.value for cell in sheet[3]]
    answer_col, evidence_col, level_col = (header.index("Answer") + 1,
                                           header.index("Evidence (document or reference)") + 1,
                                           header.index("Evidence level") + 1)
    for row in sheet.iter_rows(min_row=4):
        ident = row[0].value
        if ident not in answers:
            continue
        value = answers[ident]
        evidence = level = None
        if isinstance(value, tuple):
            value, evidence, level = value
        sheet.cell(row=row[0].row, column=answer_col).value = value
        sheet.cell(row=row[0].row, column=evidence_col).value = evidence
        sheet.cell(row=row[0].row, column=level_col).value = level
    for ref, value in (cover or {}).items():
        workbook[COVER_SHEET][ref] = value
    target = out or path
    workbook.save(target)
    return target


def answer_cell(path: Path, ident: str) -> str:
    """The coordinate of an indicator's answer cell, e.g. 'I6'."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[ASSESSMENT_SHEET]
    header = [cell.value for cell in sheet[3]]
    for row in sheet.iter_rows(min_row=4):
        if row[0].value == ident:
            return sheet.cell(row=row[0].row, column=header.index("Answer") + 1).coordinate
    raise KeyError(ident)
