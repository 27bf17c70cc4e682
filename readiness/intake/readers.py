"""The one registry of assessment readers: file suffix → reader, used by every command and by folder search.

A reader turns one file into a :class:`ReadResult`: the assessment (or ``None`` if the file has
errors), every problem found, the rubric it answers, and a way to say where each unanswered
indicator is, so that the batch can name lines and cells without reading the file again.
Readers are imported when first used: reading YAML never loads openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from pathlib import Path
from typing import Callable, Sequence

from ..errors import Location, Problem
from ..rubric.model import Rubric
from .model import Assessment

#: Suffix → module under readiness.intake whose ``read(path, rubrics)`` reads it.
READERS: dict[str, str] = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".xlsx": "workbook.read",
    ".xlsm": "workbook.read",
}
#: Found in folders so that they can be refused with a reason, but never accepted.
REFUSED_SUFFIXES = (".xlsm",)
#: What users are told assessments may be.
ACCEPTED_SUFFIXES = tuple(suffix for suffix in READERS if suffix not in REFUSED_SUFFIXES)

MissingProblems = Callable[[Sequence[str]], list[Problem]]
#: Where the fields of a file's cover are (``("agency",)``, ...): a cell, or a line found by reading the file again.
FieldLocations = Callable[[], dict[tuple, Location]]


@dataclass
class ReadResult:
    """What reading one file gave."""

    source: str
    assessment: Assessment | None = None
    problems: list[Problem] = field(default_factory=list)
    rubric: Rubric | None = None
    #: One problem per unanswered indicator id, located at its key, row or cell.
    missing_problems: MissingProblems = lambda idents: []
    #: When the file was saved, by its own record (a workbook's document properties); else None.
    saved: datetime | None = None
    #: For a file with errors: the indicators it leaves unanswered, and its (agency_id, round) if readable,
    #: so that the batch can name each gap in the first pass.
    gaps: list[str] = field(default_factory=list)
    key: tuple[str, str] | None = None
    #: Where the cover fields are, found only when a problem across files needs them.
    field_locations: FieldLocations = lambda: {}

    @property
    def ok(self) -> bool:
        return self.assessment is not None and not any(p.is_error for p in self.problems)


def reader_for(path: Path) -> Callable | None:
    """The ``read(path, rubrics)`` function for a file, or ``None`` for a type no reader takes."""
    module = READERS.get(path.suffix.lower())
    return None if module is None else import_module(f"{__package__}.{module}").read


def readable_suffixes() -> tuple[str, ...]:
    """The suffixes readers take, as folder search looks for them."""
    return tuple(READERS)


def unexpected_failure(source: str, exc: Exception) -> Problem:
    """The problem of a file whose reading failed in a way readiness did not foresee (a bug to report)."""
    detail = " ".join(str(exc).split())[:200]
    return Problem(Location(source), "internal-error", f"reading this file failed unexpectedly "
                                                       f"({type(exc).__name__}: {detail}); please report this as a "
                                                       f"bug in readiness")
