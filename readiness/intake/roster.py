"""The roster of a round: who is asked to answer (agencies and, optionally, their respondents).

A roster is a CSV (UTF-8, comma, semicolon or tab separated) or the first sheet of an .xlsx, with a
header row and one row per respondent (or per agency, when respondents are not listed):

``agency_id`` (required), ``agency`` (the full name, required), ``respondent`` (a name), ``role``,
``email``.  Headers are matched without regard to case, spaces or underscores; ``name`` and
``respondent name`` are taken for ``respondent``, ``agency name`` for ``agency``.  Every problem is
located at its row and column (``file:line:column``) or cell (``file: Sheet!B4``).

The roster is data about people; it is read, never sent anywhere (the e-mail addresses are only
listed back by ``readiness status`` for chasing).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidInput, Location, Problem
from ..text import control_character
from .checks import AGENCY_ID
from .survey import read_table

#: Roster columns, and the other headers taken for each.
COLUMNS = {
    "agency_id": ("agency_id", "agencyid", "id"),
    "agency": ("agency", "agencyname", "name of agency"),
    "respondent": ("respondent", "respondentname", "name"),
    "role": ("role", "respondentrole"),
    "email": ("email", "e-mail", "emailaddress"),
}
REQUIRED = ("agency_id", "agency")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


@dataclass(frozen=True)
class RosterEntry:
    """One row: an agency and, when the roster lists them, one respondent."""

    agency_id: str
    agency: str
    respondent: str | None
    role: str | None
    email: str | None
    location: Location  # the row, for messages

    @property
    def who(self) -> str:
        """The respondent as people name them: ``A. Khan (it_lead)``, the role, or ``the agency``."""
        if self.respondent and self.role:
            return f"{self.respondent} ({self.role})"
        return self.respondent or self.role or "the agency"


@dataclass(frozen=True)
class Roster:
    source: str
    entries: list[RosterEntry]

    @property
    def agencies(self) -> dict[str, str]:
        """Agency id → name, in roster order."""
        return {entry.agency_id: entry.agency for entry in self.entries}

    def of(self, agency_id: str) -> list[RosterEntry]:
        return [entry for entry in self.entries if entry.agency_id == agency_id]


def _fold(text: str) -> str:
    return re.sub(r"[\s_]+", "", text.strip().casefold())


def load_roster(path: Path) -> Roster:
    """Read and check a roster; raises :class:`InvalidInput` listing every problem with its place."""
    table = read_table(path)
    problems: list[Problem] = []
    columns: dict[str, int] = {}
    aliases = {_fold(alias): name for name, names in COLUMNS.items() for alias in names}
    for index, header in enumerate(table.header):
        name = aliases.get(_fold(header))
        if name is None:
            if header.strip():
                problems.append(Problem(table.location(_header_row(table), index + 1), "unknown-field",
                                        f"column {header!r} is not a roster column; the columns are "
                                        f"{', '.join(COLUMNS)}"))
            continue
        if name in columns:
            problems.append(Problem(table.location(_header_row(table), index + 1), "doubled-column",
                                    f"two columns are {name!r}; keep one"))
        columns.setdefault(name, index)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        problems.append(Problem(table.location(_header_row(table), None), "missing-field",
                                f"the roster needs the column(s) {', '.join(missing)} (and may have respondent, "
                                f"role, email)"))
        raise InvalidInput(problems)
    entries: list[RosterEntry] = []
    names: dict[str, tuple[str, Location]] = {}
    seen: dict[tuple, Location] = {}
    for number, values in table.rows:
        def value(name: str) -> str | None:
            index = columns.get(name)
            if index is None or index >= len(values) or values[index] is None:
                return None
            text = str(values[index]).strip()
            return text or None

        def at(name: str) -> Location:
            return table.location(number, columns[name] + 1)

        row_problems: list[Problem] = []
        agency_id, agency = value("agency_id"), value("agency")
        if agency_id is None or not AGENCY_ID.match(agency_id):
            row_problems.append(Problem(at("agency_id"), "invalid-agency-id",
                                        f"agency_id {agency_id!r} is not a short id: use 1-60 lowercase letters, "
                                        f"digits, '-' or '_' (e.g. nplra)" if agency_id else
                                        "agency_id is empty: every row needs the agency's short id (e.g. nplra)"))
        if agency is None:
            row_problems.append(Problem(at("agency"), "missing-field", "agency (the full name) is empty"))
        for name in ("agency", "respondent", "role", "email"):
            text = value(name) if name in columns else None
            if text is None:
                continue
            bad = control_character(text)
            if bad or len(text) > 200:
                row_problems.append(Problem(at(name), "invalid-text",
                                            f"{name} must be 1-200 characters of ordinary text"
                                            + (f" (it holds {bad})" if bad else "")))
        email = value("email") if "email" in columns else None
        if email is not None and not _EMAIL.match(email):
            row_problems.append(Problem(at("email"), "invalid-value", f"{email!r} is not an e-mail address"))
        if not row_problems and agency_id and agency:
            first = names.get(agency_id)
            if first is not None and first[0] != agency:
                row_problems.append(Problem(at("agency"), "agency-name-clash",
                                            f"agency {agency_id} is named {agency!r} here but {first[0]!r} at "
                                            f"{first[1]}; name it the same way in every row"))
            names.setdefault(agency_id, (agency, at("agency")))
            respondent = value("respondent") if "respondent" in columns else None
            role = value("role") if "role" in columns else None
            # Two unnamed rows of one role are two people (say, two members of staff); a named person, or the
            # agency alone, is listed once.
            key = (agency_id, (respondent or "").casefold(), (role or "").casefold())
            if key in seen and (respondent or not role):
                what = f"{agency_id} {respondent}" if respondent else f"agency {agency_id}"
                row_problems.append(Problem(table.location(number, None), "duplicate-row",
                                            f"this row repeats {what} of {seen[key]}; list each respondent once"))
            seen.setdefault(key, table.location(number, None))
            alone = not respondent and not role
            if alone and any(e.agency_id == agency_id for e in entries) or \
                    not alone and any(e.agency_id == agency_id and not e.respondent and not e.role for e in entries):
                row_problems.append(Problem(table.location(number, None), "duplicate-row",
                                            f"agency {agency_id} is listed both alone and with respondents; list "
                                            f"its respondents (name or role on each row), or the agency alone"))
            if not row_problems:
                entries.append(RosterEntry(agency_id, agency, respondent, role, email, table.location(number, None)))
        problems += row_problems
    if problems:
        raise InvalidInput(problems)
    if not entries:
        raise InvalidInput([Problem(Location(table.source), "empty-table", "the roster lists no agency")])
    return Roster(table.source, entries)


def _header_row(table) -> int:
    return table.rows[0][0] - 1 if table.rows else 1


def _slug(text: str) -> str:
    """A file-name part from a person's name or role: ASCII letters and digits joined by '-' (may be empty)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")[:40]


def form_names(roster: Roster, round_: str | None, suffix: str) -> list[tuple[RosterEntry, str]]:
    """Each roster row and the file name of its form: ``AGENCY_ID[-ROUND][-RESPONDENT].xlsx``, unique.

    The respondent part is the name (or the role) in ASCII letters and digits; a name written only in
    another script gives ``respondent-N``.  The agency id comes first, so that a file is found by id.
    """
    several = {entry.agency_id for entry in roster.entries
               if len(roster.of(entry.agency_id)) > 1 or entry.respondent or entry.role}
    taken: set[str] = set()
    named = []
    counters: dict[str, int] = {}
    names = {}
    for entry in roster.entries:  # a name listed twice in an agency (two roles) takes its role too
        key = (entry.agency_id, _slug(entry.respondent or ""))
        names[key] = names.get(key, 0) + 1
    for entry in roster.entries:
        stem = entry.agency_id + (f"-{_slug(round_)}" if round_ else "")
        if entry.agency_id in several:
            counters[entry.agency_id] = counters.get(entry.agency_id, 0) + 1
            part = _slug(entry.respondent or "") or _slug(entry.role or "") or f"respondent-{counters[entry.agency_id]}"
            if entry.respondent and entry.role and names[(entry.agency_id, _slug(entry.respondent))] > 1:
                part += f"-{_slug(entry.role)}"
            stem += f"-{part}"
        name, extra = stem + suffix, 2
        while name.casefold() in taken:
            name, extra = f"{stem}-{extra}{suffix}", extra + 1
        taken.add(name.casefold())
        named.append((entry, name))
    return named
