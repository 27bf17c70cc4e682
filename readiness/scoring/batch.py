"""Scoring many agency-rounds at once: one scorecard each, and a problem for each that cannot be scored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from ..errors import Location, NotScorable, Problem
from ..rubric.model import Rubric
from .scorecard import Scorecard, score_assessment

if TYPE_CHECKING:  # scoring knows the shape of an Assessment, but never imports the intake stage
    from ..intake.model import Assessment


@dataclass(frozen=True)
class ScoringResult:
    """The scorecards, ordered by agency name, then id and round; and what could not be scored."""

    scorecards: list[Scorecard]
    problems: list[Problem]
    failed: frozenset[str]  # the files of the agency-rounds that could not be scored

    @property
    def ok(self) -> bool:
        return not self.problems


def score_batch(groups: Iterable[tuple[Rubric, Sequence["Assessment"]]]) -> ScoringResult:
    """Score each agency-round: a rubric and its respondents' assessments (``Batch.groups()``)."""
    cards, problems, failed = [], [], set()
    for rubric, members in groups:
        try:
            cards.append(score_assessment(rubric, members))
        except NotScorable as exc:
            problems.append(Problem(Location(members[0].source), "not-scorable", str(exc)))
            failed.update(a.source for a in members)
    cards.sort(key=lambda card: (card.agency.casefold(), card.agency_id, card.round))
    return ScoringResult(cards, problems, frozenset(failed))
