"""Changes between two rounds of one unit, from paired draws.

Both rounds are scored under the same draws of the weights and α (one run, one rubric: the
factors are joint), so the change in each draw is the change the method would report under that
draw; its 5th–95th percentile is the change's interval.  A change is **significant** only when
that interval excludes zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ranks import excludes_zero, interval

#: Figures where a fall is the improvement.
LOWER_IS_BETTER = frozenset({"risk", "risk_base", "amplification"})


@dataclass(frozen=True)
class Difference:
    """One figure's change: the point values, the change, its interval and whether it is significant."""

    before: float
    after: float
    change: float
    interval: tuple[float, float] | None  # None without draws
    significant: bool | None  # None without draws: not tested

    def direction(self, figure: str) -> str:
        """``better``, ``worse``, ``no clear change`` (not significant) or ``not tested`` (no draws)."""
        if self.significant is None:
            return "not tested"
        if not self.significant:
            return "no clear change"
        rose = self.change > 0
        return "worse" if rose == (figure in LOWER_IS_BETTER) else "better"


def difference(before: float, after: float, before_draws: np.ndarray | None,
               after_draws: np.ndarray | None) -> Difference:
    """The change from ``before`` to ``after``, with its paired interval when both have draws."""
    change = after - before
    if before_draws is None or after_draws is None or len(before_draws) == 0:
        return Difference(before, after, change, None, None)
    low, high = interval(after_draws - before_draws)
    # widened to include the reported change, as the scorecards' intervals include their values
    low, high = min(low, change), max(high, change)
    return Difference(before, after, change, (low, high), excludes_zero(low, high))


def transition(before: int, after: int) -> str:
    """A stage transition: ``up``, ``down`` or ``stayed``."""
    return "up" if after > before else "down" if after < before else "stayed"
