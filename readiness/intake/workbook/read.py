"""Read a filled self-assessment workbook (.xlsx) into the same :class:`Assessment` as a YAML file.

The workbook's cells are turned into a :class:`~readiness.errors.Document` shaped like a YAML
assessment, with each value's cell remembered; the format-neutral checks of
:mod:`readiness.intake.checks` then run unchanged, so both formats give the same messages, located
as ``file.xlsx: Assessment!I14``.

Tolerant of what people do (answers typed instead of picked, ``3 - Defined``, `` 3 ``, ``n/a``,
numbers stored as text, rows re-sorted, extra blank rows, a re-save by LibreOffice); strict about
what matters.  Formulas are never evaluated: a formula in an answer cell is read as its text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Sequence

from ...errors import Document, InvalidInput, Location, Problem, RubricNotFound
from ...rubric.model import Rubric
from ...text import did_you_mean
from ..answers import answer_choices
from ..checks import RubricChoice, capped, check_assessment, gaps_of, key_from, key_of
from ..readers import ReadResult
from .layout import (
    ASSESSMENT_SHEET,
    COVER_FIELDS,
    COVER_SHEET,
    DONT_KNOW,
    HEADER_ROW,
    META_KEYS,
    META_SHEET,
    NOT_APPLICABLE,
)
from .safety import EXCEL_MAX_COLUMN, EXCEL_MAX_ROW, open_workbook, sheet_rows

#: Rows read past the header: room for headings, blank rows and notes, not for a million rows.
MAX_ROWS_PER_INDICATOR = 3
MAX_EXTRA_ROWS = 500


@dataclass
class WorkbookDocument(Document):
    """A workbook's document, and when the workbook was saved (its document properties; None if unrecorded)."""

    saved: datetime | None = None


def read(path: Path, rubrics: RubricChoice) -> ReadResult:
    """Read one workbook; every problem comes back located at its sheet and cell."""
    source = str(path)
    try:
        doc, problems, rubric = workbook_document(path, source, rubrics)
    except InvalidInput as exc:
        return ReadResult(source, problems=exc.problems)
    if rubric is None:
        return ReadResult(source, problems=problems)
    assessment, more, _ = check_assessment(doc, RubricChoice(rubrics.catalog, rubric))
    # The sheet's own problems (rows of unknown ids) count to the cap too; a sheet that goes on too long
    # explains the rest, so it is kept whatever the cap drops.
    problems = capped(sorted(problems + more, key=lambda problem: problem.code != "sheet-too-long"))
    if any(problem.is_error for problem in problems):
        assessment = None
    result = ReadResult(source, assessment, problems, rubric, saved=doc.saved)
    if assessment is None:  # a file with errors: its gaps are named with them
        result.gaps, result.key = gaps_of(doc, rubric), key_of(doc)
    if (assessment is not None and assessment.missing) or result.gaps:  # keep the cells only where gaps must
        result.missing_problems = partial(_missing_problems, doc, rubric)  # be located
    fields = {field: doc.where(field) for field in (("agency",), ("agency_id",), ("round",), ("respondent",),
                                                    ("answers",))}
    result.field_locations = lambda: fields
    return result


def _missing_problems(doc: Document, rubric: Rubric, idents: Sequence[str]) -> list[Problem]:
    """Where each unanswered indicator is: its empty answer cell, or the sheet if its row is gone."""
    rows = doc.data.get("answers", {})

    def choices(ident: str) -> str:
        return answer_choices(rubric, rubric.places[ident].indicator, ranges=False, na=f"'{NOT_APPLICABLE}'",
                              unknown=f"'{DONT_KNOW}'")

    def verb(ident: str) -> str:
        return "pick" if rubric.places[ident].indicator.type == "level" else "enter"

    return [
        Problem(doc.values[("answers", ident)], "missing-answer",
                f"no answer for {ident}; {verb(ident)} {choices(ident)} (or use --partial)")
        if ident in rows else
        Problem(Location(doc.source, sheet=ASSESSMENT_SHEET), "missing-row",
                f"the row for {ident} is missing; copy it back from a new template, or use --partial")
        for ident in idents
    ]


def _location(doc: Document, sheet: str, coordinate: str) -> Location:
    return Location(doc.source, sheet=sheet, cell=coordinate)


def workbook_document(path: Path, source: str, rubrics: RubricChoice
                      ) -> tuple[Document, list[Problem], Rubric | None]:
    """The workbook as a :class:`Document`, problems found on the way, and its rubric."""
    with open_workbook(path, source) as (workbook, sha256, saved):
        doc = WorkbookDocument(source, sha256, {}, saved=saved)
        problems: list[Problem] = []
        rubric, same_edition = _rubric(workbook, doc, rubrics, problems)
        if rubric is None:
            return doc, problems, None
        _hidden_sheets(workbook, doc, problems)
        _cover(workbook, doc, problems)
        _answers(workbook, doc, rubric, problems, same_edition=same_edition)
        return doc, problems, rubric


def _hidden_sheets(workbook, doc: Document, problems: list[Problem]) -> None:
    """Warn when the Cover or Assessment sheet is hidden: the answers read are then not the ones a reader sees.

    The template hides only its _readiness sheet.  A hidden (or "very hidden", which Excel's menus
    cannot show) answer sheet, perhaps behind a visible look-alike, means the file says something
    other than what whoever checked it saw.
    """
    for name in (COVER_SHEET, ASSESSMENT_SHEET):
        state = getattr(workbook[name], "sheet_state", "visible") if name in workbook.sheetnames else "visible"
        if state in ("hidden", "veryHidden"):
            how = "very hidden (Excel's Unhide menu cannot show it)" if state == "veryHidden" else "hidden"
            problems.append(Problem(Location(doc.source, sheet=name), "hidden-sheet",
                                    f"the {name} sheet is {how}: the answers read from it are not what a person "
                                    f"opening the workbook sees; check them, then unhide the sheet and save",
                                    "warning"))


def _rows(sheet, source: str, *, cells: bool = False, through: int = EXCEL_MAX_ROW):
    """The rows the sheet holds, up to row ``through``, as ``(row number, values or cells)``.

    Rows are read from the sheet's XML, whatever used range the file records (LibreOffice and
    others may record a wrong one); missing rows are skipped (:func:`~.safety.sheet_rows`).
    """
    return itertools.takewhile(lambda numbered: numbered[0] <= through, sheet_rows(sheet, source, cells=cells))


def coordinate(row: int, column: int) -> str:
    """A cell's name, e.g. ``D12`` for row 12, column 4."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def _rubric(workbook, doc: Document, rubrics: RubricChoice, problems: list[Problem]
            ) -> tuple[Rubric | None, bool]:
    """The rubric the hidden sheet says the workbook was made from, and whether its questions are the same.

    The questions are compared by the recorded questions hash, or by the whole rubric's hash in a
    workbook made before that was recorded; a difference is a warning, since answers are read by id.
    """
    if META_SHEET not in workbook.sheetnames:
        problems.append(Problem(Location(doc.source), "missing-sheet", f"not a readiness workbook: it has no "
                                                                       f"{META_SHEET} sheet; make one with "
                                                                       "`readiness template --format xlsx`"))
        return None, False
    meta = {}
    # Only the first rows hold the rubric's identity; the id list below them is for people.
    for _, row in _rows(workbook[META_SHEET], doc.source, through=len(META_KEYS)):
        if row and isinstance(row[0], str) and len(row) > 1:
            meta.setdefault(row[0], row[1])
    rubric_id, version = meta.get("rubric_id"), meta.get("rubric_version")
    where_id, where_version = _location(doc, META_SHEET, "B1"), _location(doc, META_SHEET, "B2")
    if not isinstance(rubric_id, str) or version is None:
        problems.append(Problem(where_id, "no-rubric-stamp", "the workbook does not say which rubric it was made "
                                                             "from; make a new one with `readiness template "
                                                             "--format xlsx`"))
        return None, False
    ref = f"{rubric_id}@{version}"
    doc.data["rubric"] = ref
    doc.values[("rubric",)] = where_id
    if rubrics.pinned is not None:
        if ref != rubrics.pinned.ref:
            problems.append(Problem(where_id, "rubric-mismatch", f"this workbook was made from rubric {ref}, but "
                                                                 f"{rubrics.pinned.ref} was asked for (--rubric)"))
            return None, False
        rubric = rubrics.pinned
    else:
        try:
            rubric = rubrics.catalog.find(ref)
        except RubricNotFound as exc:
            wrong_version = any(r.id == rubric_id for r in rubrics.catalog.rubrics)
            where = where_version if wrong_version else where_id
            problems.append(Problem(where, "rubric-not-found", f"this workbook was made from rubric {ref}: {exc}"))
            return None, False
    if isinstance(meta.get("questions_sha256"), str):
        cell, stamped, current, differ = "B5", meta["questions_sha256"], rubric.questions_sha256, "differ"
    else:
        cell, stamped, current, differ = "B3", meta.get("rubric_sha256"), rubric.sha256, "may differ"
    if stamped and stamped != current:
        problems.append(Problem(_location(doc, META_SHEET, cell), "rubric-edition",
                                f"this workbook was made from a different edition of {ref} (its questions "
                                f"{differ}); answers are read by indicator id", "warning"))
    return rubric, stamped == current


def _defined_cells(workbook) -> dict[str, tuple[str, str]]:
    """Cover field name → (sheet, cell), from the workbook's defined names.

    A name that no longer points at exactly one cell (edited into a range, or #REF!) is ignored:
    the cover's default cell is read instead.
    """
    from openpyxl.utils.cell import range_boundaries

    found = {}
    for name, _, _ in COVER_FIELDS:
        definition = workbook.defined_names.get(name)
        if definition is None:
            continue
        try:
            destinations = list(definition.destinations)
            if len(destinations) != 1:
                continue
            sheet, reference = destinations[0]
            min_col, min_row, max_col, max_row = range_boundaries(reference.replace("$", ""))
        except (ValueError, TypeError, AttributeError):
            continue
        if None in (min_col, min_row) or (min_col, min_row) != (max_col, max_row) or sheet != COVER_SHEET:
            continue
        if min_row > EXCEL_MAX_ROW or min_col > EXCEL_MAX_COLUMN:  # not a cell Excel has: as broken as #REF!
            continue
        found[name] = (sheet, coordinate(min_row, min_col))
    return found


def _cover(workbook, doc: Document, problems: list[Problem]) -> None:
    if COVER_SHEET not in workbook.sheetnames:
        problems.append(Problem(Location(doc.source), "missing-sheet", f"the workbook has no {COVER_SHEET} sheet "
                                                                       f"with the agency details; do not rename or "
                                                                       f"delete sheets"))
        return
    respondent = {}
    for name, (at, value) in cover_fields(workbook, doc.source).items():
        location = _location(doc, COVER_SHEET, at)
        if name.startswith("respondent_"):
            respondent[name.removeprefix("respondent_")] = value
            doc.values[("respondent", name.removeprefix("respondent_"))] = location
            continue
        doc.values[(name,)] = location
        doc.keys[(name,)] = location
        doc.data[name] = value  # an empty cell is None: reported as a missing field, at this cell
    doc.data["respondent"] = respondent
    doc.values[("respondent",)] = _location(doc, COVER_SHEET, "B7")


def cover_fields(workbook, source: str) -> dict[str, tuple[str, object]]:
    """Each cover field (agency, agency_id, ...): its cell, found by defined name, and its value as read."""
    defined = _defined_cells(workbook)
    values: dict[str, object] = {}
    last_row = max(int(re.sub(r"[A-Z]", "", cell)) for _, cell in defined.values()) if defined else 0
    last_row = max(last_row, max(int(cell[1:]) for _, _, cell in COVER_FIELDS))
    for row_number, row in _rows(workbook[COVER_SHEET], source, through=last_row):
        for column, value in enumerate(row, start=1):
            if value is not None:
                values[coordinate(row_number, column)] = value
    found = {}
    for name, _, default_cell in COVER_FIELDS:
        sheet, at = defined.get(name, (COVER_SHEET, default_cell))
        found[name] = (at, _text_value(values.get(at)) if sheet == COVER_SHEET else None)
    return found


def agency_round(path: Path) -> tuple[str, str] | None:
    """The ``(agency_id, round)`` a workbook's cover states, read as :func:`read` reads it; ``None`` if the
    workbook cannot be opened or states no valid pair.  Opens the workbook but reads only the cover."""
    try:
        with open_workbook(path, str(path)) as (workbook, _, _):
            if COVER_SHEET not in workbook.sheetnames:
                return None
            fields = cover_fields(workbook, str(path))
    except Exception:  # a workbook that cannot be read says no key here; reading it says why
        return None
    return key_from({name: value for name, (_, value) in fields.items()})


def _text_value(value):
    """A cover cell's value: stripped text, an integral number as an integer (round 2026.0 → 2026)."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _header(sheet_rows) -> tuple[int, dict[str, int]]:
    """Find the header row and the columns by their titles (a user may have inserted a column)."""
    for row_number, row in sheet_rows:
        named = [(str(value).strip().lower(), column) for column, value in enumerate(row, start=1) if value]
        titles = dict(reversed(named))  # a title used twice: the first column counts, and it is reported
        if "indicator id" in titles and "answer" in titles:
            seen = [title for title, _ in named]
            twice = sorted({t for t in seen if seen.count(t) > 1 and t in ("indicator id", "answer", "evidence level")})
            columns = {
                "id": titles["indicator id"],
                "question": titles.get("question"),
                "answer": titles["answer"],
                "evidence": next((c for t, c in titles.items() if t.startswith("evidence (")), None),
                "evidence_level": titles.get("evidence level"),
                "twice": twice,
            }
            return row_number, columns
        if row_number > HEADER_ROW + 10:
            break
    return 0, {}


def _answers(workbook, doc: Document, rubric: Rubric, problems: list[Problem], *, same_edition: bool) -> None:
    if ASSESSMENT_SHEET not in workbook.sheetnames:
        problems.append(Problem(Location(doc.source), "missing-sheet", f"the workbook has no {ASSESSMENT_SHEET} "
                                                                       "sheet; do not rename or delete sheets"))
        return
    # Cells, not just values: a number typed as "42.5%" is stored as 0.425 in a percent-formatted
    # cell, and only the cell's format tells.
    rows = ((number, [cell.value for cell in row], row)
            for number, row in _rows(workbook[ASSESSMENT_SHEET], doc.source, cells=True))
    header_row, columns = _header((number, values) for number, values, _ in rows)
    answers: dict = {}
    doc.data["answers"] = answers
    doc.values[("answers",)] = _location(doc, ASSESSMENT_SHEET, f"A{max(header_row, 1)}")
    doc.keys[("answers",)] = doc.values[("answers",)]
    if not header_row:
        problems.append(Problem(_location(doc, ASSESSMENT_SHEET, f"A{HEADER_ROW}"), "header-not-found",
                                "cannot find the header row ('Indicator id' … 'Answer'); do not change the header"))
        return
    for title in columns["twice"]:
        problems.append(Problem(_location(doc, ASSESSMENT_SHEET, f"A{header_row}"), "doubled-column",
                                f"the header has two columns titled {title!r}; delete the extra one"))
    first_row: dict[str, int] = {}
    places = rubric.places
    row_limit = header_row + MAX_ROWS_PER_INDICATOR * len(places) + MAX_EXTRA_ROWS
    for row_number, row, cells in rows:
        if row_number > row_limit:
            # Stop here either way; only a value (not mere formatting, which Excel also records)
            # past the limit says the sheet is not an assessment.
            if any(value is not None and str(value).strip() for value in row):
                problems.append(Problem(_location(doc, ASSESSMENT_SHEET, f"A{row_number}"), "sheet-too-long",
                                        f"the Assessment sheet goes on past row {row_limit}; an assessment of "
                                        f"{rubric.ref} is far shorter"))
            break
        ident = _cell(row, columns["id"])
        if ident is None:
            continue  # heading or blank row
        id_cell = coordinate(row_number, columns["id"])
        ident = str(ident).strip()
        if ident not in places:
            problems.append(Problem(_location(doc, ASSESSMENT_SHEET, id_cell), "unknown-indicator",
                                    f"unknown indicator id {ident!r}{did_you_mean(ident, places)}; the ids in "
                                    f"column A must not be changed"))
            continue
        if ident in first_row:
            problems.append(Problem(_location(doc, ASSESSMENT_SHEET, id_cell), "duplicate-row",
                                    f"second row for {ident} (first on row {first_row[ident]}); delete the copy"))
            continue
        first_row[ident] = row_number
        question = _cell(row, columns["question"])
        if same_edition and isinstance(question, str) and _fold(question) != _fold(places[ident].indicator.text):
            problems.append(Problem(_location(doc, ASSESSMENT_SHEET, id_cell), "id-moved",
                                    f"{ident} is not the indicator of the question in this row; the ids in column A "
                                    f"must stay with their questions"))
        answer_cell = cells[columns["answer"] - 1] if columns["answer"] <= len(cells) else None
        shown = value_as_shown(answer_cell)
        if answer_cell is not None and shown is not answer_cell.value:
            row = list(row)
            row[columns["answer"] - 1] = shown
        answers[ident] = _answer(doc, rubric, ident, row, row_number, columns)


def value_as_shown(cell):
    """A cell's value as a person sees it: 0.425 in a percentage format is the 42.5 they typed."""
    value = getattr(cell, "value", None)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return value
    number_format = getattr(cell, "number_format", None) or ""
    # Quoted text ("%") and escaped characters (\%) in a format are literal, not percentages.
    number_format = re.sub(r'"[^"]*"|\\.', "", number_format)
    return round(value * 100, 10) if "%" in number_format else value


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _cell(row: tuple, column: int | None):
    if column is None or column > len(row):
        return None
    value = row[column - 1]
    # Array and data-table formulas come back as objects: their text is what the cell says.
    return getattr(value, "text", value) if not isinstance(value, (str, int, float, bool)) else value


def _answer(doc: Document, rubric: Rubric, ident: str, row: tuple, row_number: int, columns: dict):
    """The answer in YAML form (``3``, ``na``, ``{level: 3, evidence: ...}``), each part located."""
    path = ("answers", ident)
    indicator = rubric.places[ident].indicator
    key = indicator.answer_key
    answer_cell = _location(doc, ASSESSMENT_SHEET, coordinate(row_number, columns["answer"]))
    doc.keys[path] = _location(doc, ASSESSMENT_SHEET, coordinate(row_number, columns["id"]))
    doc.values[path] = answer_cell
    doc.values[path + (key,)] = answer_cell
    value = _cell(row, columns["answer"])  # text is normalised by the checks, as it is from YAML
    evidence = _cell(row, columns["evidence"])
    if isinstance(evidence, str):
        evidence = evidence.strip() or None
    elif evidence is not None:
        evidence = str(evidence)
    level = _cell(row, columns["evidence_level"])
    level = level.strip() or None if isinstance(level, str) else level  # the checks normalise letter case
    if evidence is None and level in (None, "none"):
        return value
    answer = {key: value}
    if evidence is not None:
        answer["evidence"] = evidence
        doc.values[path + ("evidence",)] = _location(
            doc, ASSESSMENT_SHEET, coordinate(row_number, columns["evidence"]))
    if level is not None:
        answer["evidence_level"] = level
        doc.values[path + ("evidence_level",)] = _location(
            doc, ASSESSMENT_SHEET, coordinate(row_number, columns["evidence_level"]))
    return answer
