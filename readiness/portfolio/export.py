"""A comparison as files for the analysts' own tools: JSON, CSV, Excel (.xlsx) and SQLite.

Text typed by agencies is never a formula: in CSV a cell that could start one (under any
delimiter) is quoted and prefixed with an apostrophe; in Excel it is a text cell marked with a
quote prefix, so that editing it does not turn it into a formula either.  Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tempfile
from pathlib import Path

from ..text import could_be_formula, safe_cell
from .model import Comparison
from .tables import REAL_COLUMNS, View, column_type, views


def to_json(comparison: Comparison) -> str:
    """Every field of the comparison; the same input and seed always give the same text."""
    return json.dumps(comparison.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def to_csv(comparison: Comparison) -> str:
    """The ``scores`` view (one row per unit and round, with ranks), with a byte-order mark so that Excel
    reads it as UTF-8 and shows names in any script.  Every view is in the Excel and SQLite exports.

    Every text cell is quoted and numbers are not, so a spreadsheet that splits on ``;`` or tabs
    still sees one text cell; text that could start a formula is prefixed with an apostrophe.
    """
    view = views(comparison)[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(view.columns)
    for row in view.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return "\ufeff" + out.getvalue()


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(value)


def to_xlsx(comparison: Comparison) -> bytes:
    """One sheet per view; a header row in bold and frozen, numbers as numbers, text never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    bold = Font(bold=True)
    about = workbook.active
    about.title = "about"
    for row, (name, value) in enumerate(_about(comparison), start=1):
        about.cell(row=row, column=1, value=name).font = bold
        _set(about.cell(row=row, column=2), value)
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 22, 100
    for view in views(comparison):
        sheet = workbook.create_sheet(view.name)
        sheet.append(view.columns)
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for values in view.rows:
            sheet.append([None] * len(values))
            for column, value in enumerate(values, start=1):
                _set(sheet.cell(row=sheet.max_row, column=column), value)
        for column, name in enumerate(view.columns, start=1):
            letter = sheet.cell(row=1, column=column).column_letter
            sheet.column_dimensions[letter].width = max(10, len(name) + 2)
            if name in REAL_COLUMNS:  # shown to one decimal; the cell keeps every digit
                for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                    cell.number_format = "0.000" if name.startswith("comparability") or name == "stage_confidence" \
                        else "0.0"
        sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _about(comparison: Comparison) -> list[tuple[str, object]]:
    """The first sheet: what the workbook holds and how it was made, so that it can be read on its own."""
    rows = [("comparison", "readiness compare: " + ", ".join(view.round for view in comparison.rounds)),
            ("current round", comparison.current), ("baseline round", comparison.baseline or "none"),
            ("draws", comparison.draws), ("seed", comparison.seed), ("rank decimals", comparison.rank_decimals),
            ("anonymised", "yes" if comparison.anonymised else "no")]
    if comparison.anonymised:
        rows.append(("min group", comparison.min_group))
    rows += [(f"rubric {ref}", f"sha256 {digest}") for ref, digest in comparison.rubrics.items()]
    rows.append(("inputs", f"sha256 {comparison.inputs_sha256}"))
    rows += [("note", note) for note in comparison.notes]
    rows.append(("sheets", "scores, dimensions, distributions, changes, stages, roles, divergences, evidence, "
                           "interventions, loop: docs/portfolio.md describes each"))
    return rows


def _set(cell, value) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, (int, float)):
        cell.value = value
    else:
        # A text cell, never a formula; the quote prefix keeps it text when someone edits it in Excel.
        cell.value = str(value)
        cell.data_type = "s"
        if could_be_formula(cell.value):
            cell.quotePrefix = True


def to_sqlite(comparison: Comparison) -> bytes:
    """A SQLite database (as bytes, to be written atomically like every output): one table per view, with its
    key, ready for Datasette or a BI tool."""
    with tempfile.TemporaryDirectory(prefix="readiness-sqlite-") as folder:
        path = Path(folder) / "comparison.sqlite"
        connection = sqlite3.connect(path)
        try:
            with connection:
                for view in views(comparison):
                    _table(connection, view)
        finally:
            connection.close()
        return path.read_bytes()


def _table(connection: sqlite3.Connection, view: View) -> None:
    # Table and column names are this module's own constants, never data; values go through placeholders.
    types = [column_type(name) for name in view.columns]
    columns = ", ".join(f'"{name}" {kind}' for name, kind in zip(view.columns, types))
    key = ", ".join(f'"{name}"' for name in view.key)
    constraint = f", PRIMARY KEY ({key})" if view.unique else ""
    connection.execute(f'CREATE TABLE "{view.name}" ({columns}{constraint})')
    if not view.unique:
        connection.execute(f'CREATE INDEX "{view.name}_key" ON "{view.name}" ({key})')
    marks = ", ".join("?" for _ in view.columns)
    connection.executemany(f'INSERT INTO "{view.name}" VALUES ({marks})',
                           [[_sql_value(value) for value in row] for row in view.rows])


def _sql_value(value):
    if isinstance(value, bool):
        return int(value)
    return value
