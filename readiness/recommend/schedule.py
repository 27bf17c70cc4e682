"""Ordering a roadmap and placing it in months (the roadmap then shows each phase in month order).

Order: phases in order (quick wins first), within a phase the highest priority first, ties by id;
a prerequisite comes before its dependants and is brought forward into a dependant's earlier
phase when it must.  Months: items are placed one at a time in that order; each starts at the
earliest month that is not before any item of an earlier phase starts (phases follow each other),
after all its prerequisites have ended, and when its owner runs fewer than ``max_parallel`` items.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Mapping

from ..rubric.interventions import PHASES, Intervention


@dataclass(frozen=True)
class Placement:
    id: str
    phase: str  # the phase it runs in (its own, or a dependant's earlier one)
    start: int  # months from the roadmap's start
    end: int


def schedule(selected: Mapping[str, Intervention], priorities: Mapping[str, float],
             max_parallel: int) -> list[Placement]:
    """Order ``selected`` (closed under prerequisites) and give each its months."""
    own = {ident: (PHASES.index(item.phase), -round(priorities[ident], 9), ident)
           for ident, item in selected.items()}
    # Prerequisites off the roadmap (taken as in place) do not hold anything up.
    requires = {ident: [r for r in dict.fromkeys(item.requires) if r in selected] for ident, item in selected.items()}
    dependants: dict[str, list[str]] = {ident: [] for ident in selected}
    for ident in selected:
        for required in requires[ident]:
            dependants[required].append(ident)

    urgency: dict[str, tuple] = {}

    def urgent(ident: str) -> tuple:
        # As urgent as its most urgent dependant: a prerequisite is placed just before what needs it.
        if ident not in urgency:
            urgency[ident] = min([own[ident]] + [urgent(d) for d in dependants[ident]])
        return urgency[ident]

    waiting = {ident: len(requires[ident]) for ident in selected}
    ready = [(urgent(ident), own[ident]) for ident, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    placed: list[Placement] = []
    ends: dict[str, int] = {}
    busy: dict[str, list[tuple[int, int]]] = {}
    latest_start = [0] * len(PHASES)  # the latest start of an item placed in each phase
    while ready:
        key, own_key = heapq.heappop(ready)
        ident = own_key[2]
        item = selected[ident]
        phase = key[0]
        start = max([max(latest_start[:phase], default=0)] + [ends[r] for r in requires[ident]])
        running = busy.setdefault(item.owner, [])
        while any(sum(s <= month < e for s, e in running) >= max_parallel
                  for month in range(start, start + item.months)):
            start += 1
        ends[ident] = start + item.months
        running.append((start, ends[ident]))
        latest_start[phase] = max(latest_start[phase], start)
        placed.append(Placement(ident, PHASES[phase], start, ends[ident]))
        for dependant in dependants[ident]:
            waiting[dependant] -= 1
            if waiting[dependant] == 0:
                heapq.heappush(ready, (urgent(dependant), own[dependant]))
    return placed
