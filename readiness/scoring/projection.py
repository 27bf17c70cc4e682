"""Projections: a scorecard re-scored as if some answers or dimensions were different (what-if).

A projection starts from a scorecard's indicator scores, changes some, and runs the same method
(:func:`~readiness.scoring.method.compute_indices`, stage, band, quadrant, coverage) on the result,
so a projected number is exactly what scoring an edited assessment would give.  Setting a
dimension to a score lifts its weakest indicators to a common floor (or, to lower it, caps its
strongest at a common ceiling): the indicators an intervention would work on first.

A projected scorecard keeps who answered (``respondents``) and the divergences of the answers
left unchanged; it leaves out what the change makes unknowable: per-role scores, agreement and
intervals.  Its ``projection`` field lists the changes.
"""

from __future__ import annotations

import math
from typing import Mapping

from ..rubric.model import Rubric
from ..text import did_you_mean
from .method import Merged, band, compute_indices, indicator_score
from .scorecard import Projection, Scorecard, scored_numbers


def indicator_scores(card: Scorecard) -> dict[str, float | None]:
    """The indicator scores ``s`` (0–1) behind a scorecard; ``None`` where the answer is ``na``."""
    return {ident: None if item.score is None else item.score / 100 for ident, item in card.indicators.items()}


def dimension_members(rubric: Rubric, dimension_id: str, scores: Mapping[str, float | None]
                      ) -> list[tuple[str, float, float]]:
    """``(indicator id, weight, score)`` of a dimension's indicators that count (are not ``na``)."""
    return [(i.id, i.weight, scores[i.id]) for i in rubric.dimensions[dimension_id].indicators
            if scores[i.id] is not None]


def set_dimension(rubric: Rubric, scores: Mapping[str, float | None], dimension_id: str,
                  target: float) -> dict[str, float]:
    """New indicator scores (0–1) that give a dimension the score ``target`` (0–1).

    To raise it, the indicators below a common floor ``t`` are lifted to ``t``; to lower it, those
    above a ceiling are capped; ``t`` is solved so that the weighted mean is ``target`` exactly.
    Returns only the indicators that change.  Raises ``ValueError`` for a dimension whose every
    answer is ``na`` (it has no score to set).
    """
    members = dimension_members(rubric, dimension_id, scores)
    if not members:
        raise ValueError(f"dimension {dimension_id!r} is not assessed (every answer is 'na'), so it has no score "
                         f"to set; set its indicators instead")
    total = sum(weight for _, weight, _ in members)
    current = sum(weight * s for _, weight, s in members) / total
    if abs(current - target) < 1e-12:
        return {}
    raising = target > current
    # Lowering is raising on mirrored scores (1 − s): one solver for both directions.
    mirrored = [(ident, weight, s if raising else 1 - s) for ident, weight, s in members]
    goal = target if raising else 1 - target
    floor = _water_level(mirrored, goal * total)
    changes = {}
    for ident, _, s in mirrored:
        if s < floor:
            changes[ident] = floor if raising else 1 - floor
    return changes


def _water_level(members: list[tuple[str, float, float]], goal_sum: float) -> float:
    """The ``t`` with ``Σ w·max(s, t) = goal_sum``: the lowest scores are lifted first."""
    ordered = sorted(members, key=lambda m: m[2])
    lifted_weight = 0.0
    rest = sum(weight * s for _, weight, s in ordered)
    for position, (_, weight, s) in enumerate(ordered):
        lifted_weight += weight
        rest -= weight * s
        level = (goal_sum - rest) / lifted_weight
        upper = ordered[position + 1][2] if position + 1 < len(ordered) else 1.0
        if level <= upper + 1e-12:
            return min(1.0, max(level, s))
    return 1.0


def next_cut(rubric: Rubric, score: float) -> float | None:
    """The stage cut (0–100) above ``score`` (0–100); ``None`` in the top stage."""
    cuts = rubric.thresholds.stages
    level = band(score, cuts)
    return cuts[level - 1] if level <= len(cuts) else None


def answer_for(rubric: Rubric, indicator_id: str, s: float) -> float:
    """The answer (a level, or a number in the indicator's unit) that scores ``s``; the inverse of §4.1."""
    indicator = rubric.places[indicator_id].indicator
    if indicator.type == "level":
        return rubric.scale.min + s * rubric.scale.span
    share = 1 - s if indicator.direction == "lower" else s
    return indicator.min + share * (indicator.max - indicator.min)


def project(rubric: Rubric, card: Scorecard, changes: Mapping[str, float]) -> Scorecard:
    """``card`` re-scored with new indicator scores ``changes`` (id → ``s`` on 0–1).

    A changed indicator counts as answered by everyone who counted for it, with the evidence its
    answers had (so coverage may rise, evidence stays); everything else is as scored.
    """
    merged = {}
    for ident, item in card.indicators.items():
        if ident in changes:
            s = changes[ident]
            kept_evidence = item.evidence_level if item.state == "answered" else "none"
            # Everyone who gave an answer now gives the same one: no spread, as scoring would find.
            spread = 0.0 if item.spread is not None else None
            merged[ident] = Merged("answered", s, answer_for(rubric, ident, s), kept_evidence, spread, answered=1.0,
                                   evidenced=(item.evidence or 0.0) / 100)
        else:
            merged[ident] = Merged(item.state, None if item.score is None else item.score / 100, item.answer,
                                   item.evidence_level, item.spread,
                                   answered=(item.coverage or 0.0) / 100, evidenced=(item.evidence or 0.0) / 100)
    indices = compute_indices(rubric, {ident: item.score for ident, item in merged.items()})
    numbers = scored_numbers(rubric, merged, indices)
    return card.model_copy(update={
        **numbers,
        "divergences": [d for d in card.divergences if d.indicator not in changes],
        "roles": {}, "role_indices": {}, "agreement": None,
        "interval": None, "stage_confidence": None, "risk_band_confidence": None, "quadrant_confidence": None,
        "uncertainty": None,
        "projection": Projection(changes={ident: 100 * s for ident, s in changes.items()}),
    })


def whatif_changes(rubric: Rubric, card: Scorecard, settings: Mapping[str, float]) -> dict[str, float]:
    """Indicator scores (0–1) for what-if ``settings``: dimension id → score (0–100), or indicator id →
    level or number (in the indicator's unit).

    Raises ``ValueError`` with a message naming what would be valid.
    """
    dimensions = rubric.dimensions
    pillars = {pillar.id for pillar in rubric.pillars}
    scores = indicator_scores(card)
    changes: dict[str, float] = {}
    dimension_settings = {}
    for key, value in settings.items():
        if key in dimensions and key in rubric.places:
            raise ValueError(f"{key!r} is both a dimension and an indicator of {rubric.ref}; it cannot be set")
        if key in dimensions:
            if not (math.isfinite(value) and 0 <= value <= 100):
                raise ValueError(f"{key}={value:g}: a dimension's score is 0–100")
            dimension_settings[key] = value
        elif key in rubric.places:
            changes[key] = _indicator_setting(rubric, key, value)
        elif key in pillars:
            raise ValueError(f"{key!r} is a pillar of {rubric.ref}; set its dimensions "
                             f"({', '.join(d.id for p in rubric.pillars if p.id == key for d in p.dimensions)})")
        else:
            raise ValueError(f"{key!r} is neither a dimension nor an indicator of {rubric.ref}"
                             f"{did_you_mean(key, [*dimensions, *rubric.places])}")
    for key, value in dimension_settings.items():
        inside = [ident for ident in changes if rubric.places[ident].dimension.id == key]
        if inside:
            raise ValueError(f"{key} and {inside[0]} are both set; set the dimension or its indicators, not both")
        changes.update(set_dimension(rubric, scores, key, value / 100))
    return changes


def _indicator_setting(rubric: Rubric, ident: str, value: float) -> float:
    """The score of answering ``value`` to an indicator, once the value is checked to be a possible answer."""
    indicator = rubric.places[ident].indicator
    if indicator.type == "level":
        scale = rubric.scale
        if not math.isfinite(value) or value != int(value) or not scale.min <= value <= scale.max:
            raise ValueError(f"{ident}={value:g}: a level of {ident} is a whole number {scale.min}–{scale.max}")
    elif not (math.isfinite(value) and indicator.min <= value <= indicator.max):
        raise ValueError(f"{ident}={value:g}: {ident} is a number {indicator.min:g}–{indicator.max:g}")
    return indicator_score(rubric, ident, value)
