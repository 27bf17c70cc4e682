"""Ranks with their intervals, and groups of units that cannot be told apart, from joint draws.

Every unit's readiness is known under each draw of one run (the weights and α factors are the
same for all units in a draw), so a unit's rank can be computed draw by draw; its interval is
the 5th–95th percentile of those ranks.  Ranks are competition ranks ("1224"): ties share the
better rank, as published league tables do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..scoring.uncertainty import PERCENTILES

#: Scores are ranked as rounded to this many decimals (on 0–100), unless told otherwise: units within
#: 0.005 points of each other share a rank.  A published league table is ranked on its published,
#: rounded values: the UN EGDI 2018 (four decimals on 0–1) is reproduced with 2, 2014 and 2016 (five) with 3.
RANK_DECIMALS = 2


@dataclass(frozen=True)
class RankResult:
    """Ranks of ``n`` units: the point rank, the interval's ends, and each unit's group (1 = best)."""

    rank: list[int]
    low: list[int]  # the best rank of the interval (p5 of the draws' ranks)
    high: list[int]  # the worst (p95)
    group: list[int]


def competition_ranks(values: np.ndarray) -> np.ndarray:
    """1 + the number of strictly greater values, along axis 0 (units); higher values rank first."""
    ordered = np.sort(values, axis=0)  # ascending, per column
    count = values.shape[0]
    if values.ndim == 1:
        return 1 + count - np.searchsorted(ordered, values, side="right")
    ranks = np.empty(values.shape, dtype=np.int32)
    for column in range(values.shape[1]):  # one searchsorted per draw: fast, and memory stays n × draws
        ranks[:, column] = 1 + count - np.searchsorted(ordered[:, column], values[:, column], side="right")
    return ranks


def interval(values: np.ndarray) -> tuple[float, float]:
    """The 5th and 95th percentiles of draws (a 1-d array)."""
    low, high = np.percentile(values, PERCENTILES)
    return float(low), float(high)


#: Differences this close to zero (points on 0–100) are zero: the arithmetic's rounding errors (1e-14) must
#: not decide whether a change is called.
TOLERANCE = 1e-9


def excludes_zero(low: float, high: float) -> bool:
    """A difference is called significant only when its p5–p95 interval excludes zero (DESIGN.md §4.11)."""
    return low > TOLERANCE or high < -TOLERANCE


def rank_units(points: Sequence[float], draws: np.ndarray | None, decimals: int = RANK_DECIMALS) -> RankResult:
    """Rank units by ``points`` (higher first, as rounded to ``decimals``), with intervals and groups
    from ``draws`` (``[units, draws]``).

    Groups: walking down the ranking, a unit joins the group of the unit that leads it unless the
    paired difference between them (leader − unit, draw by draw) has a p5–p95 interval above zero;
    then it starts a new group.  Without draws, only equal values share a group.
    """
    values = _rounded(np.asarray(points, dtype=float), decimals)
    rank = competition_ranks(values)
    without = draws is None or draws.shape[1] == 0
    if without:
        low = high = rank
    else:
        ranks = competition_ranks(_rounded(draws, decimals))
        low = np.quantile(ranks, PERCENTILES[0] / 100, axis=1, method="inverted_cdf")
        high = np.quantile(ranks, PERCENTILES[1] / 100, axis=1, method="inverted_cdf")
        # the point rank always lies in its interval (as the scorecards' intervals include their values)
        low, high = np.minimum(low, rank), np.maximum(high, rank)

    def separate(leader: int, unit: int) -> bool:
        """Whether ``unit`` is clearly behind ``leader``: by value without draws, else by the paired difference."""
        if without:
            return bool(values[leader] > values[unit])
        difference = draws[leader] - draws[unit]
        return bool(np.percentile(difference, PERCENTILES[0]) > TOLERANCE) and values[leader] > values[unit]

    order = sorted(range(len(values)), key=lambda u: (rank[u], u))
    group = [0] * len(values)
    current, leader = 0, None
    for unit in order:
        if leader is None or separate(leader, unit):
            current += 1
            leader = unit
        group[unit] = current
    return RankResult([int(r) for r in rank], [int(r) for r in low], [int(r) for r in high], group)


def _rounded(values: np.ndarray, decimals: int) -> np.ndarray:
    # Rounded as a share (0–1) to decimals + 2 places: the way an index published on 0–1 is rounded, so
    # that half-way cases fall on the same side as in its published table.
    return np.round(values / 100, decimals + 2)
