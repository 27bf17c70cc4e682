"""Reading many assessment files at once: expand folders, read each file, check them together.

This is the one entry point of the intake stage.  Whatever the file formats, the result is a
:class:`Batch`: the valid assessments, the rubric each answers, and a :class:`ValidationReport`
with every problem found, located.  A file that cannot be read, for whatever reason, becomes a
problem of that file; the batch goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from ..errors import InvalidInput, Location, Problem, problem_order
from ..rubric.catalog import Catalog
from ..rubric.model import Rubric
from .checks import DEFAULT_MIN_COVERAGE, RubricChoice
from .groups import by_agency_round, check_groups, gaps_of_invalid_files, rubric_ref
from .model import Assessment
from .readers import ACCEPTED_SUFFIXES, ReadResult, readable_suffixes, reader_for, unexpected_failure

T = TypeVar("T")

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
        return [(self.rubrics[rubric_ref(members[0])], members)
                for members in by_agency_round(self.assessments).values()]


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
        return ReadResult(source, problems=[unexpected_failure(source, exc)])


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

    def collect(peek: bool) -> Batch:
        stream = AssessmentStream(paths, catalog, peek=peek, **options)
        groups = list(stream)
        assessments = [member for _, members in groups for member in members]
        return Batch(assessments, {rubric.ref: rubric for rubric, _ in groups}, stream.report)

    return looking_first(collect)


def validation_report(paths: Iterable[str | Path], catalog: Catalog | None = None, **options) -> ValidationReport:
    """The report of :func:`load_assessments` (same options), read an agency-round at a time and nothing
    kept but the problems: what ``readiness validate`` needs, in memory that does not grow with the files."""

    def check(peek: bool) -> ValidationReport:
        stream = AssessmentStream(paths, catalog, peek=peek, **options)
        for _ in stream:  # each agency-round is checked, then let go
            pass
        return stream.report

    return looking_first(check)


def looking_first(run: Callable[[bool], T]) -> T:
    """``run(True)``: a stream whose files are placed by a quick look; ``run(False)`` (every file read whole
    first) if a look proved wrong (:class:`Regrouped`), since a stream cannot take back what it gave out."""
    try:
        return run(True)
    except Regrouped:
        return run(False)


class Regrouped(Exception):
    """A file's full read put it in another agency-round than its quick look did: a stream cannot take back
    what it gave out, nor keep its order, so the caller starts again with ``peek=False``."""


class AssessmentStream:
    """Read a set of assessment files one agency-round at a time: iterate for ``(rubric, respondents)``.

    The files are first put into agency-rounds by a quick look at each (:mod:`readiness.intake.peek`);
    then each agency-round's files are read, checked together (as :func:`load_assessments` does) and
    given out, in order of agency id and round, before the next is read.  Memory then depends on the
    largest agency-round, not on how many YAML files there are.  Workbooks, and files the quick look
    cannot place, are read whole up front and kept until their agency-round comes (a workbook's
    cover would cost a quarter of reading it: it is not opened twice); ``peek=False``: every file.
    After the last agency-round, :attr:`report` holds every problem, in the order
    :func:`load_assessments` gives them.

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
        return ordered_report(self.files, self._path_problems, [self.parts()])

    def parts(self) -> "ReportParts":
        """The problems found, as :func:`ordered_report` puts several streams' together (picklable)."""
        if not self._finished:
            raise RuntimeError("AssessmentStream.report is complete only after iterating over the stream")
        return ReportParts({str(self.files[index]): found for index, found in self._file_problems.items()},
                           self._across, self._coverage, set(self._failed))

    def __iter__(self) -> Iterator[tuple[Rubric, list[Assessment]]]:
        from .peek import agency_round

        done = 0
        pending: dict[tuple, list[tuple[int, ReadResult | None]]] = {}
        for index, path in enumerate(self.files):
            key = agency_round(path, workbooks=False) if self._peek else None
            if key is None:  # placed by reading it whole, now
                result = self._read(index)
                done += 1
                self._report_progress(done)
                key = agency_round_of(result) or ("", "", index)  # no key: a group of its own
                pending.setdefault(key, []).append((index, result))
            else:
                pending.setdefault(key, []).append((index, None))
        for key in sorted(pending, key=sort_key):
            results = []
            for index, result in pending.pop(key):
                if result is None:
                    result = self._read(index)
                    done += 1
                    self._report_progress(done)
                    real = agency_round_of(result)
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
        gaps = {} if self._options["partial"] else gaps_of_invalid_files(results)
        for index, result in indexed:
            self._file_problems[index] = sorted(result.problems + gaps.get(result.source, []), key=problem_order)
        valid = [result for result in results if result.ok]
        self._failed |= {result.source for result in results if not result.ok}
        kept, across, coverage, set_aside = check_groups(valid, **self._options)
        self._across.append((sort_key(key), across))
        self._coverage.append((sort_key(key), coverage))
        self._failed |= {result.source for result in valid} - {result.source for result in kept} - set_aside
        if kept:
            members = [result.assessment for result in kept]
            yield kept[0].rubric, sorted(members, key=lambda a: a.source)


@dataclass
class ReportParts:
    """One stream's problems, by file and by agency-round: what a worker process sends back."""

    file_problems: dict[str, list[Problem]]
    across: list[tuple[tuple, list[Problem]]]  # per agency-round (its sort key): checks across its files
    coverage: list[tuple[tuple, list[Problem]]]  # per agency-round: answers nobody gave
    failed: set[str]


def ordered_report(files: Sequence[Path], path_problems: list[Problem], parts: Iterable[ReportParts]
                   ) -> ValidationReport:
    """The report of ``files`` from the parts of the streams that read them (one, or a pool's), in one order:
    the problems of the paths given, then each file's in file order, then those across files and those
    of answers nobody gave, each by agency id and round."""
    parts = list(parts)
    by_file: dict[str, list[Problem]] = {}
    for part in parts:
        by_file.update(part.file_problems)
    problems = list(path_problems)
    for path in files:
        problems.extend(by_file.get(str(path), []))
    for found in ([item for part in parts for item in part.across], [item for part in parts for item in part.coverage]):
        for _, more in sorted(found, key=lambda item: item[0]):
            problems.extend(more)
    return ValidationReport([str(p) for p in files], problems, frozenset().union(*(part.failed for part in parts)))


def agency_round_of(result: ReadResult) -> tuple[str, str] | None:
    """The agency-round a file read whole belongs to (a file with errors: as far as it can be read)."""
    return result.assessment.key if result.assessment is not None else result.key


def sort_key(key: tuple) -> tuple:
    """Agency-rounds in order of agency id and round; files that state none after them, in file order."""
    return (0, key) if len(key) == 2 else (1, key[2])


