"""Timing shared by the benchmarks: whole jobs, interleaved, best of several rounds.

Interleaving (each job once per round, round after round) means a slow spell of a small or virtual
machine hits every job alike, so the printed ratios hold even when absolute timings swing.
"""

from __future__ import annotations

import time
from typing import Callable


def timed(work: Callable[[], object]) -> tuple[float, object]:
    """Seconds one call of ``work`` took, and what it returned."""
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def best_interleaved(jobs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Each job's best time over ``repeat`` rounds, the jobs run in turn within each round."""
    best = dict.fromkeys(jobs, float("inf"))
    for _ in range(repeat):
        for name, work in jobs.items():
            best[name] = min(best[name], timed(work)[0])
    return best
