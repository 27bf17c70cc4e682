"""From a scorecard to a roadmap: select, estimate, order, explain, project."""

from __future__ import annotations

from ..rubric.interventions import PHASES, InterventionCatalogue
from ..rubric.model import Rubric
from ..scoring.method import compute_indices
from ..scoring.projection import indicator_scores, next_cut, project
from ..scoring.scorecard import RubricStamp, Scorecard
from .effects import gain, lifted, priority, targets
from .explain import explanation, weak_answers
from .model import CatalogueStamp, Reason, Roadmap, RoadmapItem, Summary
from .schedule import schedule
from .triggers import dimension_title, fired


def roadmap_for(card: Scorecard, rubric: Rubric, catalogue: InterventionCatalogue, *,
                top: int | None = None) -> Roadmap:
    """The roadmap for one scorecard of ``rubric`` from ``catalogue`` (checked against that rubric).

    Every intervention whose trigger fires is estimated by re-scoring (one re-scoring each, plus
    one for the whole roadmap); only the ``top`` highest priorities are kept (default: the
    catalogue's ``max_items``), with their prerequisites.  A prerequisite whose own trigger did not
    fire is pulled in and says why, unless its dimensions already reach its targets: then it is
    taken as in place, and what needs it says so.
    """
    scores = indicator_scores(card)
    base = compute_indices(rubric, scores)
    wanted_by = {item.id: targets(item, card, rubric) for item in catalogue.interventions}
    estimates = {}

    def estimate(ident: str):  # one re-scoring, only for the interventions that need one
        if ident not in estimates:
            wanted = wanted_by[ident]
            changes = lifted(rubric, scores, wanted)
            expected = gain(rubric, scores, base, changes)
            estimates[ident] = (wanted, changes, expected, priority(catalogue, catalogue.by_id[ident], expected))
        return estimates[ident]

    reasons = {item.id: fired(item, card, rubric, wanted_by[item.id]) for item in catalogue.interventions}
    triggered = [ident for ident, found in reasons.items() if found]
    ranked = sorted(triggered, key=lambda ident: (-round(estimate(ident)[3], 9), ident))
    limit = top if top is not None else catalogue.max_items
    kept = ranked if limit is None else ranked[:limit]
    selected, in_place = _with_prerequisites(catalogue, kept, lambda ident: not wanted_by[ident])
    left_out = [ident for ident in ranked if ident not in selected]
    required_by: dict[str, list[str]] = {ident: [] for ident in selected}
    for ident in selected:
        for required in catalogue.by_id[ident].requires:
            if required in required_by:
                required_by[required].append(ident)
    placements = schedule({ident: catalogue.by_id[ident] for ident in selected},
                          {ident: estimate(ident)[3] for ident in selected}, catalogue.max_parallel)
    # Shown phase by phase in the order of their months (placed by priority; a tie keeps that order).
    placements = sorted(placements, key=lambda placement: (PHASES.index(placement.phase), placement.start))
    position = {placement.id: index for index, placement in enumerate(placements)}

    items = []
    for placement in placements:
        item = catalogue.by_id[placement.id]
        wanted, lifted_here, expected, weight = estimate(placement.id)
        why = list(reasons[placement.id])
        if placement.id not in kept:  # pulled in: its own trigger did not fire, or it was beyond --top
            why += [Reason(kind="required", required_by=dependant,
                           text=f"{catalogue.by_id[dependant].title} ({dependant}) needs it first")
                    for dependant in sorted(required_by[placement.id], key=position.__getitem__)]
        if placement.phase != item.phase:
            needing = [d for d in required_by[placement.id] if PHASES.index(catalogue.by_id[d].phase)
                       < PHASES.index(item.phase)] or required_by[placement.id]
            why = why + [Reason(kind="required", from_phase=item.phase,
                                text=f"brought forward from the {item.phase} phase to the {placement.phase} phase, "
                                     f"because {', '.join(needing)} needs it first")]
        chain = sorted(_prerequisites(catalogue, placement.id, selected), key=position.__getitem__)
        assumed = [required for required in item.requires if required in in_place]
        weak = weak_answers(rubric, card, wanted, lifted_here)
        items.append(RoadmapItem(
            id=item.id, title=item.title, action=item.action, phase=placement.phase, catalogue_phase=item.phase,
            owner=item.owner, owner_title=catalogue.owners[item.owner], effort=item.effort, months=item.months,
            start=placement.start, end=placement.end, addresses=list(item.addresses), targets=wanted,
            gain=expected, priority=weight, triggered=bool(reasons[placement.id]), reasons=why,
            requires=[r for r in item.requires if r in selected], required_by=required_by[placement.id],
            chain=chain, in_place=assumed, weak_answers=weak, basis=item.basis,
            explanation=explanation(rubric, why, weak, wanted, card, expected, item.requires, chain, assumed,
                                    lifted_here)))

    whole: dict[str, float] = {}
    for entry in items:
        for ident, target in entry.targets.items():
            whole[ident] = max(whole.get(ident, 0.0), target)
    projected = project(rubric, card, lifted(rubric, scores, whole)) if whole else card
    return Roadmap(
        agency=card.agency, agency_id=card.agency_id, round=card.round,
        rubric=RubricStamp(id=rubric.id, version=rubric.version, sha256=rubric.sha256),
        interventions=CatalogueStamp(id=catalogue.id, version=catalogue.version, sha256=catalogue.sha256),
        current=Summary.of(card), projected=Summary.of(projected),
        dimensions={ident: [dim.score, projected.dimensions[ident].score] for ident, dim in card.dimensions.items()},
        items=items, months=max((entry.end for entry in items), default=0),
        message=None if items else _nothing_needed(rubric, card, catalogue),
        left_out=left_out, projected_scorecard=projected if whole else None,
    )


def _with_prerequisites(catalogue: InterventionCatalogue, kept: list[str],
                        achieved) -> tuple[list[str], set[str]]:
    """``kept`` and every prerequisite of theirs, transitively (the catalogue has no cycles), and the
    prerequisites taken as in place: not kept, and ``achieved`` (their dimensions already reach their
    targets), whose own prerequisites are then not followed either."""
    selected = list(kept)
    in_place: set[str] = set()
    for ident in selected:  # grows while it is walked: a breadth-first closure
        for required in catalogue.by_id[ident].requires:
            if required in selected or required in in_place:
                continue
            if achieved(required):
                in_place.add(required)
            else:
                selected.append(required)
    return selected, in_place


def _prerequisites(catalogue: InterventionCatalogue, ident: str, selected: list[str]) -> set[str]:
    """Every prerequisite of ``ident`` on the roadmap, transitively."""
    found: set[str] = set()
    stack = [r for r in catalogue.by_id[ident].requires if r in selected]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(r for r in catalogue.by_id[current].requires if r in selected)
    return found


def _nothing_needed(rubric: Rubric, card: Scorecard, catalogue: InterventionCatalogue) -> str:
    weak = [ident for ident, dim in card.dimensions.items()
            if dim.score is not None and next_cut(rubric, dim.score) is not None]
    if not weak:
        return (f"no intervention needed: every assessed dimension scores {rubric.thresholds.stages[-1]:g} or more, "
                f"the top stage")
    named = ", ".join(f"{dimension_title(rubric, ident)} ({ident}, {card.dimensions[ident].score:.1f})"
                      for ident in weak)
    return (f"no intervention of {catalogue.ref} is triggered, although these dimensions are below their next "
            f"stage cut: {named}; add interventions for them to the catalogue")
