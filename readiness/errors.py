"""Problems as data, with stable codes and locations, and the typed errors the library raises.

Validation never stops at the first problem: readers and checks collect :class:`Problem`
objects, each with the place it was found and a stable ``code`` that tools can rely on (the
message may be reworded; the code is not).  :data:`PROBLEM_CODES` lists every code with what it
means; docs/problems.md shows the same list to users, and a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Literal

Severity = Literal["error", "warning"]

#: Every problem code, with what it means.  Codes are added, never renamed.
PROBLEM_CODES: dict[str, str] = {
    # files and folders
    "no-such-file": "a file or folder given on the command line does not exist",
    "empty-folder": "a folder holds no assessment files",
    "skipped-file": "a file in a folder is not an assessment (e.g. an .xls or .ods workbook) and was skipped",
    "unsupported-file-type": "the file's type is not one readiness reads",
    "cannot-read": "the operating system could not read the file",
    "file-too-large": "the file is larger than readiness accepts for its type",
    "internal-error": "reading the file failed in a way readiness did not foresee (a bug to report)",
    # YAML
    "not-utf8": "the file is not UTF-8 text",
    "control-character": "a control or invisible formatting character where text is expected",
    "yaml-syntax": "the file is not valid YAML",
    "empty-file": "the file holds nothing",
    "too-deep": "the data is nested deeper than any assessment or rubric",
    "too-many-values": "the file holds far more values than any assessment or rubric",
    "duplicate-key": "a key is given twice in one mapping",
    "key-clash": "two keys that YAML tells apart would be the same key once read",
    "alias": "a YAML alias (*name), which makes a file say more than it shows",
    "yaml-tag": "a YAML tag (!!type), which readiness does not run",
    "complex-key": "a mapping key that is a list or mapping",
    # the shape of a file
    "not-a-mapping": "the file (or a part of it) must be a mapping of keys to values",
    "other-kind-of-file": "the file is another kind of readiness file (a rubric, a mapping, ...)",
    "unknown-field": "a field that this kind of file does not have",
    "missing-field": "a required field is absent or empty",
    "invalid-value": "a field's value has the wrong type or is out of its range",
    "invalid-key": "a mapping key of the wrong type",
    "too-many-problems": "the rest of a file's problems are counted, not listed",
    # assessment fields
    "invalid-agency-id": "agency_id is not a short lowercase id",
    "invalid-round": "round is not a label such as 2026 or 2026-q1",
    "invalid-text": "agency, respondent or evidence text is not ordinary text of a sensible length",
    "invalid-rubric-reference": "the rubric is not named as id@version",
    "rubric-not-found": "no known rubric (or no known version of it) matches",
    "rubric-mismatch": "the file names another rubric than the one asked for (--rubric)",
    "rubric-edition": "a workbook was made from another edition of its rubric",
    "crosswalk": "a rubric's crosswalk from the version it supersedes is incomplete or inconsistent",
    # answers
    "unknown-indicator": "an indicator id that the rubric does not have",
    "invalid-answer": "an answer that is not a level, a number, 'na' or 'unknown'",
    "level-out-of-range": "a level outside the rubric's scale",
    "not-a-whole-level": "a level question answered with a fraction",
    "number-too-large": "a number too large to be a measurement",
    "number-out-of-range": "a number outside the indicator's range; it is scored at the nearest end",
    "invalid-evidence-level": "evidence_level is not none, documented or verified",
    "evidence-not-described": "an evidence level is given but no evidence is described",
    "na-not-accepted": "'na' (not applicable) for a question the rubric says applies to every agency",
    "missing-answer": "an indicator has no answer",
    "unanswered-indicators": "a note: how many indicators a file with other errors leaves unanswered, where they "
                             "are not each listed",
    "partial-answers": "answers are missing and --partial scores each like 'unknown'",
    "too-few-answers": "with --partial, an assessment answers less of the rubric's weight than --min-coverage asks",
    # several files of one agency-round
    "respondent-rubric-clash": "respondents of one assessment use different rubrics",
    "agency-name-clash": "files of one agency id name the agency differently",
    "duplicate-file": "the same content twice: that respondent would be counted twice",
    "resubmission": "two returns of one respondent (same agency id, round, name and role); --latest keeps the newer",
    "held-back": "a return not scored because another return of its agency-round is an unresolved resubmission",
    # workbooks
    "not-a-workbook": "the file is not an Excel workbook (.xlsx)",
    "macros": "the workbook is macro-enabled or holds macros",
    "encrypted": "the workbook is encrypted or password-protected",
    "zip-bomb": "the workbook would expand to an implausible size",
    "damaged-workbook": "the workbook cannot be read as a spreadsheet",
    "missing-sheet": "a sheet that a readiness workbook needs is missing",
    "no-rubric-stamp": "the workbook does not say which rubric it was made from",
    "header-not-found": "the Assessment sheet's header row cannot be found",
    "doubled-column": "two columns share one title",
    "duplicate-row": "an indicator has two rows",
    "id-moved": "an indicator id no longer stands beside its question",
    "sheet-too-long": "a sheet goes on far past where an assessment ends, or past Excel's last row or column",
    "hidden-sheet": "the Cover or Assessment sheet is hidden: its answers are not what a reader of the workbook sees",
    "missing-row": "an indicator's row was deleted from the workbook",
    # survey import
    "unknown-column": "a mapping names a column the table does not have",
    "row-cut-short": "a row has fewer fields than the header",
    "row-too-long": "a row has more fields than the header (a separator inside an unquoted value?)",
    "unclosed-quote": "a double-quoted value in a CSV file is never closed",
    "value-too-long": "a value in a CSV file is longer than readiness reads (131,072 characters)",
    "empty-table": "the table has no header, or no rows of answers",
    "no-round": "the mapping gives no round",
    "no-answer-columns": "no column of the table maps to an indicator",
    "duplicate-recode": "a recode key is listed twice",
    # rubrics
    "duplicate-id": "an id used twice in a rubric or an intervention catalogue",
    "scale": "the rubric's scale is inconsistent",
    "no-capability-pillar": "a rubric without a capability pillar has no readiness to compute",
    "misplaced-field": "a field that does not belong to this kind of indicator or dimension",
    "level-descriptors": "a level indicator lacks descriptors, or describes levels outside the scale",
    "number-range": "a number indicator lacks min and max, or max is not above min",
    "thresholds": "the rubric's thresholds do not increase, or cannot be met",
    # intervention catalogues
    "unknown-dimension": "a dimension or pillar id that the rubric does not have",
    "unknown-prerequisite": "an intervention requires one that the catalogue does not have",
    "prerequisite-cycle": "interventions require each other in a circle, so none could start",
    "unknown-owner": "an intervention's owner is not one of the catalogue's owners",
    "trigger-dimension": "a trigger watches a dimension that its intervention does not address",
    "unreachable-target": "an intervention's target is not above the threshold that calls for it",
    # scoring
    "not-scorable": "an assessment is valid but readiness cannot be computed from it",
    "broad-disagreement": "the respondents of one agency-round disagree broadly (Krippendorff's alpha below 0.667)",
}


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: a file, and inside it a line/column (text) or a sheet/cell (workbook)."""

    file: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        if self.sheet is not None:
            where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
            return f"{self.file}: {where}"
        if self.line is not None:
            return f"{self.file}:{self.line}:{self.column or 1}"
        return self.file


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in an input: where, a stable code, and a message."""

    location: Location
    code: str
    message: str
    severity: Severity = "error"

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_CODES:  # a programming error: every code is documented
            raise ValueError(f"unknown problem code {self.code!r}")

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.location}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict:
        loc = {k: v for k, v in vars(self.location).items() if v is not None}
        return {"location": loc, "code": self.code, "message": self.message, "severity": self.severity}


class ReadinessError(Exception):
    """Base class of every error the library raises on purpose."""


class InvalidInput(ReadinessError):
    """An input file (assessment, rubric, mapping or table) has one or more problems; all are listed."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=problem_order)
        super().__init__("\n".join(str(p) for p in self.problems))


class RubricNotFound(ReadinessError):
    """A rubric reference (``id`` or ``id@version``) matches no known rubric."""


class CrosswalkError(ReadinessError):
    """Two rubric versions cannot be compared: no crosswalk links them, or it does not check out."""


class NotScorable(ReadinessError):
    """A valid assessment from which the method cannot compute readiness (e.g. every capability ``na``)."""


def problem_order(problem: Problem):
    """Sort key: by file, then sheet, line, column and cell, as a person reads them."""
    loc = problem.location
    return (loc.file, loc.sheet or "", loc.line or 0, loc.column or 0, _cell_order(loc.cell), problem.message)


def _cell_order(cell: str | None) -> tuple[int, str]:
    """Order cells row-first (A2 < B2 < A10), as a person reads a sheet."""
    if not cell:
        return (0, "")
    letters = cell.rstrip("0123456789")
    digits = cell[len(letters):]
    return (int(digits) if digits else 0, letters.rjust(3))


@dataclass
class Document:
    """Data read from a file, and where each part of it came from.

    Paths are tuples of mapping keys and list indices, e.g. ``("answers", "strategy.vision")``.
    YAML files and workbooks are both read into a document, so that the format-neutral checks
    locate their problems in lines or cells alike.  ``problems`` holds what was wrong with the
    file's syntax itself (duplicate keys, aliases, ...), to be reported with everything else.
    """

    source: str
    sha256: str
    data: Any = None
    values: dict[tuple, Location] = field(default_factory=dict)
    keys: dict[tuple, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: tuple = (), *, key: bool = False) -> Location:
        """The location of the value (or, with ``key=True``, the key) at ``path``.

        Falls back to the nearest enclosing value that has a location, then to the file itself.
        """
        path = tuple(path)
        found = (self.keys if key else self.values).get(path)
        if found is not None:
            return found
        while path:
            path = path[:-1]
            if path in self.values:
                return self.values[path]
        return self.file_location()

    def file_location(self) -> Location:
        return Location(self.source)
