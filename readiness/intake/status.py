"""Where a round stands: which returns came back, which are valid, which are missing (``readiness status``).

Every file of the folder is read and checked as ``validate`` would.  With a roster, each agency (and
each respondent the roster lists) gets one line: ``valid``, ``invalid`` (with the number of problems
and the first), ``missing``, ``resubmitted`` or ``duplicate`` (two returns of one respondent);
returns of agencies the roster does not list, of another round, and files that are not assessments
are listed too.  Without a roster, each agency and respondent found in the folder gets a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import Problem
from ..rubric.catalog import Catalog, version_order
from .batch import load_assessments
from .roster import Roster, RosterEntry

#: Problem codes that mean "this file is one return too many" rather than "this return is wrong".
REPEATS = {"duplicate-file": "duplicate", "resubmission": "resubmitted", "held-back": "held back"}


@dataclass
class Identity:
    """Who a return says it is from (read even from an invalid file, as far as it can be)."""

    agency_id: str | None = None
    round: str | None = None
    name: str | None = None
    role: str | None = None


@dataclass
class ReturnFile:
    path: str
    identity: Identity
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def repeat(self) -> str | None:
        """``resubmitted`` or ``duplicate`` while it stops the return (an older return set aside by
        --latest is only a warning: the newer one's own state counts)."""
        return next((REPEATS[p.code] for p in self.problems if p.code in REPEATS and p.is_error), None)


@dataclass
class StatusLine:
    """One agency (or one respondent of it): its state, its files and the first problem to fix."""

    agency_id: str
    agency: str | None
    round: str | None  # the round the return states (the roster's round for a missing one)
    respondent: str | None  # who, as the roster or the return names them
    email: str | None
    state: str  # valid, invalid, missing, resubmitted, duplicate, not on the roster, other round
    files: list[str]
    problems: int
    first_problem: str | None

    def to_dict(self) -> dict:
        return dict(vars(self))


@dataclass
class RoundStatus:
    round: str | None
    lines: list[StatusLine]
    skipped: list[Problem]  # files in the folder that are not assessments, with why and the fix
    roster: str | None
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for line in self.lines:
            found[line.state] = found.get(line.state, 0) + 1
        return found

    def summary(self) -> str:
        """One line: how many returns (expected, with a roster), in each state, and the files that are not
        assessments, e.g. ``Round 2026: 13 returns expected from 11 agencies: 12 valid, 1 missing``."""
        counts = self.counts()
        order = ("valid", "invalid", "resubmitted", "held back", "duplicate", "missing", "not on the roster",
                 "other round")
        parts = [f"{counts[state]} {state}" for state in order if counts.get(state)]
        listed = [line for line in self.lines if line.state not in ("not on the roster", "other round")] \
            if self.roster else [line for line in self.lines if line.state != "other round"]
        agencies = len({line.agency_id for line in listed})
        text = (f"Round {self.round}: " if self.round else "") + \
            f"{_count(len(listed), 'return')} {'expected ' if self.roster else ''}from {_count(agencies, 'agency')}: " \
            + (", ".join(parts) or "none")
        if self.skipped:
            text += f"; {_count(len(self.skipped), 'file')} that {'is' if len(self.skipped) == 1 else 'are'} not " \
                    f"an assessment"
        return text

    def to_csv(self) -> str:
        """One row per line, UTF-8 with a byte-order mark; every text cell quoted, formulas neutralised."""
        import csv
        import io

        from ..text import safe_cell

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(["agency_id", "agency", "round", "respondent", "email", "state", "files", "problems",
                         "first_problem"])
        for line in self.lines:
            writer.writerow(["" if value is None else safe_cell(value) for value in
                             (line.agency_id, line.agency, line.round, line.respondent, line.email, line.state,
                              "; ".join(line.files), line.problems, line.first_problem)])
        return "\ufeff" + out.getvalue()

    def to_dict(self) -> dict:
        return {"round": self.round, "roster": self.roster, "summary": self.summary(), "counts": self.counts(),
                "lines": [line.to_dict() for line in self.lines],
                "skipped": [problem.to_dict() for problem in self.skipped]}


def _count(number: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number} {noun if number == 1 else plural}"


def round_status(paths: Iterable[str | Path], catalog: Catalog, *, roster: Roster | None = None,
                 round_: str | None = None, latest: bool = False) -> RoundStatus:
    """The status of the returns in ``paths``: against ``roster`` when given, for ``round_`` when given."""
    options = {"latest": True} if latest else {}
    batch = load_assessments(list(paths), catalog, **options)
    by_file: dict[str, list[Problem]] = {}
    for problem in batch.problems:
        by_file.setdefault(problem.location.file, []).append(problem)
    valid = {assessment.source: assessment for assessment in batch.assessments}
    identities = {}
    for path in batch.report.files:
        assessment = valid.get(path)
        identities[path] = Identity(assessment.agency_id, assessment.round, assessment.respondent.name,
                                    assessment.respondent.role) if assessment else peek(Path(path))
    group_of: dict[tuple, list[str]] = {}
    for path, identity in identities.items():
        group_of.setdefault((identity.agency_id, identity.round), []).append(path)
    files = []
    for path, identity in identities.items():
        # A problem of a group of respondents is located at its first file but names every file it concerns:
        # only the files of one agency-round can share one (searching all files would take n² searches).
        others = [other for other in group_of[(identity.agency_id, identity.round)] if other != path]
        shared = [problem for other in others for problem in by_file.get(other, [])
                  if problem.is_error and _names(problem.message, path)]
        files.append(ReturnFile(path, identity, by_file.get(path, []) + shared))
    known = set(batch.report.files)
    skipped = [problem for problem in batch.problems if problem.location.file not in known]
    notes: list[str] = []
    if round_ is None:
        listed = set(roster.agencies) if roster else None
        counted: dict[str, int] = {}
        for f in files:
            if f.identity.round and (listed is None or f.identity.agency_id in listed):
                counted[f.identity.round] = counted.get(f.identity.round, 0) + 1
        if not counted and listed is not None:  # no return names a roster agency: whatever rounds there are
            for f in files:
                if f.identity.round:
                    counted[f.identity.round] = counted.get(f.identity.round, 0) + 1
        # One round is the round.  With a roster, several mean the round most of its agencies' returns state
        # (a stray file of another round must not make every agency "missing"); without one, every return is
        # listed whatever its round.
        if len(counted) == 1 or (roster is not None and counted):
            round_ = max(counted, key=lambda r: (counted[r], version_order(r)))
            if len(counted) > 1:
                notes.append(f"returns of {len(counted)} rounds; this is round {round_}, the one most returns "
                             f"state (--round chooses another)")
    lines = _against_roster(files, roster, round_) if roster else _by_return(files, round_)
    return RoundStatus(round_, lines, skipped, roster.source if roster else None, notes)


def _names(message: str, path: str) -> bool:
    """Whether ``message`` names the file ``path`` (as a whole name, not inside a longer path)."""
    import re

    return re.search(r"(?<![\w./\\-])" + re.escape(path) + r"(?![\w.-])", message) is not None


def _state(returned: list[ReturnFile]) -> tuple[str, int, str | None]:
    repeat = next((f.repeat for f in returned if f.repeat), None)
    errors = [problem for f in returned for problem in f.errors if problem.code not in REPEATS]
    if errors:
        return "invalid", len(errors), str(errors[0])
    if repeat:
        problem = next(p for f in returned for p in f.problems if p.code in REPEATS and p.is_error)
        return repeat, 1, str(problem)
    return "valid", 0, None


def _other_round(file: ReturnFile, round_: str | None) -> bool:
    return round_ is not None and file.identity.round is not None and file.identity.round != round_


def _by_return(files: list[ReturnFile], round_: str | None) -> list[StatusLine]:
    grouped: dict[tuple, list[ReturnFile]] = {}
    for file in files:
        identity = file.identity
        # Returns without a name are never one person (two members of staff may answer unnamed).
        key = (identity.agency_id or f"? {Path(file.path).name}", identity.round or "", identity.name or "",
               identity.role or "", "" if identity.name else file.path)
        grouped.setdefault(key, []).append(file)
    lines = []
    for (agency_id, round_found, name, role, _), returned in sorted(grouped.items(),
                                                                key=lambda item: (version_order(item[0][1]), item[0])):
        state, count, first = _state(returned)
        if _other_round(returned[0], round_):
            state = "other round"
        who = f"{name} ({role})" if name and role else name or role or None
        lines.append(StatusLine(agency_id, None, round_found or None, who, None, state, [f.path for f in returned],
                                count, first))
    return lines


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def _match(entries: list[RosterEntry], identity: Identity, taken: dict[int, list[ReturnFile]]) -> int | None:
    """The roster row (its index in ``entries``) a return is from, or ``None``.

    By name when the return has one (and by role too when the roster lists the name twice); a return
    without a name goes to a row without one, of its role, that no other unnamed return took.  A row
    that lists roles only takes a named return of its role.
    """
    name, role = _fold(identity.name), _fold(identity.role)
    if len(entries) == 1 and not entries[0].respondent and not entries[0].role:
        return 0  # the roster lists the agency alone: every return of it is its
    if name:
        named = [i for i, e in enumerate(entries) if _fold(e.respondent) == name]
        if len(named) > 1:
            named = [i for i in named if _fold(entries[i].role) == role] or named[:1]
        if named:
            return named[0]
        by_role = [i for i, e in enumerate(entries) if not e.respondent and e.role and _fold(e.role) == role
                   and not taken.get(i)]
        return by_role[0] if by_role else None
    free = [i for i, e in enumerate(entries) if not e.respondent and _fold(e.role) == role and not taken.get(i)]
    return free[0] if free else None


def _against_roster(files: list[ReturnFile], roster: Roster, round_: str | None) -> list[StatusLine]:
    from .roster import form_names

    in_round = [f for f in files if not _other_round(f, round_)]
    by_agency: dict[str, list[RosterEntry]] = {}
    for entry in roster.entries:
        by_agency.setdefault(entry.agency_id, []).append(entry)
    # A return the roster's own form names, but whose stated agency is unreadable or not on the roster,
    # is that form's return (a typo in the id, a damaged file): it belongs to that row, with its problems.
    rounds = {round_, None} | {f.identity.round for f in files}
    formed = {name.casefold(): entry for suffix in (".xlsx", ".yaml") for candidate in rounds
              for entry, name in form_names(roster, candidate, suffix)}
    taken: dict[tuple[str, int], list[ReturnFile]] = {}
    unmatched: list[ReturnFile] = []
    for file in in_round:
        agency_id = file.identity.agency_id
        entry = None if agency_id in by_agency else formed.get(Path(file.path).name.casefold())
        if entry is not None:
            index = by_agency[entry.agency_id].index(entry)
            taken.setdefault((entry.agency_id, index), []).append(file)
            continue
        entries = by_agency.get(agency_id or "")
        index = None if entries is None else _match(
            entries, file.identity, {i: taken.get((agency_id, i), []) for i in range(len(entries))})
        if index is None:
            unmatched.append(file)
        else:
            taken.setdefault((agency_id, index), []).append(file)
    lines: list[StatusLine] = []
    for agency_id, entries in by_agency.items():
        for index, entry in enumerate(entries):
            returned = taken.get((agency_id, index), [])
            twice = sum(_fold(other.respondent) == _fold(entry.respondent) for other in entries) > 1
            who = entry.who if entry.respondent and twice else entry.respondent or entry.role
            if not returned:
                lines.append(StatusLine(agency_id, entry.agency, round_, who, entry.email, "missing", [], 0, None))
                continue
            state, count, first = _state(returned)
            lines.append(StatusLine(agency_id, entry.agency, returned[0].identity.round or round_, who, entry.email,
                                    state, [f.path for f in returned], count, first))
    for file in [f for f in files if _other_round(f, round_)] + unmatched:
        identity = file.identity
        state = "other round" if _other_round(file, round_) else "not on the roster"
        who = " ".join(filter(None, [identity.name, f"({identity.role})" if identity.role else None])) or None
        _, count, first = _state([file])
        lines.append(StatusLine(identity.agency_id or f"? {Path(file.path).name}",
                                roster.agencies.get(identity.agency_id or ""), identity.round, who, None, state,
                                [file.path], count, first))
    return lines


def peek(path: Path) -> Identity:
    """Who an invalid return says it is from, as far as it can be read (nothing when it cannot be)."""
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            from ..yamlio import load_yaml_file

            data = load_yaml_file(path).data
            if not isinstance(data, dict):
                return Identity()
            respondent = data.get("respondent") if isinstance(data.get("respondent"), dict) else {}
            return Identity(*(_text(value) for value in (data.get("agency_id"), data.get("round"),
                                                         respondent.get("name"), respondent.get("role"))))
        if path.suffix.lower() == ".xlsx":
            return _peek_workbook(path)
    except Exception:  # a file too broken to peek into is simply not identified
        return Identity()
    return Identity()


def _peek_workbook(path: Path) -> Identity:
    from .workbook.layout import COVER_FIELDS, COVER_SHEET
    from .workbook.safety import open_workbook

    with open_workbook(path, str(path)) as opened:
        workbook = opened[0]
        if COVER_SHEET not in workbook.sheetnames:
            return Identity()
        sheet = workbook[COVER_SHEET]
        cells = {name: ref for name, _, ref in COVER_FIELDS}
        values = {name: _text(sheet[ref].value) for name, ref in cells.items()}
    return Identity(values.get("agency_id"), values.get("round"), values.get("respondent_name"),
                    values.get("respondent_role"))


def _text(value) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None
