"""Import survey-tool exports: one row per respondent → one YAML assessment per row.

KoboToolbox, ODK, Google Forms and spreadsheets all export a table whose columns are questions.
A mapping file (YAML) says which column holds the agency, its id, the round, the respondent and
each indicator's answer, and how to recode answer texts (``"Strongly agree": 4``).  Each row is
checked exactly like a YAML assessment; problems name the row and the column.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ._pydantic import problems_from_validation
from .answers import normalise_answer
from .assessment import Assessment
from .catalog import Catalog
from .errors import InvalidInput, Location, Problem, RubricNotFound
from .intake_xlsx import CellDocument, damaged, value_as_shown
from .intake_yaml import assessment_from_data
from .rubric import Rubric
from .xlsx_safety import check_workbook_file
from .yaml_writer import assessment_yaml
from .yamlsource import YamlDocument, load_and_build, load_located, read_bytes

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
    """Read and check a mapping file (positions kept, to locate problems found later)."""
    raw = read_bytes(path)

    def build(doc: YamlDocument) -> Mapping:
        if not isinstance(doc.data, dict):
            raise InvalidInput([Problem(doc.where(()), "a mapping file must be a mapping with rubric, agency, "
                                                       "agency_id and answers")])
        try:
            mapping = Mapping.model_validate(doc.data)
        except ValidationError as exc:
            raise InvalidInput(doc.problems + problems_from_validation(exc, doc, Mapping)) from None
        if doc.problems:
            raise InvalidInput(doc.problems)
        return mapping

    mapping = load_and_build(raw, str(path), build)
    return mapping, load_located(raw, str(path))


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
            from openpyxl.utils import get_column_letter

            return Location(self.source, sheet=self.sheet, cell=f"{get_column_letter(column)}{row}" if column else None)
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
        raise InvalidInput([Problem(Location(source), "file is not UTF-8 text; export the table as CSV UTF-8")]) \
            from None
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = []
    header: list[str] | None = None
    problems = []
    for values in reader:
        if header is None:
            if any(value.strip() for value in values):  # blank lines above the header are skipped
                header = [value.strip() for value in values]
                while header and not header[-1]:  # a trailing separator makes an empty last column
                    header.pop()
            continue
        if any(value.strip() for value in values):
            if len(values) < len(header):
                problems.append(Problem(Location(source, reader.line_num), f"this row has {len(values)} fields but "
                                                                           f"the header has {len(header)}; the row "
                                                                           f"is cut short"))
            rows.append((reader.line_num, values))
    if problems:
        raise InvalidInput(problems)
    if header is None:
        raise InvalidInput([Problem(Location(source), "the table is empty: it needs a header row and one row per "
                                                      "respondent")])
    return Table(source, hashlib.sha256(raw).hexdigest(), header, rows)


def _read_workbook_table(path: Path, source: str, sheet_name: str | None) -> Table:
    from openpyxl import load_workbook

    check_workbook_file(path, source)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # a damaged file fails in openpyxl in many ways
        raise InvalidInput([damaged(source, exc)]) from None
    try:
        if sheet_name is not None and sheet_name not in workbook.sheetnames:
            raise InvalidInput([Problem(Location(source), f"no sheet named {sheet_name!r}; sheets: "
                                                          f"{', '.join(workbook.sheetnames)}")])
        sheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
        sheet.reset_dimensions()
        header = None
        rows = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = [value_as_shown(cell) for cell in cells]  # 42.5% is 42.5, as in assessment workbooks
            if header is None:
                if any(v is not None for v in values):
                    header = ["" if v is None else str(v).strip() for v in values]
                continue
            if any(v is not None and str(v).strip() for v in values):
                rows.append((number, values))
        if header is None:
            raise InvalidInput([Problem(Location(source, sheet=sheet.title), "the sheet is empty")])
        return Table(source, hashlib.sha256(path.read_bytes()).hexdigest(), header, rows, sheet=sheet.title)
    except InvalidInput:
        raise
    except Exception as exc:  # sheets are parsed lazily: damage shows while reading rows
        raise InvalidInput([damaged(source, exc)]) from None
    finally:
        workbook.close()


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
        return not any(p.severity == "error" for p in self.problems)


def import_responses(table: Table, mapping: Mapping, mapping_doc: YamlDocument, catalog: Catalog, *,
                     round_: str | None = None, mapping_source: str = "") -> ImportResult:
    """Turn every row of ``table`` into a YAML assessment, checking each as ``validate`` would."""
    result = ImportResult(rows=len(table.rows))
    try:
        rubric = catalog.resolve(mapping.rubric)
    except RubricNotFound as exc:
        result.problems.append(Problem(mapping_doc.where(("rubric",)), str(exc)))
        return result
    columns = _columns(table, mapping, rubric, mapping_doc, result.problems, round_)
    result.mapped, result.indicators = len(columns["answers"]), len(rubric.places)
    if not result.ok:
        return result
    recode: dict[str, object] = {}
    for key, value in mapping.recode.items():
        folded = _fold(str(key))
        if folded in recode:
            result.problems.append(Problem(mapping_doc.where(("recode", key), key=True),
                                           f"recode lists {str(key)!r} twice (letter case and spaces do not count)"))
        recode[folded] = value
    if not table.rows:
        result.problems.append(Problem(Location(table.source), "the table has a header but no rows of answers"))
    if not result.ok:
        return result
    names: dict[str, int] = {}  # file name stem -> rows that would take it
    built: list[tuple[str, Assessment]] = []
    for number, values in table.rows:
        assessment = _row(table, number, values, columns, rubric, recode, catalog, result.problems)
        if assessment is not None:
            stem = f"{assessment.agency_id}-{assessment.round}"
            names[stem] = names.get(stem, 0) + 1
            built.append((stem, assessment))
    _check_agencies(built, result.problems)
    if not result.ok:
        return result
    counters: dict[str, int] = {}
    for stem, assessment in built:
        if names[stem] > 1:  # several respondents of one agency and round: number them in row order
            counters[stem] = counters.get(stem, 0) + 1
            stem = f"{stem}-{counters[stem]}"
        row = assessment.source.rpartition(" ")[2]
        comment = (f"{IMPORT_MARK[2:]} from {Path(table.source).name} "
                   f"(row {row}) with mapping {Path(mapping_source).name}.")
        result.files.append((f"{stem}.yaml", assessment_yaml(assessment, rubric, comment=comment)))
    return result


_FIELDS = ("agency", "agency_id", "round", "respondent_name", "respondent_role")


def _check_agencies(built: list[tuple[str, Assessment]], problems: list[Problem]) -> None:
    """Rows of one agency id and round are respondents of one agency: they must name it alike."""
    first: dict[tuple[str, str], Assessment] = {}
    for _, assessment in built:
        earlier = first.setdefault(assessment.key, assessment)
        if earlier.agency != assessment.agency:
            problems.append(Problem(_row_location(assessment), f"agency id {assessment.agency_id!r} names "
                                                               f"{assessment.agency!r} here but {earlier.agency!r} "
                                                               f"in {earlier.source}; give each agency its own id"))


def _row_location(assessment: Assessment) -> Location:
    file, _, row = assessment.source.rpartition(" row ")
    return Location(file, line=int(row)) if row.isdigit() else Location(assessment.source)


def _is_number(raw) -> bool:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return True
    return isinstance(raw, str) and re.fullmatch(r"\s*[+-]?(\d+([.,]\d*)?|[.,]\d+)\s*%?\s*", raw) is not None


def _fold(text: str) -> str:
    return " ".join(text.split()).lower()


def _columns(table: Table, mapping: Mapping, rubric: Rubric, doc: YamlDocument, problems: list[Problem],
             round_: str | None) -> dict:
    """Column index (1-based) or constant for every field and indicator; problems located in the mapping."""
    index: dict[str, int] = {}
    for position, name in enumerate(table.header, start=1):
        if name and name in index:
            problems.append(Problem(table.location(1, position), f"column name {name!r} is used twice; each "
                                                                 f"column needs its own name"))
        index.setdefault(name, position)

    def column(name: str, path: tuple) -> int | None:
        if name in index:
            return index[name]
        close = difflib.get_close_matches(name, list(index), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(Problem(doc.where(path), f"no column {name!r} in {Path(table.source).name}{hint}"))
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
                problems.append(Problem(doc.where(()), "the mapping gives no round: add round: {value: \"2026\"} "
                                                       "or a column, or pass --round"))
            continue
        columns["fields"][name] = source if isinstance(source, Constant) else column(source, (name,))
    answers = mapping.answers
    if answers is None:  # columns named exactly like indicator ids
        answers = {ident: ident for ident in rubric.places if ident in index}
        if not answers:
            problems.append(Problem(doc.where(()), f"no column is named like an indicator of {rubric.ref}; add an "
                                                   f"answers: section mapping indicator ids to columns"))
    for part in ("answers", "evidence", "evidence_level"):
        for ident, name in (answers if part == "answers" else getattr(mapping, part)).items():
            if ident not in rubric.places:
                close = difflib.get_close_matches(ident, list(rubric.places), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(Problem(doc.where((part, ident), key=True),
                                        f"unknown indicator {ident!r}{hint} in rubric {rubric.ref}"))
                continue
            columns[part][ident] = column(name, (part, ident))
    return columns


def _row(table: Table, number: int, values: list, columns: dict, rubric: Rubric, recode: dict, catalog: Catalog,
         problems: list[Problem]) -> Assessment | None:
    """One row as an assessment, checked like a file; its problems located at its cells."""
    doc = CellDocument(table.source, table.sha256, {"rubric": rubric.ref})
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
            value = slug(value)  # ids exported by survey tools are often upper case or spaced
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
        if indicator.type == "level" or not _is_number(raw):
            raw = recode.get(_fold(str(raw)), raw)
        key = "level" if indicator.type == "level" else "value"
        location = table.location(number, position)
        doc.values[("answers", ident)] = doc.values[("answers", ident, key)] = location
        doc.keys[("answers", ident)] = location
        value = normalise_answer(raw, indicator, rubric)
        extra = {}
        for part in ("evidence", "evidence_level"):
            position_extra = columns[part].get(ident)
            if position_extra is not None and cell(position_extra) is not None:
                extra[part] = str(cell(position_extra)) if part == "evidence" else str(cell(position_extra)).lower()
                doc.values[("answers", ident, part)] = table.location(number, position_extra)
        answers[ident] = {key: value, **extra} if extra else value
    doc.data["answers"] = answers
    doc.values[("answers",)] = table.location(number, None)
    assessment, found = assessment_from_data(doc, catalog, rubric, note_gaps=False)  # skipped questions are normal
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
            problem = Problem(problem.location, f"column {table.header[column - 1]!r}: {problem.message}",
                              problem.severity)
        named.append(problem)
    return named


def slug(text: str) -> str:
    """An agency id from what a survey tool exported: ``"NPLRA "`` → ``nplra``, ``"Land Records"`` → ``land-records``."""
    return re.sub(r"[^a-z0-9_-]+", "-", text.strip().lower()).strip("-")


IMPORT_MARK = "# Imported by `readiness import`"


def written_by_import(path: Path) -> bool:
    """Whether a file is one that ``readiness import`` wrote (its first line says so)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readline().startswith(IMPORT_MARK)
    except (OSError, UnicodeDecodeError):
        return False


def write_files(folder: Path, files: list[tuple[str, str]], *, remove: list[Path] = ()) -> None:
    """Write every file, or none: stage them beside ``folder``, then move them in.

    ``remove`` (the old files of a re-import) are deleted only once everything new is written.
    """
    import os
    import shutil
    import tempfile

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".readiness-import-", dir=folder.parent))
    try:
        for name, text in files:
            (staging / name).write_text(text, encoding="utf-8")
        folder.mkdir(exist_ok=True)
        for path in remove:
            path.unlink()
        for name, _ in files:
            os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
