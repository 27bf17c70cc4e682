"""Checks across the files of one agency-round, once each file has been read.

Respondents of one assessment must name the same agency and rubric; a file copied twice, and two
returns of one respondent (a resubmission), are refused or, with ``--latest``, settled; a blank form
is no respondent; what nobody answered is named, or, with ``--partial``, scored like 'unknown' down to
the ``--min-coverage`` floor.  A file with errors gets its unanswered indicators named in the same pass.
:mod:`readiness.intake.batch` runs these on each agency-round it reads.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Iterable

from ..errors import InvalidInput, Location, Problem
from ..rubric.model import Rubric
from .checks import (
    DEFAULT_MIN_COVERAGE,
    MAX_PROBLEMS,
    agency_name_clashes,
    answered_share,
    coverage_percent,
    respondent_identity,
)
from .model import Assessment
from .readers import ReadResult, unexpected_failure


def rubric_ref(assessment: Assessment) -> str:
    """The ``id@version`` of the rubric an assessment answers."""
    return f"{assessment.rubric_id}@{assessment.rubric_version}"


def by_agency_round(assessments: Iterable[Assessment]) -> dict[tuple[str, str], list[Assessment]]:
    """Assessments by ``(agency_id, round)``, in a stable order."""
    grouped: dict[tuple[str, str], list[Assessment]] = {}
    for assessment in sorted(assessments, key=lambda a: (a.agency_id, a.round, a.source)):
        grouped.setdefault(assessment.key, []).append(assessment)
    return grouped


def missing_problems_of(result: ReadResult, idents: list[str]) -> list[Problem]:
    """Where each unanswered indicator is, from the reader; a file that fails even then says why."""
    try:
        return result.missing_problems(idents)
    except InvalidInput as exc:  # the reference parser refused the file while locating
        return exc.problems
    except Exception as exc:  # one file must never stop the batch, whatever is wrong with it
        return [unexpected_failure(result.source, exc)]


def gaps_of_invalid_files(results: list[ReadResult]) -> dict[str, list[Problem]]:
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
        gaps = [p for p in missing_problems_of(result, result.gaps)
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


def check_groups(results: list[ReadResult], partial: bool, *, latest: bool = False,
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
    for (agency_id, round_), members in by_agency_round(r.assessment for r in results).items():
        first = members[0]
        seen_hashes = {first.sha256: first.source}
        named_otherwise = {other.source for _, other in agency_name_clashes(members)}
        for other in members[1:]:
            where = Location(other.source)
            if (other.rubric_id, other.rubric_version) != (first.rubric_id, first.rubric_version):
                problems.append(Problem(where, "respondent-rubric-clash",
                                        f"uses rubric {rubric_ref(other)}, but {first.source} (also {agency_id}, "
                                        f"round {round_}) uses {rubric_ref(first)}; respondents of one assessment "
                                        f"must use the same rubric"))
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
    for members in by_agency_round(r.assessment for r in kept).values():
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
                    problems.extend(missing_problems_of(by_source[first.source], first.missing))
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
