"""Problems as data, and the typed errors the library raises.

Validation never stops at the first problem: readers and checkers collect :class:`Problem`
objects, each with the place it was found, and raise :class:`InvalidInput` carrying all of them.
The CLI prints them one per line and exits with code 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


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
    """One thing wrong (or worth a warning) in an input, with its location."""

    location: Location
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.location}: {prefix}{self.message}"

    def to_dict(self) -> dict:
        loc = {k: v for k, v in vars(self.location).items() if v is not None}
        return {"location": loc, "message": self.message, "severity": self.severity}


class ReadinessError(Exception):
    """Base class of every error the library raises on purpose."""


class InvalidInput(ReadinessError):
    """An input file (assessment or rubric) has one or more problems; all are listed."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=problem_order)
        super().__init__("\n".join(str(p) for p in self.problems))


class RubricNotFound(ReadinessError):
    """A rubric reference (``id`` or ``id@version``) matches no known rubric."""


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
