"""Scoring many agency-rounds at once: one scorecard each, its uncertainty, and what cannot be scored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from ..errors import Location, NotScorable, Problem
from ..rubric.model import Rubric
from . import DEFAULT_SEED
from .agreement import BROAD_DISAGREEMENT
from .scorecard import Scorecard, score_assessment

if TYPE_CHECKING:  # scoring knows the shape of an Assessment, but never imports the intake stage
    from ..intake.model import Assessment
    from .uncertainty import UnitDraws


@dataclass(frozen=True)
class ScoringResult:
    """The scorecards, ordered by agency name, then id and round; and what could not be scored.

    ``draws`` holds every draw of every scored agency-round, by ``(agency_id, round)``, when asked
    for (``keep_draws``): the joint draws from which a portfolio computes rank intervals.
    """

    scorecards: list[Scorecard]
    problems: list[Problem]
    failed: frozenset[str]  # the files of the agency-rounds that could not be scored
    draws: dict[tuple[str, str], "UnitDraws"] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(problem.is_error for problem in self.problems)


def score_batch(groups: Iterable[tuple[Rubric, Sequence["Assessment"]]], *, draws: int = 0,
                seed: int = DEFAULT_SEED, keep_draws: bool = False) -> ScoringResult:
    """Score each agency-round: a rubric and its respondents' assessments (``Batch.groups()``).

    With ``draws``, each scorecard also gets its intervals (§4.11), from draws that are joint
    across the agency-rounds of one rubric; the same ``seed`` gives the same intervals.  The draws
    themselves (about 0.2 MB per agency-round at 1,000 draws) are kept only with ``keep_draws``.
    """
    scored: list[tuple[Rubric, Sequence, Scorecard]] = []
    problems, failed = [], set()
    for rubric, members in groups:
        try:
            card = score_assessment(rubric, members)
        except NotScorable as exc:
            problems.append(Problem(Location(members[0].source), "not-scorable", str(exc)))
            failed.update(a.source for a in members)
            continue
        scored.append((rubric, members, card))
        if card.agreement is not None and card.agreement.broad_disagreement:
            problems.append(_disagreement(card, members))
    kept: dict[tuple[str, str], "UnitDraws"] = {}
    if draws:
        from threadpoolctl import threadpool_limits

        from .uncertainty import summarise

        # The draws' matrices are small: threads of the linear-algebra library only add CPU time (on
        # two cores, 1,000 agency-rounds took twice as long with them), so one is used here.
        with threadpool_limits(limits=1, user_api="blas"):
            for position, unit in _simulate(scored, draws, seed):
                rubric, members, card = scored[position]
                scored[position] = (rubric, members, summarise(card, unit, draws, seed))
                if keep_draws:
                    kept[(card.agency_id, card.round)] = unit
    cards = sorted((card for _, _, card in scored), key=lambda card: (card.agency.casefold(), card.agency_id,
                                                                        card.round))
    return ScoringResult(cards, problems, frozenset(failed), kept)


def _simulate(scored, draws: int, seed: int) -> Iterator[tuple[int, "UnitDraws"]]:
    """Every agency-round's draws, by its position in ``scored``; the weight and α factors are shared
    by all agency-rounds of one rubric."""
    import numpy as np

    from .uncertainty import draw_factors, simulate, unit_seed

    by_rubric: dict[str, list[int]] = {}
    for position, (rubric, _, _) in enumerate(scored):
        by_rubric.setdefault(rubric.ref, []).append(position)
    for positions in by_rubric.values():
        rubric = scored[positions[0]][0]
        rngs = [np.random.default_rng(unit_seed(seed, scored[p][2].agency_id, scored[p][2].round)) for p in positions]
        units = [scored[p][1] for p in positions]
        for index, unit in simulate(rubric, units, draw_factors(rubric, draws, seed), rngs):
            yield positions[index], unit


def _disagreement(card: Scorecard, members: Sequence) -> Problem:
    agreement = card.agreement
    lowest = ", ".join(f"{ident} {value:.2f}" for ident, value in agreement.lowest())
    return Problem(Location(members[0].source), "broad-disagreement",
                   f"the {len(members)} respondents of {card.agency_id} round {card.round} disagree broadly "
                   f"(Krippendorff's alpha {agreement.alpha:.2f}, below {BROAD_DISAGREEMENT}); lowest agreement: "
                   f"{lowest}", "warning")
