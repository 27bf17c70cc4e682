"""Reading many assessment files at once: expand folders, read each file, check them together.

This is the one entry point of the intake stage.  Whatever the file formats, the result is a
:class:`Batch`: the valid assessments, the rubric each answers, and a :class:`ValidationReport`
with every problem found, located.  A file that cannot be read, for whatever reason, becomes a
problem of that file; the batch goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..errors import InvalidInput, Location, Problem, problem_order
from ..rubric.catalog import Catalog
from ..rubric.model import Rubric
from .checks import RubricChoice, agency_name_clashes
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


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files as given, and the assessment files inside folders (recursively, sorted, no hidden ones)."""
    suffixes = readable_suffixes()
    files: list[Path] = []
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.suffix.lower() in suffixes and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not p.name.startswith("~$")  # the lock file Excel keeps beside an open workbook
            )
            if not found:
                problems.append(Problem(Location(str(path)), "empty-folder",
                                        f"folder has no assessment files ({', '.join(ACCEPTED_SUFFIXES)})"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(Location(str(path)), "no-such-file", "no such file or folder"))
    unique = list(dict.fromkeys(files))
    return unique, problems


def read_assessment(path: Path, rubrics: RubricChoice) -> ReadResult:
    """Read one assessment file of any supported format; never raises for what is wrong with the file."""
    source = str(path)
    read = reader_for(path)
    if read is None:
        suffix = path.suffix.lower() or "(none)"
        *others, last = ACCEPTED_SUFFIXES
        return ReadResult(source, problems=[Problem(Location(source), "unsupported-file-type",
                                                    f"unsupported file type {suffix!r}; assessments are "
                                                    f"{', '.join(others)} or {last} files")])
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
) -> Batch:
    """Read and check every assessment file under ``paths``.

    Files sharing ``agency_id`` and ``round`` are respondents of one assessment: they must name the
    same rubric and agency, and each may leave answers out.  A lone file must answer every
    indicator unless ``partial`` is set, in which case each gap is reported as a warning.
    ``rubric`` pins the rubric every file must name (``--rubric``).
    """
    rubrics = RubricChoice(catalog or Catalog(), rubric)
    files, problems = expand_paths(paths)
    results: list[ReadResult] = []
    for done, path in enumerate(files, start=1):
        result = read_assessment(path, rubrics)
        problems.extend(sorted(result.problems, key=problem_order))
        results.append(result)
        if progress is not None:
            progress(done, len(files))
    valid = [result for result in results if result.ok]
    failed = {result.source for result in results if not result.ok}
    kept, more = _check_groups(valid, partial)
    problems.extend(more)
    failed |= {result.source for result in valid} - {result.source for result in kept}
    report = ValidationReport([str(p) for p in files], problems, frozenset(failed))
    rubrics_by_ref = {result.rubric.ref: result.rubric for result in kept}
    return Batch([result.assessment for result in kept], rubrics_by_ref, report)


def _check_groups(results: list[ReadResult], partial: bool) -> tuple[list[ReadResult], list[Problem]]:
    """Checks across the files of each agency-round, then for answers nobody gave.

    Returns the files that pass and the problems found.
    """
    problems: list[Problem] = []
    by_source = {result.source: result for result in results}
    rejected: set[str] = set()
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
                problems.append(Problem(where, "agency-name-clash",
                                        f"names the agency {other.agency!r}, but {first.source} (also {agency_id}, "
                                        f"round {round_}) names it {first.agency!r}"))
                rejected.add(other.source)
            if other.sha256 in seen_hashes:
                problems.append(Problem(where, "duplicate-file", f"has the same content as "
                                                                 f"{seen_hashes[other.sha256]}; that respondent "
                                                                 f"would be counted twice"))
                rejected.add(other.source)
            seen_hashes.setdefault(other.sha256, other.source)
    kept = [result for result in results if result.source not in rejected]
    # Only now, with the groups as they will be scored: what did nobody answer?
    rejected = set()
    for members in _group(r.assessment for r in kept).values():
        first = members[0]
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
    return [result for result in kept if result.source not in rejected], problems


def _few(items: list[str], limit: int) -> str:
    """``items`` joined by commas, the first ``limit`` of them and how many more (a survey has hundreds)."""
    more = len(items) - limit
    return ", ".join(items[:limit]) + (f" and {more} more" if more > 0 else "")
