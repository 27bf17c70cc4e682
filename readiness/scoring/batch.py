"""Scoring many agency-rounds at once: one scorecard each, its uncertainty, and what cannot be scored."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

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
                seed: int = DEFAULT_SEED, keep_draws: bool | Callable[[tuple[str, str]], bool] = False
                ) -> ScoringResult:
    """Score each agency-round: a rubric and its respondents' assessments (``Batch.groups()``).

    With ``draws``, each scorecard also gets its intervals (§4.11), from draws that are joint
    across the agency-rounds of one rubric; the same ``seed`` gives the same intervals.  The draws
    themselves (about 0.2 MB per agency-round at 1,000 draws, most of it the dimensions') are kept only
    with ``keep_draws``: ``True`` for all of them, or a function of ``(agency_id, round)`` saying whose
    dimensions' draws to keep too (the others keep only their headline figures' draws).
    :class:`ScoreStream` gives the same scorecards one at a time.
    """
    stream = ScoreStream(draws=draws, seed=seed)
    kept: dict[tuple[str, str], "UnitDraws"] = {}
    cards = []
    for card, unit in stream.scores(groups):
        cards.append(card)
        if keep_draws and unit is not None:
            key = (card.agency_id, card.round)
            whole = keep_draws is True or keep_draws(key)
            kept[key] = unit if whole else replace(unit, dimensions={})
    cards.sort(key=scorecard_order)
    return ScoringResult(cards, stream.problems, frozenset(stream.failed), kept)


def scorecard_order(card: Scorecard) -> tuple:
    """The order scorecards are listed in: agency name (letter case aside), then id and round."""
    return (card.agency.casefold(), card.agency_id, card.round)


class ScoreStream:
    """Score agency-rounds as they come, giving out each scorecard once it is complete.

    Without draws a scorecard is complete at once.  With draws, agency-rounds wait in chunks (by
    rubric and number of respondents) and are simulated a chunk at a time, exactly as
    :func:`~readiness.scoring.uncertainty.simulate` chunks them: the same chunks, so the same
    intervals to the last digit, whether a batch is scored all at once or streamed.  Memory then holds
    a chunk per rubric and size of group, not the batch.  Scorecards come out in the order they are
    completed; :func:`scorecard_order` sorts them.  ``problems`` and ``failed`` gather what could not
    be scored, in the order the agency-rounds came in.
    """

    def __init__(self, *, draws: int = 0, seed: int = DEFAULT_SEED):
        self.draws, self.seed = draws, seed
        self.problems: list[Problem] = []
        self.failed: set[str] = set()
        self._factors: dict[str, object] = {}
        self._waiting: dict[tuple[str, int], list[tuple[Rubric, Sequence, Scorecard]]] = {}

    def scores(self, groups: Iterable[tuple[Rubric, Sequence["Assessment"]]]
               ) -> Iterator[tuple[Scorecard, "UnitDraws | None"]]:
        """Each agency-round's scorecard (with its intervals, and its draws when drawn), as completed."""
        if not self.draws:
            yield from self._scores(groups)
            return
        import numpy  # noqa: F401 - loaded first: the limit below reaches only libraries already loaded
        from threadpoolctl import threadpool_limits

        # The draws' matrices are small: threads of the linear-algebra library only add CPU time (on
        # two cores, 1,000 agency-rounds took twice as long with them), so one is used here.
        with threadpool_limits(limits=1, user_api="blas"):
            yield from self._scores(groups)

    def _scores(self, groups):
        for rubric, members in groups:
            try:
                card = score_assessment(rubric, members)
            except NotScorable as exc:
                self.problems.append(Problem(Location(members[0].source), "not-scorable", str(exc)))
                self.failed.update(a.source for a in members)
                continue
            if card.agreement is not None and card.agreement.broad_disagreement:
                self.problems.append(_disagreement(card, members))
            if not self.draws:
                yield card, None
                continue
            from .uncertainty import CHUNK

            waiting = self._waiting.setdefault((rubric.ref, len(members)), [])
            waiting.append((rubric, members, card))
            if len(waiting) >= max(1, CHUNK // len(members)):
                yield from self._simulate(waiting)
                waiting.clear()
        for waiting in self._waiting.values():
            yield from self._simulate(waiting)
        self._waiting.clear()

    def _simulate(self, chunk: list[tuple[Rubric, Sequence, Scorecard]]) -> Iterator[tuple[Scorecard, "UnitDraws"]]:
        """One chunk of agency-rounds of one rubric and size, simulated together, summarised one by one."""
        if not chunk:
            return
        import numpy as np

        from .uncertainty import draw_factors, simulate, summarise, unit_seed

        rubric = chunk[0][0]
        if rubric.ref not in self._factors:  # the weight and α factors are shared by all agency-rounds of a rubric
            self._factors[rubric.ref] = draw_factors(rubric, self.draws, self.seed)
        rngs = [np.random.default_rng(unit_seed(self.seed, card.agency_id, card.round)) for _, _, card in chunk]
        for index, unit in simulate(rubric, [members for _, members, _ in chunk], self._factors[rubric.ref], rngs):
            yield summarise(chunk[index][2], unit, self.draws, self.seed), unit


def _disagreement(card: Scorecard, members: Sequence) -> Problem:
    agreement = card.agreement
    lowest = ", ".join(f"{ident} {value:.2f}" for ident, value in agreement.lowest())
    return Problem(Location(members[0].source), "broad-disagreement",
                   f"the {len(members)} respondents of {card.agency_id} round {card.round} disagree broadly "
                   f"(Krippendorff's alpha {agreement.alpha:.2f}, below {BROAD_DISAGREEMENT}); lowest agreement: "
                   f"{lowest}", "warning")
