"""Reading many assessment files at once: expand folders, read each file, check them together.

This is the one entry point of the intake stage.  Whatever the file formats, the result is a
:class:`Batch`: the valid assessments, the rubric each answers, and a :class:`ValidationReport`
with every problem found, located.  A file that cannot be read, for whatever reason, becomes a
problem of that file; the batch goes on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..errors import InvalidInput, Location, Problem, problem_order
from ..rubric.catalog import Catalog
from ..rubric.model import Rubric
from .checks import (
    DEFAULT_MIN_COVERAGE,
    MAX_PROBLEMS,
    RubricChoice,
    agency_name_clashes,
    answered_share,
    coverage_percent,
    respondent_identity,
)
from .model import Assessment
from .readers import ACCEPTED_SUFFIXES, ReadResult, readable_suffixes, reader_for

#: Called after each file with (files done, files in all), e.g. to show progress.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ValidationStats:
    files: int
    valid: int
    invalid: int
    errors: int
    warnings: int


@dataclass(frozen=True)
class ValidationReport:
    """Whether a set of files is valid, with every problem found (the frictionless pattern)."""

    files: list[str]
    problems: list[Problem]
    failed: frozenset[str]

    @property
    def valid(self) -> bool:
        return not any(problem.is_error for problem in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def stats(self) -> ValidationStats:
        errors = len(self.errors)
        return ValidationStats(files=len(self.files), valid=len(self.files) - len(self.failed),
                               invalid=len(self.failed), errors=errors, warnings=len(self.problems) - errors)

    def to_dict(self) -> dict:
        """The report as data (``readiness validate --format json``)."""
        return {"valid": self.valid, "files": self.files, "problems": [p.to_dict() for p in self.problems]}


@dataclass
class Batch:
    """The valid assessments of a set of files, the rubrics they answer, and the validation report."""

    assessments: list[Assessment]
    rubrics: dict[str, Rubric]
    report: ValidationReport

    @property
    def problems(self) -> list[Problem]:
        return self.report.problems

    @property
    def ok(self) -> bool:
        return self.report.valid

    def groups(self) -> list[tuple[Rubric, list[Assessment]]]:
        """Each agency-round's rubric and respondents, ready for :func:`readiness.scoring.score_batch`."""
        return [(self.rubrics[_ref(members[0])], members) for members in _group(self.assessments).values()]


def _ref(assessment: Assessment) -> str:
    return f"{assessment.rubric_id}@{assessment.rubric_version}"


def _group(assessments: Iterable[Assessment]) -> dict[tuple[str, str], list[Assessment]]:
    """Assessments by ``(agency_id, round)``, in a stable order."""
    grouped: dict[tuple[str, str], list[Assessment]] = {}
    for assessment in sorted(assessments, key=lambda a: (a.agency_id, a.round, a.source)):
        grouped.setdefault(assessment.key, []).append(assessment)
    return grouped


#: Files in a folder that are no one's return, passed over without a word: hidden files and folders (a name
#: starting with "."), the lock files Excel (~$name.xlsx) and LibreOffice (.~lock.name.xlsx#) keep beside an
#: open workbook, the folder's own README, and the files Windows keeps in folders.
_SYSTEM_FILES = ("thumbs.db", "desktop.ini")

_XLSX = "readiness reads .xlsx"
#: Why a file in a folder is skipped, and how to make it readable: suffix -> (what it is, the fix).
SKIPPED_TYPES: dict[str, tuple[str, str]] = {
    ".xls": ("an .xls workbook (Excel 97-2003)", f"{_XLSX}: open it and save it as Excel Workbook (.xlsx)"),
    ".xlsb": ("an .xlsb workbook (Excel binary)", f"{_XLSX}: open it and save it as Excel Workbook (.xlsx)"),
    ".xltx": ("an Excel template (.xltx)", f"{_XLSX}: open it and save it as Excel Workbook (.xlsx)"),
    ".xltm": ("an Excel template with macros (.xltm)", f"{_XLSX}: open it and save it as Excel Workbook (.xlsx)"),
    ".ods": ("an .ods spreadsheet (LibreOffice, OpenDocument)",
             f"{_XLSX}: save it as Excel Workbook (.xlsx) from LibreOffice (File › Save As)"),
    ".fods": ("an .fods spreadsheet (LibreOffice, flat OpenDocument)",
              f"{_XLSX}: save it as Excel Workbook (.xlsx) from LibreOffice (File › Save As)"),
    ".numbers": ("a Numbers spreadsheet", f"{_XLSX}: export it from Numbers as Excel (File › Export To › Excel)"),
    ".csv": ("a .csv table", "a survey export becomes assessments with `readiness import FILE --map MAPPING -o DIR`"),
    ".tsv": ("a .tsv table", "a survey export becomes assessments with `readiness import FILE --map MAPPING -o DIR`"),
}
for _suffix, _what in ((".pdf", "a PDF document"), (".docx", "a Word document"), (".doc", "a Word document"),
                       (".odt", "an OpenDocument text"), (".rtf", "a text document")):
    SKIPPED_TYPES[_suffix] = (_what, "ask for the workbook (.xlsx) or YAML file that was filled in; readiness does "
                                     "not read answers from documents")
SKIPPED_TYPES[".zip"] = ("a zip archive", "unpack it (readiness does not open archives)")


def ignored(name: str) -> bool:
    """Whether a file found in a folder is passed over silently (see :data:`_SYSTEM_FILES`)."""
    lower = name.lower()
    return (name.startswith((".", "~$")) or lower in _SYSTEM_FILES
            or lower == "readme" or lower.startswith("readme."))


def skipped_reason(path: Path) -> str:
    """Why a file found in a folder is not read, and how to make it readable."""
    suffix = path.suffix.lower()
    what, fix = SKIPPED_TYPES.get(suffix, (f"a {suffix} file" if suffix else "a file without an extension",
                                           "assessments are .yaml, .yml or .xlsx files"))
    return f"skipped: {what}; {fix}"


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files as given, and the assessment files inside folders (recursively, sorted).

    Every other file found in a folder is reported as skipped (a warning that says how to make it
    readable), except those passed over silently (:func:`ignored`): hidden files and folders, lock
    files, README files and the files Windows keeps in folders.  The files are never opened.
    """
    suffixes = readable_suffixes()
    files: list[Path] = []
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found, skipped, outside = [], [], []
            root = path.resolve()
            for p in sorted(path.rglob("*")):
                if any(ignored(part) for part in p.relative_to(path).parts):
                    continue
                if p.is_symlink() and p.is_dir():  # not searched (a loop, or another tree): said, not silent
                    problems.append(Problem(Location(str(p)), "skipped-file", "skipped: a linked folder, which is "
                                                                              "not searched; copy its files into the "
                                                                              "folder", "warning"))
                    continue
                if not p.is_file():
                    continue
                if root not in p.resolve().parents:  # a link to a file, or inside a linked folder
                    # A link that leads out of the folder (to /etc/shadow, say) is not followed: what a folder
                    # holds is what was put in it, and its target's lines must never reach a message.
                    outside.append(p)
                    continue
                (found if p.suffix.lower() in suffixes else skipped).append(p)
            if not found:
                problems.append(Problem(Location(str(path)), "empty-folder",
                                        f"folder has no assessment files ({', '.join(ACCEPTED_SUFFIXES)})"))
            problems += [Problem(Location(str(p)), "skipped-file", skipped_reason(p), "warning") for p in skipped]
            problems += [Problem(Location(str(p)), "skipped-file", "skipped: a link that leads out of the folder; "
                                                                   "copy the file itself into the folder", "warning")
                         for p in outside]
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(Location(str(path)), "no-such-file", "no such file or folder"))
    # One file given twice (a folder and its parent, a relative and an absolute path, a link) is read once.
    seen: dict[Path, Path] = {}
    for file in files:
        seen.setdefault(file.resolve(), file)
    unique = list(seen.values())
    return unique, problems


def read_assessment(path: Path, rubrics: RubricChoice) -> ReadResult:
    """Read one assessment file of any supported format; never raises for what is wrong with the file."""
    source = str(path)
    read = reader_for(path)
    if read is None:
        suffix = path.suffix.lower() or "(none)"
        *others, last = ACCEPTED_SUFFIXES
        known = SKIPPED_TYPES.get(suffix)
        message = f"unsupported file type {suffix!r}; assessments are {', '.join(others)} or {last} files"
        if known and known[1].startswith(_XLSX):  # a workbook in another format: say how to convert it
            message = f"unsupported file type {suffix!r}: {known[0]}; {known[1]}"
        return ReadResult(source, problems=[Problem(Location(source), "unsupported-file-type", message)])
    try:
        return read(path, rubrics)
    except InvalidInput as exc:
        return ReadResult(source, problems=exc.problems)
    except OSError as exc:
        return ReadResult(source, problems=[Problem(Location(source), "cannot-read",
                                                    f"cannot read file: {exc.strerror or exc}")])
    except RecursionError:
        return ReadResult(source, problems=[Problem(Location(source), "too-deep",
                                                    "the file is too deeply nested to read")])
    except MemoryError:
        return ReadResult(source, problems=[Problem(Location(source), "file-too-large",
                                                    "the file is too large to read into memory")])
    except Exception as exc:  # one file must never stop the batch, whatever is wrong with it
        return ReadResult(source, problems=[_unexpected(source, exc)])


def _missing_problems(result: ReadResult, idents: list[str]) -> list[Problem]:
    """Where each unanswered indicator is, from the reader; a file that fails even then says why."""
    try:
        return result.missing_problems(idents)
    except InvalidInput as exc:  # the reference parser refused the file while locating
        return exc.problems
    except Exception as exc:  # one file must never stop the batch, whatever is wrong with it
        return [_unexpected(result.source, exc)]


def _unexpected(source: str, exc: Exception) -> Problem:
    detail = " ".join(str(exc).split())[:200]
    return Problem(Location(source), "internal-error", f"reading this file failed unexpectedly "
                                                       f"({type(exc).__name__}: {detail}); please report this as a "
                                                       f"bug in readiness")


def load_assessments(
    paths: Iterable[str | Path],
    catalog: Catalog | None = None,
    *,
    partial: bool = False,
    rubric: Rubric | None = None,
    progress: Progress | None = None,
    latest: bool = False,
    min_coverage: float = DEFAULT_MIN_COVERAGE,
) -> Batch:
    """Read and check every assessment file under ``paths``.

    Files sharing ``agency_id`` and ``round`` are respondents of one assessment: they must name the
    same rubric and agency, and each may leave answers out.  A lone file must answer every
    indicator unless ``partial`` is set, in which case each gap is reported as a warning, and an
    agency-round that leaves answers out must still answer ``min_coverage`` (0–1) of the rubric's
    weight.  Two returns of one respondent (same agency id, round, respondent name and role) are a
    resubmission: both are refused, unless ``latest``, which keeps the newer (by the workbook's saved
    time, else the file's time) and sets the older aside with a warning.  ``rubric`` pins the rubric
    every file must name (``--rubric``).

    Every valid assessment is kept in memory; :class:`AssessmentStream` reads the same files one
    agency-round at a time instead, with the same checks and problems.
    """
    options = dict(partial=partial, rubric=rubric, progress=progress, latest=latest, min_coverage=min_coverage)
    stream = AssessmentStream(paths, catalog, **options)
    try:
        groups = list(stream)
    except Regrouped:
        stream = AssessmentStream(paths, catalog, peek=False, **options)
        groups = list(stream)
    assessments = [member for _, members in groups for member in members]
    return Batch(assessments, {rubric.ref: rubric for rubric, _ in groups}, stream.report)


class Regrouped(Exception):
    """A file's full read put it in another agency-round than its quick look did: a stream cannot take back
    what it gave out, nor keep its order, so the caller starts again with ``peek=False``."""


class AssessmentStream:
    """Read a set of assessment files one agency-round at a time: iterate for ``(rubric, respondents)``.

    The files are first put into agency-rounds by a quick look at each (:mod:`readiness.intake.peek`);
    then each agency-round's files are read, checked together (as :func:`load_assessments` does) and
    given out, in order of agency id and round, before the next is read.  Memory then depends on the
    largest agency-round, not on how many files there are.  Files the quick look cannot place are
    read whole up front (``peek=False``: all of them).  After the last agency-round, :attr:`report`
    holds every problem, in the order :func:`load_assessments` gives them.

    If reading a file shows it belongs to another agency-round than its quick look said (rare: the
    look answers only for plainly written files), iteration raises :class:`Regrouped`.
    """

    def __init__(self, paths: Iterable[str | Path], catalog: Catalog | None = None, *, partial: bool = False,
                 rubric: Rubric | None = None, progress: Progress | None = None, latest: bool = False,
                 min_coverage: float = DEFAULT_MIN_COVERAGE, peek: bool = True):
        self._rubrics = RubricChoice(catalog or Catalog(), rubric)
        self.files, self._path_problems = expand_paths(paths)
        self._options = dict(partial=partial, latest=latest, min_coverage=min_coverage)
        self.progress = progress
        self._peek = peek
        self._file_problems: dict[int, list[Problem]] = {}
        self._across: list[tuple[tuple, list[Problem]]] = []  # per agency-round: checks across its files
        self._coverage: list[tuple[tuple, list[Problem]]] = []  # per agency-round: answers nobody gave
        self._failed: set[str] = set()
        self._finished = False

    @property
    def report(self) -> ValidationReport:
        """Every problem found, in :func:`load_assessments`' order: complete once iteration has ended."""
        if not self._finished:
            raise RuntimeError("AssessmentStream.report is complete only after iterating over the stream")
        problems = list(self._path_problems)
        for index in sorted(self._file_problems):
            problems.extend(self._file_problems[index])
        for found in (self._across, self._coverage):
            for _, more in sorted(found, key=lambda item: item[0]):
                problems.extend(more)
        return ValidationReport([str(p) for p in self.files], problems, frozenset(self._failed))

    def __iter__(self) -> Iterator[tuple[Rubric, list[Assessment]]]:
        from .peek import agency_round

        done = 0
        pending: dict[tuple, list[tuple[int, ReadResult | None]]] = {}
        for index, path in enumerate(self.files):
            key = agency_round(path) if self._peek else None
            if key is None:  # placed by reading it whole, now
                result = self._read(index)
                done += 1
                self._report_progress(done)
                key = _key_of(result) or ("", "", index)  # no key: a group of its own
                pending.setdefault(key, []).append((index, result))
            else:
                pending.setdefault(key, []).append((index, None))
        for key in sorted(pending, key=_sortable):
            results = []
            for index, result in pending.pop(key):
                if result is None:
                    result = self._read(index)
                    done += 1
                    self._report_progress(done)
                    real = _key_of(result)
                    if real is not None and real != key:
                        # The quick look was wrong: agency-rounds already given out may lack this file, and
                        # those to come would come out of order.  Start again, reading every file up front.
                        raise Regrouped(f"{result.source} states agency {real[0]} round {real[1]}, not "
                                        f"{key[0]} {key[1]} as a quick look at it said")
                results.append((index, result))
            yield from self._settle(key, results)
        self._finished = True

    def _read(self, index: int) -> ReadResult:
        return read_assessment(self.files[index], self._rubrics)

    def _report_progress(self, done: int) -> None:
        if self.progress is not None:
            self.progress(done, len(self.files))

    def _settle(self, key: tuple, indexed: list[tuple[int, ReadResult]]
                ) -> Iterator[tuple[Rubric, list[Assessment]]]:
        """Check one agency-round's files together, record their problems, give out what passes."""
        results = [result for _, result in indexed]
        gaps = {} if self._options["partial"] else _gaps_of_invalid_files(results)
        for index, result in indexed:
            self._file_problems[index] = sorted(result.problems + gaps.get(result.source, []), key=problem_order)
        valid = [result for result in results if result.ok]
        self._failed |= {result.source for result in results if not result.ok}
        kept, across, coverage, set_aside = _check_groups(valid, **self._options)
        self._across.append((_sortable(key), across))
        self._coverage.append((_sortable(key), coverage))
        self._failed |= {result.source for result in valid} - {result.source for result in kept} - set_aside
        if kept:
            members = [result.assessment for result in kept]
            yield kept[0].rubric, sorted(members, key=lambda a: a.source)


def _key_of(result: ReadResult) -> tuple[str, str] | None:
    """The agency-round a file read whole belongs to (a file with errors: as far as it can be read)."""
    return result.assessment.key if result.assessment is not None else result.key


def _sortable(key: tuple) -> tuple:
    """Agency-rounds in order of agency id and round; files that state none after them, in file order."""
    return (0, key) if len(key) == 2 else (1, key[2])


def _gaps_of_invalid_files(results: list[ReadResult]) -> dict[str, list[Problem]]:
    """The answers each file with errors leaves out, to report with its errors (a second round trip saved).

    A file that would be alone in its agency-round gets each gap named at its cell or line, as an error
    (up to the cap of problems per file, then counted); a respondent among several gets a count, since
    the others may give those answers.
    """
    keys: dict[tuple[str, str], int] = {}
    for result in results:
        key = result.assessment.key if result.assessment is not None else result.key
        if key is not None:
            keys[key] = keys.get(key, 0) + 1
    found: dict[str, list[Problem]] = {}
    for result in results:
        if result.ok or not result.gaps or result.rubric is None:
            continue
        total = len(result.rubric.places)
        where = result.field_locations().get(("answers",), Location(result.source))
        # A value YAML refused (an alias, a tag, a key given twice) is reported as such, not again as a gap.
        refused = {p.location.line for p in result.problems if p.code in _DROPS_A_VALUE and p.location.line}
        gaps = [p for p in _missing_problems(result, result.gaps)
                if p.location.line not in refused or p.location == where]
        if not gaps:
            continue
        if result.key is not None and keys[result.key] > 1:
            agency_id, round_ = result.key
            verb = "has" if len(gaps) == 1 else "have"
            found[result.source] = [Problem(where, "unanswered-indicators", f"besides the errors in this file, "
                                            f"{len(gaps)} of {total} indicators {verb} no answer yet; the other "
                                            f"respondents of {agency_id} round {round_} may give them", "warning")]
            continue
        room = max(0, MAX_PROBLEMS - len(result.problems))
        listed, rest = gaps[:room], len(gaps) - min(room, len(gaps))
        if rest:
            verb = "has" if rest == 1 else "have"
            listed.append(Problem(where, "unanswered-indicators", f"… and {rest} more of {total} indicators {verb} "
                                                                  f"no answer yet"))
        found[result.source] = listed
    return found


#: Problems of YAML constructs whose value is dropped: its answer is given, and wrong, rather than missing.
_DROPS_A_VALUE = frozenset({"alias", "yaml-tag", "duplicate-key", "key-clash", "complex-key"})


def _check_groups(results: list[ReadResult], partial: bool, *, latest: bool = False,
                  min_coverage: float = DEFAULT_MIN_COVERAGE
                  ) -> tuple[list[ReadResult], list[Problem], list[Problem], set[str]]:
    """Checks across the files of each agency-round, then for answers nobody gave.

    Returns the files that pass, the problems found across files, those of answers nobody gave, and
    the files set aside as older returns (--latest).
    """
    problems: list[Problem] = []
    by_source = {result.source: result for result in results}
    rejected: set[str] = set()
    set_aside: set[str] = set()
    for (agency_id, round_), members in _group(r.assessment for r in results).items():
        first = members[0]
        seen_hashes = {first.sha256: first.source}
        named_otherwise = {other.source for _, other in agency_name_clashes(members)}
        for other in members[1:]:
            where = Location(other.source)
            if (other.rubric_id, other.rubric_version) != (first.rubric_id, first.rubric_version):
                problems.append(Problem(where, "respondent-rubric-clash",
                                        f"uses rubric {_ref(other)}, but {first.source} (also {agency_id}, round "
                                        f"{round_}) uses {_ref(first)}; respondents of one assessment must use the "
                                        f"same rubric"))
                rejected.add(other.source)
            if other.source in named_otherwise:
                at = by_source[other.source].field_locations().get(("agency",), where)
                problems.append(Problem(at, "agency-name-clash",
                                        f"names the agency {other.agency!r}, but {first.source} (also {agency_id}, "
                                        f"round {round_}) names it {first.agency!r}; write the same name in both "
                                        f"(or give each agency its own agency_id)"))
                rejected.add(other.source)
            if other.sha256 in seen_hashes:
                problems.append(Problem(where, "duplicate-file", f"has the same content as "
                                                                 f"{seen_hashes[other.sha256]}; that respondent "
                                                                 f"would be counted twice"))
                rejected.add(other.source)
            seen_hashes.setdefault(other.sha256, other.source)
        versions: dict[tuple, list[ReadResult]] = {}
        for member in members:
            identity = respondent_identity(member)
            if identity is not None and member.source not in rejected:
                versions.setdefault(identity, []).append(by_source[member.source])
        unresolved = False
        for returns in versions.values():
            if len(returns) > 1:
                found, older = _resubmission(returns, latest)
                problems += found
                if latest:
                    set_aside.update(older)
                else:
                    rejected.update(result.source for result in returns)
                    unresolved = True
        others = [member for member in members if member.source not in rejected]
        if unresolved:
            # Scored without one of its respondents, the agency-round would show a figure nobody gave.
            for member in others:
                problems.append(Problem(Location(member.source), "held-back",
                                        f"held back: {agency_id} round {round_} is not scored until its resubmitted "
                                        f"return is resolved (see the resubmission named for it); without that "
                                        f"respondent it would show figures its respondents did not give"))
                rejected.add(member.source)
    rejected |= set_aside
    across = len(problems)  # the problems across files; those of answers nobody gave follow
    kept = [result for result in results if result.source not in rejected]
    # Only now, with the groups as they will be scored: what did nobody answer?
    rejected = set()
    for members in _group(r.assessment for r in kept).values():
        first = members[0]
        if partial and any(member.missing for member in members):
            floor = _too_few_answers(members, by_source[first.source].rubric, min_coverage)
            if floor is not None:
                problems.append(floor)
                rejected.update(m.source for m in members)
                continue
        if len(members) == 1:
            if first.missing:
                if partial:
                    verb = "has" if len(first.missing) == 1 else "have"
                    problems.append(Problem(Location(first.source), "partial-answers",
                                            f"{len(first.missing)} of {len(first.answers)} indicators {verb} no "
                                            f"answer; each scores as 'unknown' and is reported as missing "
                                            f"(--partial)", "warning"))
                else:
                    problems.extend(_missing_problems(by_source[first.source], first.missing))
                    rejected.add(first.source)
            continue
        blank = [m for m in members if all(answer.state == "missing" for answer in m.answers.values())]
        for member in blank:  # a form sent back untouched is no respondent: it would only swell N and the roles
            rest = "the other respondents of {0} round {1} are scored without it" if len(blank) < len(members) \
                else "no respondent of {0} round {1} answered, so it is not scored"
            problems.append(Problem(Location(member.source), "too-few-answers",
                                    f"this return answers none of the indicators (a blank form); "
                                    f"{rest.format(member.agency_id, member.round)}: fill it in, or move it out "
                                    f"of the folder"))
            rejected.add(member.source)
        members = [m for m in members if m not in blank]
        if not members:
            continue
        first = members[0]
        unanswered = [ident for ident in first.answers if all(m.answers[ident].state == "missing" for m in members)]
        if not unanswered:
            continue
        listed = _few(unanswered, 10)
        if partial:
            problems.append(Problem(Location(first.source), "partial-answers",
                                    f"no respondent of {first.agency_id} round {first.round} answered {listed}; each "
                                    f"scores as 'unknown' (--partial)", "warning"))
        else:
            files = f"{len(members)} files: " + _few([m.source for m in members], 3) if len(members) > 3 else \
                ", ".join(m.source for m in members)
            problems.append(Problem(Location(first.source), "missing-answer",
                                    f"no respondent of {first.agency_id} round {first.round} ({files}) answered "
                                    f"{listed}; someone must answer each indicator (or use --partial)"))
            rejected.update(m.source for m in members)
    return [result for result in kept if result.source not in rejected], problems[:across], problems[across:], \
        set_aside


def _resubmission(returns: list[ReadResult], latest: bool) -> tuple[list[Problem], list[str]]:
    """The problem(s) of several returns of one respondent, and the older returns' files.

    The newest is the one saved last by the workbook's own record (document properties), else by the
    file's modification time; a YAML file has only the latter.
    """
    dated = sorted(returns, key=_newness)
    newest, older = dated[-1], dated[:-1]
    assessment = newest.assessment
    who = ", ".join(part for part in (assessment.respondent.name, assessment.respondent.role) if part)
    whose = f"the same respondent ({who}; {assessment.agency_id} round {assessment.round})"
    if latest:
        return [Problem(Location(result.source), "resubmission",
                        f"set aside: {newest.source} is a newer return of {whose} and is used instead (--latest; "
                        f"{newest.source}: {_when(newest)}; this file: {_when(result)})", "warning")
                for result in older], [result.source for result in older]
    one = len(older) == 1
    times = "; ".join([f"newer: {newest.source}, {_when(newest)}"] +
                      [f"older: {result.source}, {_when(result)}" for result in reversed(older)])
    found = []
    for result in reversed(dated):  # each file of the respondent says so, the newest first
        others = _and([other.source for other in reversed(dated) if other is not result])
        fix = (f"delete or move the older {'one' if one else 'ones'}" if result is newest else
               "this one is older: delete or move it")
        found.append(Problem(Location(result.source), "resubmission",
                             f"{others} and this file are returns of {whose}, who would count "
                             f"{'twice' if one else f'{len(dated)} times'}; {fix}, or use --latest to keep the "
                             f"{'newer' if one else 'newest'} ({times})"))
    return found, [result.source for result in older]


def _mtime(result: ReadResult) -> datetime:
    try:
        return datetime.fromtimestamp(os.stat(result.source).st_mtime, tz=timezone.utc)
    except (OSError, ValueError, OverflowError):
        return datetime.min.replace(tzinfo=timezone.utc)


def _newness(result: ReadResult) -> tuple:
    """Sort key of returns, oldest first: the saved time (else the file's time), the file's time, the name."""
    mtime = _mtime(result)
    return (result.saved or mtime, mtime, result.source)


def _when(result: ReadResult) -> str:
    if result.saved is not None:
        return f"saved {result.saved:%Y-%m-%d %H:%M:%S} UTC"
    return f"file time {_mtime(result):%Y-%m-%d %H:%M:%S} UTC"


def _too_few_answers(members: list[Assessment], rubric: Rubric, min_coverage: float) -> Problem | None:
    """The refusal of an agency-round that answers less of the rubric's weight than --partial accepts."""
    share = answered_share(rubric, members)
    if share is None or share >= min_coverage:
        return None
    first = members[0]
    answered = sum(any(m.answers[ident].state == "answered" for m in members) for ident in first.answers)
    counts = (f"{coverage_percent(share, min_coverage)} of the rubric's weight ({answered} of {len(first.answers)} "
              f"indicators")
    if any(answer.state == "unknown" for m in members for answer in m.answers.values()):
        counts += "; 'unknown' counts as unanswered"
    floor = f"less than the {coverage_percent(min_coverage, min_coverage)} that --partial needs to score"
    if len(members) == 1:
        message = f"answers {counts}), {floor} it; answer more of it"
    else:
        message = (f"the {len(members)} respondents of {first.agency_id} round {first.round} "
                   f"({_few([m.source for m in members], 3)}) together answer {counts}), {floor} them; answer more")
    return Problem(Location(first.source), "too-few-answers",
                   f"{message}, or lower the floor with --min-coverage PCT")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _few(items: list[str], limit: int) -> str:
    """``items`` joined by commas, the first ``limit`` of them and how many more (a survey has hundreds)."""
    more = len(items) - limit
    return ", ".join(items[:limit]) + (f" and {more} more" if more > 0 else "")
