"""Reading many assessment files at once: expand folders, read each file, check them together.

This is the one entry point the CLI (and later the portfolio) uses.  Whatever the file format,
the result is a list of :class:`Assessment` objects and a list of located problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .assessment import Assessment
from .catalog import Catalog
from .errors import InvalidInput, Location, Problem, ReadinessError
from .rubric import Rubric
from .yamlsource import load_yaml_file

YAML_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")  # .xlsm is found so that it can be refused with a reason
ASSESSMENT_SUFFIXES = YAML_SUFFIXES + WORKBOOK_SUFFIXES


@dataclass
class Batch:
    """What came of reading a set of files: the valid assessments and every problem found."""

    assessments: list[Assessment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def groups(self) -> dict[tuple[str, str], list[Assessment]]:
        """Assessments by ``(agency_id, round)``, in a stable order."""
        grouped: dict[tuple[str, str], list[Assessment]] = {}
        for assessment in sorted(self.assessments, key=lambda a: (a.agency_id, a.round, a.source)):
            grouped.setdefault(assessment.key, []).append(assessment)
        return grouped


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files as given, and the assessment files inside folders (recursively, sorted, no hidden ones)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.suffix.lower() in ASSESSMENT_SUFFIXES and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not p.name.startswith("~$")  # the lock file Excel keeps beside an open workbook
            )
            if not found:
                problems.append(Problem(Location(str(path)), "folder has no assessment files (.yaml, .yml, .xlsx)"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(Location(str(path)), "no such file or folder"))
    unique = list(dict.fromkeys(files))
    return unique, problems


def read_assessment(path: Path, catalog: Catalog, rubric: Rubric | None = None) -> tuple[Assessment, list[Problem]]:
    """Read one assessment file of any supported format; raises :class:`InvalidInput`."""
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        from .intake_yaml import read_yaml_assessment

        return read_yaml_assessment(path, catalog, rubric=rubric)
    if suffix in WORKBOOK_SUFFIXES:
        from .intake_xlsx import read_xlsx_assessment

        return read_xlsx_assessment(path, catalog, rubric=rubric)
    raise InvalidInput([Problem(Location(str(path)), f"unsupported file type {suffix or '(none)'!r}; "
                                                     f"assessments are .yaml, .yml or .xlsx files")])


def load_assessments(
    paths: Iterable[str | Path],
    catalog: Catalog | None = None,
    *,
    partial: bool = False,
    rubric: Rubric | None = None,
) -> Batch:
    """Read and check every assessment file under ``paths``.

    Files sharing ``agency_id`` and ``round`` are respondents of one assessment: they must name the
    same rubric and agency, and each may leave answers out.  A lone file must answer every
    indicator unless ``partial`` is set, in which case each gap is reported as a warning.
    """
    catalog = catalog or Catalog()
    files, problems = expand_paths(paths)
    batch = Batch(problems=problems, sources=[str(p) for p in files])
    for path in files:
        try:
            assessment, warnings = read_assessment(path, catalog, rubric)
        except InvalidInput as exc:
            batch.problems.extend(exc.problems)
            batch.failed.add(str(path))
            continue
        except (OSError, ReadinessError) as exc:
            batch.problems.append(Problem(Location(str(path)), _os_message(exc)))
            batch.failed.add(str(path))
            continue
        batch.problems.extend(warnings)
        batch.assessments.append(assessment)
    _check_groups(batch, partial, catalog)
    return batch


def _os_message(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"cannot read file: {exc.strerror or exc}"
    return str(exc)


def _check_groups(batch: Batch, partial: bool, catalog: Catalog) -> None:
    """Checks across the files of each agency-round, then for answers nobody gave."""
    rejected: set[str] = set()
    for (agency_id, round_), members in batch.groups().items():
        first = members[0]
        seen_hashes = {first.sha256: first.source}
        for other in members[1:]:
            where = Location(other.source)
            if (other.rubric_id, other.rubric_version) != (first.rubric_id, first.rubric_version):
                batch.problems.append(Problem(where, f"uses rubric {other.rubric_id}@{other.rubric_version}, but "
                                                     f"{first.source} (also {agency_id}, round {round_}) uses "
                                                     f"{first.rubric_id}@{first.rubric_version}; respondents of "
                                                     f"one assessment must use the same rubric"))
                rejected.add(other.source)
            if other.agency != first.agency:
                batch.problems.append(Problem(where, f"names the agency {other.agency!r}, but {first.source} "
                                                     f"(also {agency_id}, round {round_}) names it {first.agency!r}"))
                rejected.add(other.source)
            if other.sha256 in seen_hashes:
                batch.problems.append(Problem(where, f"has the same content as {seen_hashes[other.sha256]}; "
                                                     f"that respondent would be counted twice"))
                rejected.add(other.source)
            seen_hashes.setdefault(other.sha256, other.source)
    _drop(batch, rejected)
    # Only now, with the groups as they will be scored: what did nobody answer?
    rejected = set()
    for members in batch.groups().values():
        if len(members) == 1:
            if members[0].missing:
                batch.problems.extend(_missing_problems(members[0], catalog, as_errors=not partial))
                if not partial:
                    rejected.add(members[0].source)
            continue
        unanswered = [ident for ident in members[0].answers
                      if all(m.answers[ident].state == "missing" for m in members)]
        if unanswered:
            first = members[0]
            files = ", ".join(m.source for m in members)
            listed = ", ".join(unanswered[:10]) + (f" and {len(unanswered) - 10} more" if len(unanswered) > 10 else "")
            if partial:
                batch.problems.append(Problem(Location(first.source), f"no respondent of {first.agency_id} round "
                                                                      f"{first.round} answered {listed}; each scores "
                                                                      f"as 'unknown' (--partial)", "warning"))
            else:
                batch.problems.append(Problem(Location(first.source), f"no respondent of {first.agency_id} round "
                                                                      f"{first.round} ({files}) answered {listed}; "
                                                                      f"someone must answer each indicator (or use "
                                                                      f"--partial)"))
                rejected.update(m.source for m in members)
    _drop(batch, rejected)


def _drop(batch: Batch, rejected: set[str]) -> None:
    if rejected:
        batch.failed |= rejected
        batch.assessments = [a for a in batch.assessments if a.source not in rejected]


def _missing_problems(assessment: Assessment, catalog: Catalog, *, as_errors: bool) -> list[Problem]:
    """One problem per unanswered indicator, pointing at its key or at ``answers:``."""
    if not as_errors:
        count = len(assessment.missing)
        total = len(assessment.answers)
        return [Problem(Location(assessment.source), f"{count} of {total} indicators have no answer; each scores "
                                                     f"as 'unknown' and is reported as missing (--partial)",
                        "warning")]
    path = Path(assessment.source)
    if path.suffix.lower() in YAML_SUFFIXES:
        doc = load_yaml_file(path, source=assessment.source)
        answers = doc.data.get("answers") or {}
        return [
            Problem(doc.where(("answers", ident), key=True), f"{ident} has no answer; give a level, 'na' or 'unknown' "
                                                              f"(or use --partial)")
            if ident in answers else
            Problem(doc.where(("answers",), key=True), f"no answer for {ident}; add it, with a level, 'na' or "
                                                       f"'unknown' (or use --partial)")
            for ident in assessment.missing
        ]
    from .intake_xlsx import missing_answer_problems

    return missing_answer_problems(path, assessment.source, catalog, assessment.missing)
