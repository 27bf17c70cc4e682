"""What an intervention is expected to achieve, found by re-scoring through the scoring method.

An intervention raises each dimension it addresses to the score it declares (``target``), or
else to the stage cut above the dimension's band; the indicators lifted are the dimension's
weakest (:func:`~readiness.scoring.projection.set_dimension`).  Readiness and risk are then
recomputed by :func:`~readiness.scoring.method.compute_indices`, so a resistance intervention
is credited with the amplification it removes from every barrier.
"""

from __future__ import annotations

from typing import Mapping

from ..rubric.interventions import Intervention, InterventionCatalogue
from ..rubric.model import Rubric
from ..scoring.method import Indices, compute_indices
from ..scoring.projection import next_cut, set_dimension
from ..scoring.scorecard import Scorecard
from .model import Gain


def targets(item: Intervention, card: Scorecard, rubric: Rubric) -> dict[str, float]:
    """Dimension → the score (0–100) ``item`` raises it to; only dimensions now below it."""
    found = {}
    for ident in item.addresses:
        score = card.dimensions[ident].score
        if score is None:
            continue
        target = item.target if item.target is not None else next_cut(rubric, score)
        if target is not None and round(score, 9) < target:
            found[ident] = target
    return found


def lifted(rubric: Rubric, scores: Mapping[str, float | None], dimension_targets: Mapping[str, float]
           ) -> dict[str, float]:
    """The new indicator scores (0–1) that bring each dimension to its target (0–100)."""
    changes: dict[str, float] = {}
    for ident, target in dimension_targets.items():
        changes.update(set_dimension(rubric, scores, ident, target / 100))
    return changes


def gain(rubric: Rubric, scores: Mapping[str, float | None], base: Indices, changes: Mapping[str, float]) -> Gain:
    """Points of readiness gained and of risk (and amplification) removed by the new indicator scores
    ``changes`` (from :func:`lifted`): one re-scoring."""
    if not changes:
        return Gain(readiness=0.0, risk=None if base.risk is None else 0.0,
                    amplification=None if base.risk is None else 0.0)
    after = compute_indices(rubric, {**scores, **changes})
    if base.risk is None:
        return Gain(readiness=100 * (after.readiness - base.readiness), risk=None, amplification=None)
    return Gain(readiness=100 * (after.readiness - base.readiness), risk=100 * (base.risk - after.risk),
                amplification=100 * ((base.risk - base.risk_base) - (after.risk - after.risk_base)))


def priority(catalogue: InterventionCatalogue, item: Intervention, expected: Gain) -> float:
    """Weighted gain per unit of effort: (readiness weight × points gained + risk weight × points removed) / units."""
    weights = catalogue.priority
    weighted = weights.readiness * expected.readiness + weights.risk * (expected.risk or 0.0)
    return weighted / catalogue.effort_units(item.effort)
