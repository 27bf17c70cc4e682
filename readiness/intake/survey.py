"""Import survey-tool exports: one row per respondent → one YAML assessment per row.

KoboToolbox, ODK, Google Forms and spreadsheets all export a table whose columns are questions.
A mapping file (YAML) says which column holds the agency, its id, the round, the respondent and
each indicator's answer, and how to recode answer texts (``"Strongly agree": 4``).  Each row is
checked exactly like a YAML assessment; problems name the row and the column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from pydantic import BaseModel, ConfigDict, Field

from ..errors import Document, InvalidInput, Location, Problem, ReadinessError, RubricNotFound
from ..files import LockedFolder
from ..rubric.catalog import Catalog
from ..rubric.model import Rubric
from ..text import did_you_mean, printable
from ..yamlio import YamlDocument, load_model_file, read_bytes
from .answers import normalise_answer
from .checks import (
    DEFAULT_MIN_COVERAGE,
    RubricChoice,
    agency_name_clashes,
    answered_share,
    capped,
    check_assessment,
    coverage_percent,
    respondent_identity,
    slug_agency_id,
)
from .model import Assessment
from .readers import readable_suffixes
from .workbook.read import coordinate, value_as_shown
from .workbook.safety import open_workbook, sheet_rows
from .yaml import assessment_yaml

MAX_CSV_BYTES = 50 * 1024 * 1024


class Constant(BaseModel):
    """A fixed value for every row, e.g. ``round: {value: "2026"}``."""

    model_config = ConfigDict(extra="forbid")
    value: Union[str, int]


Source = Union[str, Constant, int]  # an integer (round: 2026) is a constant, not a column


class Mapping(BaseModel):
    """The mapping file: which column holds what, and how answer texts are recoded."""

    model_config = ConfigDict(extra="forbid")

    rubric: str = Field(description="id@version of the rubric the answers belong to")
    agency: Source
    agency_id: Source
    round: Source | None = None
    respondent_name: Source | None = None
    respondent_role: Source | None = None
    answers: dict[str, str] | None = Field(default=None, description="indicator id → column; default: the "
                                                                     "columns named like indicator ids")
    evidence: dict[str, str] = Field(default_factory=dict)
    evidence_level: dict[str, str] = Field(default_factory=dict)
    # Keys may be numbers too: survey tools often export Likert answers as codes 1-5.
    recode: dict[Union[int, float, str], Union[int, float, str]] = Field(default_factory=dict)


def load_mapping(path: Path) -> tuple[Mapping, YamlDocument]:
    """Read and check a mapping file; its document locates problems found later (e.g. a missing column)."""
    return load_model_file(path, Mapping, what="a mapping file must be a mapping with rubric, agency, agency_id "
                                               "and answers")


@dataclass
class Table:
    """A table of responses: its header and rows, each row with the number a person sees."""

    source: str
    sha256: str
    header: list[str]
    rows: list[tuple[int, list]]
    sheet: str | None = None  # set for workbooks: locations are then sheet!cell

    def location(self, row: int, column: int | None) -> Location:
        if self.sheet is not None:
            return Location(self.source, sheet=self.sheet, cell=coordinate(row, column) if column else None)
        return Location(self.source, line=row, column=column)


def read_table(path: Path, *, sheet: str | None = None) -> Table:
    """A CSV (comma, semicolon or tab separated; UTF-8) or the first (or named) sheet of an .xlsx."""
    source = str(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook_table(path, source, sheet)
    raw = read_bytes(path, source=source, max_bytes=MAX_CSV_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput([Problem(Location(source), "not-utf8", "file is not UTF-8 text; export the table as CSV "
                                                                   "UTF-8")]) from None
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = []
    header: list[str] | None = None
    problems = []
    read_through = 0  # the last line of the last row read whole
    rows_read = iter(reader)
    while True:
        try:
            values = next(rows_read)
        except StopIteration:
            break
        except csv.Error:  # a value past the csv module's field limit: a quote never closed, or a huge value
            problems.append(_overlong(source, text, read_through + 1))
            break
        read_through = reader.line_num
        if header is None:
            if any(value.strip() for value in values):  # blank lines above the header are skipped
                header = [value.strip() for value in values]
                while header and not header[-1]:  # a trailing separator makes an empty last column
                    header.pop()
            continue
        if any(value.strip() for value in values):
            if len(values) < len(header):
                problems.append(Problem(Location(source, reader.line_num), "row-cut-short",
                                        f"this row has {len(values)} fields but the header has {len(header)}; the "
                                        f"row is cut short"))
            elif any(value.strip() for value in values[len(header):]):
                # More fields than the header: a separator inside an unquoted value would shift every field after it.
                problems.append(Problem(Location(source, reader.line_num, len(header) + 1), "row-too-long",
                                        f"this row has {len(values)} fields but the header has {len(header)}; a "
                                        f"value holding the separator must be in double quotes"))
            rows.append((reader.line_num, values))
    if problems:
        raise InvalidInput(problems)
    if header is None:
        raise InvalidInput([Problem(Location(source), "empty-table", "the table is empty: it needs a header row and "
                                                                     "one row per respondent")])
    return Table(source, hashlib.sha256(raw).hexdigest(), header, rows)


def _overlong(source: str, text: str, line: int) -> Problem:
    """The problem of a row whose value runs past the csv module's limit (131,072 characters), from ``line``."""
    start = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
    if '"' in start:
        return Problem(Location(source, line), "unclosed-quote",
                       f"a value in the row from this line opens a double quote that is never closed (it runs on "
                       f"past {csv.field_size_limit():,} characters); close it (a double quote inside a quoted "
                       f"value is written twice: \"\")")
    return Problem(Location(source, line), "value-too-long",
                   f"a value in this row is longer than {csv.field_size_limit():,} characters; no answer or "
                   f"evidence is that long: shorten it")


def _read_workbook_table(path: Path, source: str, sheet_name: str | None) -> Table:
    with open_workbook(path, source) as (workbook, sha256, _):
        if sheet_name is not None and sheet_name not in workbook.sheetnames:
            raise InvalidInput([Problem(Location(source), "missing-sheet", f"no sheet named {sheet_name!r}; sheets: "
                                                                           f"{', '.join(workbook.sheetnames)}")])
        sheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
        header = None
        rows = []
        for number, cells in sheet_rows(sheet, source, cells=True):
            values = [value_as_shown(cell) for cell in cells]  # 42.5% is 42.5, as in assessment workbooks
            if header is None:
                if any(v is not None for v in values):
                    header = ["" if v is None else str(v).strip() for v in values]
                continue
            if any(v is not None and str(v).strip() for v in values):
                rows.append((number, values))
        if header is None:
            raise InvalidInput([Problem(Location(source, sheet=sheet.title), "empty-table", "the sheet is empty")])
        return Table(source, sha256, header, rows, sheet=sheet.title)


@dataclass
class ImportResult:
    """What an import produced: one (file name, YAML text) per valid row, and every problem."""

    files: list[tuple[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    mapped: int = 0  # indicators the mapping gives a column
    indicators: int = 0  # indicators in the rubric

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def import_responses(table: Table, mapping: Mapping, mapping_doc: YamlDocument, catalog: Catalog, *,
                     round_: str | None = None, mapping_source: str = "",
                     min_coverage: float = DEFAULT_MIN_COVERAGE) -> ImportResult:
    """Turn every row of ``table`` into a YAML assessment, checking each as ``validate`` would.

    What ``score`` would refuse of the files written is refused here, at its rows: one respondent in
    two rows (a resubmission), and an agency-round whose rows answer less than ``min_coverage`` of
    the rubric's weight (the floor of ``score --partial``).  An indicator that no row of an
    agency-round answers is a warning: ``score`` needs ``--partial`` for it.  At most 200 problems are
    listed per file (table or mapping), as for any file; the rest are counted.
    """
    result = _import_rows(table, mapping, mapping_doc, catalog, round_, mapping_source, min_coverage)
    result.problems[:] = capped(result.problems)
    return result


def _import_rows(table: Table, mapping: Mapping, mapping_doc: YamlDocument, catalog: Catalog, round_: str | None,
                 mapping_source: str, min_coverage: float) -> ImportResult:
    result = ImportResult(rows=len(table.rows))
    try:
        rubric = catalog.resolve(mapping.rubric)  # the reform unit's own file may name a rubric file
    except RubricNotFound as exc:
        result.problems.append(Problem(mapping_doc.where(("rubric",)), "rubric-not-found", str(exc)))
        return result
    columns = _columns(table, mapping, rubric, mapping_doc, result.problems, round_)
    result.mapped, result.indicators = len(columns["answers"]), len(rubric.places)
    if not result.ok:
        return result
    recode: dict[str, object] = {}
    for key, value in mapping.recode.items():
        folded = _fold(str(key))
        if folded in recode:
            result.problems.append(Problem(mapping_doc.where(("recode", key), key=True), "duplicate-recode",
                                           f"recode lists {str(key)!r} twice (letter case and spaces do not count)"))
        recode[folded] = value
    if not table.rows:
        result.problems.append(Problem(Location(table.source), "empty-table", "the table has a header but no rows of "
                                                                              "answers"))
    if not result.ok:
        return result
    built: list[tuple[int, Assessment]] = []  # (row number, assessment) of each valid row
    for number, values in table.rows:
        assessment = _row(table, number, values, columns, rubric, recode, RubricChoice(catalog, rubric),
                          result.problems)
        if assessment is not None:
            built.append((number, assessment))
    row_of = {assessment.source: number for number, assessment in built}
    agency_column = columns["fields"].get("agency")
    for first, other in agency_name_clashes([assessment for _, assessment in built]):
        where = table.location(row_of[other.source], agency_column if isinstance(agency_column, int) else None)
        result.problems.append(Problem(where, "agency-name-clash",
                                       f"agency id {other.agency_id!r} names {other.agency!r} here but "
                                       f"{first.agency!r} in {first.source}; give each agency its own id"))
    _check_groups_of_rows(table, columns, rubric, built, min_coverage, result.problems)
    if not result.ok:
        return result
    file_names = import_file_names([assessment.key for _, assessment in built])
    for file_name, (number, assessment) in zip(file_names, built):
        # File names are typed by people too: an escape or a line break in one must not reach the YAML header.
        comment = (f"{IMPORT_MARK[2:]} from {printable(Path(table.source).name)} "
                   f"(row {number}) with mapping {printable(Path(mapping_source).name)}.")
        result.files.append((file_name, assessment_yaml(assessment, rubric, comment=comment)))
    return result


#: Marks a file name taken by another row (``x-2026-1~2.yaml``): no agency id or round contains it.
NAME_MARK = "~"


def import_file_names(keys: list[tuple[str, str]]) -> list[str]:
    """A file name for each row's ``(agency_id, round)``, in row order, no two alike even in a file
    system that does not tell letter case apart.

    A row is ``AGENCY_ID-ROUND.yaml``, and the rows of one agency-round are numbered in row order
    (``x-2026-1.yaml``, ``x-2026-2.yaml``).  Ids and rounds may contain ``-`` and rounds letters of
    either case, so two rows can come to one name (agency ``x`` round ``2026-1``; round ``Q1`` and
    ``q1``): the later row then takes ``~2`` (``x-2026-1~2.yaml``), or the next number free.
    """
    counts: dict[tuple[str, str], int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    numbered: dict[tuple[str, str], int] = {}
    taken: set[str] = set()  # names in lower case
    names = []
    for key in keys:
        stem = f"{key[0]}-{key[1]}"
        if counts[key] > 1:  # several respondents of one agency and round
            numbered[key] = numbered.get(key, 0) + 1
            stem = f"{stem}-{numbered[key]}"
        name, suffix = stem, 1
        while name.lower() in taken:
            suffix += 1
            name = f"{stem}{NAME_MARK}{suffix}"
        taken.add(name.lower())
        names.append(f"{name}.yaml")
    return names


_FIELDS = ("agency", "agency_id", "round", "respondent_name", "respondent_role")


def _check_groups_of_rows(table: Table, columns: dict, rubric: Rubric, rows: list[tuple[int, Assessment]],
                          min_coverage: float, problems: list[Problem]) -> None:
    """The checks ``score`` makes across the files of an agency-round, made on the rows that would become them."""
    name_column = columns["fields"].get("respondent_name")
    name_column = name_column if isinstance(name_column, int) else None
    groups: dict[tuple[str, str], list[tuple[int, Assessment]]] = {}
    for number, assessment in rows:
        groups.setdefault(assessment.key, []).append((number, assessment))
    for (agency_id, round_), members in groups.items():
        first_row: dict[tuple, int] = {}
        for number, assessment in members:
            identity = respondent_identity(assessment)
            if identity is None:
                continue
            if identity in first_row:
                who = ", ".join(p for p in (assessment.respondent.name, assessment.respondent.role) if p)
                problems.append(Problem(table.location(number, name_column), "resubmission",
                                        f"row {first_row[identity]} and this row are answers of the same respondent "
                                        f"({who}; {agency_id} round {round_}), who would count twice; delete the row "
                                        f"that is out of date"))
            else:
                first_row[identity] = number
        assessments = [assessment for _, assessment in members]
        unanswered = [ident for ident in rubric.places
                      if all(a.answers[ident].state == "missing" for a in assessments)]
        if not any(a.missing for a in assessments):
            continue
        numbers = [number for number, _ in members]
        which = f"row {numbers[0]}" if len(numbers) == 1 else f"rows {_few_rows(numbers)}"
        share = answered_share(rubric, assessments)
        where = table.location(numbers[0], None)
        if share is not None and share < min_coverage:
            answered = sum(any(a.answers[ident].state == "answered" for a in assessments) for ident in rubric.places)
            problems.append(Problem(where, "too-few-answers",
                                    f"the answers of {agency_id} round {round_} ({which}) cover "
                                    f"{coverage_percent(share, min_coverage)} of the rubric's weight ({answered} of "
                                    f"{len(rubric.places)} indicators), less than the "
                                    f"{coverage_percent(min_coverage, min_coverage)} that `readiness score --partial` "
                                    f"needs; map more columns or add answers, or lower the floor with "
                                    f"--min-coverage PCT"))
        elif unanswered:
            listed = ", ".join(unanswered[:10]) + (f" and {len(unanswered) - 10} more" if len(unanswered) > 10 else "")
            problems.append(Problem(where, "partial-answers",
                                    f"no answer of {agency_id} round {round_} ({which}) gives {listed}; score it "
                                    f"with --partial (each scores like 'unknown')", "warning"))


def _few_rows(numbers: list[int]) -> str:
    shown = ", ".join(str(number) for number in numbers[:5])
    return shown + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fold(text: str) -> str:
    return " ".join(text.split()).lower()


def _columns(table: Table, mapping: Mapping, rubric: Rubric, doc: YamlDocument, problems: list[Problem],
             round_: str | None) -> dict:
    """Column index (1-based) or constant for every field and indicator; problems located in the mapping."""
    index: dict[str, int] = {}
    for position, name in enumerate(table.header, start=1):
        if name and name in index:
            problems.append(Problem(table.location(1, position), "doubled-column",
                                    f"column name {name!r} is used twice; each column needs its own name"))
        index.setdefault(name, position)

    def column(name: str, path: tuple) -> int | None:
        if name in index:
            return index[name]
        problems.append(Problem(doc.where(path), "unknown-column",
                                f"no column {name!r} in {Path(table.source).name}{did_you_mean(name, index)}"))
        return None

    columns: dict = {"fields": {}, "answers": {}, "evidence": {}, "evidence_level": {}}
    for name in _FIELDS:
        source = getattr(mapping, name)
        if name == "round" and round_ is not None:
            source = Constant(value=round_)
        if isinstance(source, int):
            source = Constant(value=source)
        if source is None:
            if name == "round":
                problems.append(Problem(doc.where(()), "no-round", "the mapping gives no round: add round: {value: "
                                                                   "\"2026\"} or a column, or pass --round"))
            continue
        columns["fields"][name] = source if isinstance(source, Constant) else column(source, (name,))
    answers = mapping.answers
    if answers is None:  # columns named exactly like indicator ids
        answers = {ident: ident for ident in rubric.places if ident in index}
        if not answers:
            problems.append(Problem(doc.where(()), "no-answer-columns",
                                    f"no column is named like an indicator of {rubric.ref}; add an answers: section "
                                    f"mapping indicator ids to columns"))
    for part in ("answers", "evidence", "evidence_level"):
        for ident, name in (answers if part == "answers" else getattr(mapping, part)).items():
            if ident not in rubric.places:
                problems.append(Problem(doc.where((part, ident), key=True), "unknown-indicator",
                                        f"unknown indicator {ident!r}{did_you_mean(ident, rubric.places)} in rubric "
                                        f"{rubric.ref}"))
                continue
            columns[part][ident] = column(name, (part, ident))
    return columns


def _row(table: Table, number: int, values: list, columns: dict, rubric: Rubric, recode: dict,
         rubrics: RubricChoice, problems: list[Problem]) -> Assessment | None:
    """One row as an assessment, checked like a file; its problems located at its cells."""
    doc = Document(table.source, table.sha256, {"rubric": rubric.ref})
    doc.values[()] = table.location(number, None)

    def cell(position: int):
        value = values[position - 1] if position - 1 < len(values) else None
        if isinstance(value, str):
            value = value.strip() or None
        return value

    respondent = {}
    for name, source in columns["fields"].items():
        if source is None:
            continue
        value = source.value if isinstance(source, Constant) else cell(source)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        location = table.location(number, None if isinstance(source, Constant) else source)
        if name == "agency_id" and isinstance(value, int):
            value = str(value)  # a numeric agency code from a spreadsheet cell
        if name == "agency_id" and isinstance(value, str):
            value = slug_agency_id(value)  # ids exported by survey tools are often upper case or spaced
        if name.startswith("respondent_"):
            respondent[name.removeprefix("respondent_")] = None if value is None else str(value)
            doc.values[("respondent", name.removeprefix("respondent_"))] = location
        else:
            doc.data[name] = value
            doc.values[(name,)] = doc.keys[(name,)] = location
    doc.data["respondent"] = respondent
    answers = {}
    for ident, position in columns["answers"].items():
        raw = cell(position)
        if raw is None:
            continue  # an empty cell: the respondent skipped the question
        indicator = rubric.places[ident].indicator
        # Recoding is for answer words and Likert codes: a number question's number is never recoded.
        if indicator.type == "level" or not _is_number(normalise_answer(raw, indicator, rubric)):
            raw = recode.get(_fold(str(raw)), raw)
        key = indicator.answer_key
        location = table.location(number, position)
        doc.values[("answers", ident)] = doc.values[("answers", ident, key)] = location
        doc.keys[("answers", ident)] = location
        value = raw  # normalised by the checks, like every answer
        extra = {}
        for part in ("evidence", "evidence_level"):
            position_extra = columns[part].get(ident)
            if position_extra is not None and cell(position_extra) is not None:
                extra[part] = str(cell(position_extra))
                doc.values[("answers", ident, part)] = table.location(number, position_extra)
        answers[ident] = {key: value, **extra} if extra else value
    doc.data["answers"] = answers
    doc.values[("answers",)] = table.location(number, None)
    assessment, found, _ = check_assessment(doc, rubrics)  # a skipped question is an empty cell, not an error
    problems.extend(_name_columns(found, table))
    if assessment is None:
        return None
    return assessment.model_copy(update={"source": f"{table.source} row {number}"})


def _name_columns(problems: list[Problem], table: Table) -> list[Problem]:
    """Add the column's name to each message: ``responses.csv:14:3: column 'osi': ...``."""
    named = []
    for problem in problems:
        column = problem.location.column
        if table.sheet is not None and problem.location.cell:
            letters = re.match(r"[A-Z]+", problem.location.cell).group(0)
            from openpyxl.utils import column_index_from_string

            column = column_index_from_string(letters)
        if column and column <= len(table.header):
            problem = Problem(problem.location, problem.code, f"column {table.header[column - 1]!r}: "
                                                              f"{problem.message}", problem.severity)
        named.append(problem)
    return named


IMPORT_MARK = "# Imported by `readiness import`"


def written_by_import(path: Path) -> bool:
    """Whether a file is one that ``readiness import`` wrote (its first line says so)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readline().startswith(IMPORT_MARK)
    except (OSError, UnicodeDecodeError):
        return False


def write_import(folder: Path, files: list[tuple[str, str]], *, replace: bool = False) -> int:
    """Write an import's files into ``folder``, all or none; returns how many old files it replaced.

    The folder must hold no other assessment files (``.yaml``, ``.xlsx``: what ``score`` would read with
    them), and no earlier import unless ``replace`` (then
    the files an import wrote are left out of the new folder), so that old and new respondents
    never mix.  The whole folder is built beside it and moved in with one rename, under a lock
    (:class:`readiness.files.LockedFolder`): a second import into the same folder is refused, and
    an import killed at any moment leaves the old folder or the new one, never a mix or a part.
    Raises :class:`ReadinessError` (:class:`readiness.files.FolderLocked`, :class:`readiness.files.WriteError`)
    otherwise, having changed nothing.
    """
    with LockedFolder(folder) as target:
        # Looked at under the lock: another import cannot change the folder between this look and the write.
        # Any file that score would read counts: a workbook return left in the folder would join the new edition.
        existing = [Path(entry.path) for entry in target.entries() if entry.is_file()
                    and Path(entry.name).suffix.lower() in readable_suffixes()]
        old = [p for p in existing if written_by_import(p)]
        others = [p for p in existing if p not in old]
        if others:
            raise ReadinessError(f"{folder} holds .yaml or .xlsx files that readiness import did not write (e.g. "
                                 f"{others[0].name}), which score would read with the imported ones; choose a folder "
                                 f"of their own for imported assessments")
        if old and not replace:
            raise ReadinessError(f"{folder} already holds {len(old)} imported file(s); importing into it would mix "
                                 f"old and new respondents. Choose an empty folder, or add --replace to delete them "
                                 f"first.")
        target.write(files, remove=[p.name for p in old])
    return len(old)
