"""The scoring method (DESIGN.md §4): pure functions from answers to indices, stages and bands.

The method, in the rubric's own terms:

* indicator score ``s`` in [0, 1]; ``na`` is excluded, ``unknown``/missing score 0 (§4.1);
* dimension ``D``: weighted mean of its indicators; pillar ``P``: weighted mean of its assessed
  dimensions (§4.2–4.3);
* readiness ``RI``: weighted mean of capability pillars, on 0–100 (§4.4);
* resistance ``R = 1 −`` weighted mean of resistance pillars (§4.5);
* each barrier dimension's severity ``b = 1 − D`` is amplified by resistance,
  ``b' = min(1, b·(1 + α·R))``, and averaged into barrier pressure ``B`` (§4.6);
* risk ``RK``: the pillar-weight mix of ``R`` and ``B``; ``risk_base`` is the same with α = 0 (§4.7);
* a gated stage, risk band and quadrant (§4.8); several respondents merge by the median (§4.9);
  coverage and evidence are shares of effective weight (§4.10).

Nothing here reads files or builds output models: :mod:`readiness.scoring.scorecard` assembles
a scorecard from these numbers.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence

from ..rubric.model import Rubric, Thresholds

if TYPE_CHECKING:  # scoring knows the shape of an Assessment, but never imports the intake stage
    from ..intake.model import Assessment

STAGE_NAMES = {1: "Initial", 2: "Developing", 3: "Defined", 4: "Managed", 5: "Optimised"}
RISK_BANDS = ("Low", "Moderate", "High", "Critical")
QUADRANTS = ("Ready to scale", "Capable but contested", "Willing but under-equipped", "Stalled")
#: The cuts every rubric uses unless its ``thresholds:`` say otherwise (DESIGN.md §3.1).
DEFAULT_THRESHOLDS = Thresholds()
UNSPECIFIED_ROLE = "unspecified"


@dataclass(frozen=True)
class Merged:
    """One indicator after merging respondents: the score ``s`` (None when ``na``) and its story.

    ``answered`` and ``evidenced`` are shares (0–1) of the respondents counted for the indicator
    (those who answered it or said ``unknown``): how many gave an answer, and how many gave one
    with documented or verified evidence.  For one respondent they are 1 or 0.
    """

    state: str
    score: float | None
    answer: float | str | None
    evidence_level: str  # the best evidence level among the answers, for display
    spread: float | None
    answered: float = 0.0
    evidenced: float = 0.0


@dataclass(frozen=True)
class Indices:
    """The composite numbers, all on [0, 1] (``None`` where not defined)."""

    readiness: float | None
    risk: float | None
    risk_base: float | None
    resistance: float | None
    barrier_pressure: float | None
    pillars: dict[str, float | None]
    dimensions: dict[str, float | None]
    severity: dict[str, tuple[float, float]]  # barrier dimension -> (b, b')


def indicator_score(rubric: Rubric, indicator_id: str, value: float) -> float:
    """§4.1: a level or number answer on [0, 1], higher is healthier."""
    indicator = rubric.places[indicator_id].indicator
    if indicator.type == "level":
        return (value - rubric.scale.min) / rubric.scale.span
    share = (value - indicator.min) / (indicator.max - indicator.min)
    share = min(1.0, max(0.0, share))
    return 1.0 - share if indicator.direction == "lower" else share


def merge_answers(rubric: Rubric, assessments: Sequence["Assessment"]) -> dict[str, Merged]:
    """§4.9: one score per indicator from one or several respondents.

    The score is the median of the respondents' ``s``, where a respondent's ``unknown`` counts as
    0 (as it does for a single respondent, so a real answer never lowers the score below what
    ``unknown`` gave); ``na`` answers and omissions are left out.  The indicator is ``na`` if all who
    gave it said ``na``; ``missing`` if nobody gave it.  The answer shown is the median answer, with
    ``unknown`` as the answer that scores 0.
    """
    if len(assessments) == 1:
        return _single(rubric, assessments[0])
    merged: dict[str, Merged] = {}
    span = rubric.scale.span
    for ident in rubric.places:
        given = [a.answers[ident] for a in assessments if a.answers[ident].state != "missing"]
        counted = [answer for answer in given if answer.state != "na"]
        if not counted:
            merged[ident] = Merged("na", None, "na", "none", None) if given else \
                Merged("missing", 0.0, "missing", "none", None)
            continue
        answered = [answer for answer in counted if answer.state == "answered"]
        if not answered:
            merged[ident] = Merged("unknown", 0.0, "unknown", "none", None)
            continue
        floor = _value_scoring_zero(rubric, ident)
        scores = [indicator_score(rubric, ident, a.value) if a.state == "answered" else 0.0 for a in counted]
        values = [a.value if a.state == "answered" else floor for a in counted]
        answered_scores = [indicator_score(rubric, ident, a.value) for a in answered]
        spread = (max(answered_scores) - min(answered_scores)) * span if len(answered) > 1 else None
        merged[ident] = Merged("answered", statistics.median(scores), statistics.median(values),
                               _best_evidence(answered), spread, answered=len(answered) / len(counted),
                               evidenced=sum(a.evidenced for a in counted) / len(counted))
    return merged


def _value_scoring_zero(rubric: Rubric, ident: str) -> float:
    """The answer that scores 0: the scale's minimum, or the end of a number's range that is worse."""
    indicator = rubric.places[ident].indicator
    if indicator.type == "level":
        return rubric.scale.min
    return indicator.max if indicator.direction == "lower" else indicator.min


def _single(rubric: Rubric, assessment: "Assessment") -> dict[str, Merged]:
    """The one-respondent case of :func:`merge_answers`, without medians (the common, hot path)."""
    merged = {}
    for ident, answer in assessment.answers.items():
        state = answer.state
        if state == "answered":
            merged[ident] = Merged(state, indicator_score(rubric, ident, answer.value), answer.value,
                                   answer.evidence_level, None, answered=1.0,
                                   evidenced=1.0 if answer.evidenced else 0.0)
        else:
            merged[ident] = Merged(state, None if state == "na" else 0.0, state, "none", None)
    return merged


def _best_evidence(answers) -> str:
    levels = {answer.evidence_level for answer in answers}
    return "verified" if "verified" in levels else "documented" if "documented" in levels else "none"


def compute_indices(
    rubric: Rubric,
    scores: Mapping[str, float | None],
) -> Indices:
    """§4.2–4.7 from indicator scores (``None`` = ``na``).

    The reference implementation, one agency at a time; :mod:`.uncertainty` computes the same on
    arrays of draws, and the tests hold the two equal.
    """
    dimensions: dict[str, float | None] = {}
    pillars: dict[str, float | None] = {}
    severity: dict[str, tuple[float, float]] = {}
    sums = {kind: [0.0, 0.0] for kind in ("capability", "resistance")}  # Σ V·P, Σ V over assessed pillars
    barrier_pillars: list[tuple[float, list[tuple[float, float, float]]]] = []  # (V, [(W, b, α)])

    for pillar in rubric.pillars:
        weighted = total = 0.0
        barrier_dims = []
        for dimension in pillar.dimensions:
            num = den = 0.0
            for indicator in dimension.indicators:
                s = scores[indicator.id]
                if s is not None:
                    num += indicator.weight * s
                    den += indicator.weight
            score = num / den if den else None
            dimensions[dimension.id] = score
            if score is None:
                continue  # not assessed: out of everything above it (§4.2)
            weight = dimension.weight
            weighted += weight * score
            total += weight
            if pillar.kind == "barrier":
                alpha = rubric.alpha(dimension)
                barrier_dims.append((weight, 1.0 - score, alpha))
        pillars[pillar.id] = weighted / total if total else None
        if not total:
            continue
        if pillar.kind == "barrier":
            barrier_pillars.append((pillar.weight, barrier_dims))
        else:
            sums[pillar.kind][0] += pillar.weight * pillars[pillar.id]
            sums[pillar.kind][1] += pillar.weight

    cap_sum, cap_weight = sums["capability"]
    readiness = cap_sum / cap_weight if cap_weight else None
    res_sum, res_weight = sums["resistance"]
    resistance = 1.0 - res_sum / res_weight if res_weight else 0.0

    bar_weight = sum(weight for weight, _ in barrier_pillars)
    pressure = pressure_base = None
    if bar_weight:
        pressure = pressure_base = 0.0
        for pillar_weight, dims in barrier_pillars:
            dim_total = sum(weight for weight, _, _ in dims)
            amplified = base = 0.0
            for weight, b, alpha in dims:
                amplified += weight * amplify(b, alpha, resistance)
                base += weight * b
            pressure += pillar_weight * amplified / dim_total
            pressure_base += pillar_weight * base / dim_total
        pressure /= bar_weight
        pressure_base /= bar_weight
    for pillar in rubric.pillars:
        if pillar.kind != "barrier":
            continue
        for dimension in pillar.dimensions:
            score = dimensions[dimension.id]
            if score is not None:
                alpha = rubric.alpha(dimension)
                b = 1.0 - score
                severity[dimension.id] = (b, amplify(b, alpha, resistance))

    risk = risk_base = None
    if res_weight + bar_weight:
        risk = (res_weight * resistance + bar_weight * (pressure or 0.0)) / (res_weight + bar_weight)
        risk_base = (res_weight * resistance + bar_weight * (pressure_base or 0.0)) / (res_weight + bar_weight)
    return Indices(
        readiness=readiness,
        risk=risk,
        risk_base=risk_base,
        resistance=resistance if res_weight else None,
        barrier_pressure=pressure,
        pillars=pillars,
        dimensions=dimensions,
        severity=severity,
    )


def amplify(severity: float, alpha: float, resistance: float) -> float:
    """§4.6: a barrier's severity ``b`` amplified by resistance ``R``: ``min(1, b·(1 + α·R))``."""
    return min(1.0, severity * (1.0 + alpha * resistance))


def _settled(x: float) -> float:
    """``x`` rounded to 9 decimals before it is compared with a threshold.

    Weighted means in floating point land a hair off exact values (a readiness that is exactly
    50 computes as 49.99999999999999): classify what the arithmetic means, not its last bit.
    """
    return round(x, 9)


def band(x: float, cuts: Sequence[float] = DEFAULT_THRESHOLDS.stages) -> int:
    """§4.8: the stage (1–5) of an index on 0–100: 1 below the first cut, 5 at or above the last."""
    x = _settled(x)
    for level, upper in enumerate(cuts, start=1):
        if x < upper:
            return level
    return len(cuts) + 1


@dataclass(frozen=True)
class StageResult:
    level: int
    name: str
    limited_by: str | None = None


def stage(rubric: Rubric, indices: Indices) -> StageResult:
    """§4.8: the maturity stage, gated by the weakest capability dimension (the barrier point).

    ``stage = min(band(RI), band(100·weakest capability D) + gate_offset)``, cuts from the rubric.
    """
    thresholds = rubric.thresholds
    by_readiness = band(100 * indices.readiness, thresholds.stages)
    capability = [
        (indices.dimensions[d.id], d.id)
        for p in rubric.pillars if p.kind == "capability"
        for d in p.dimensions if indices.dimensions[d.id] is not None
    ]
    weakest_score, weakest_id = min(capability, key=lambda pair: _settled(pair[0]))
    gate = band(100 * weakest_score, thresholds.stages) + thresholds.gate_offset
    if gate < by_readiness:
        return StageResult(gate, STAGE_NAMES[gate], weakest_id)
    return StageResult(by_readiness, STAGE_NAMES[by_readiness])


def risk_band(risk: float, cuts: Sequence[float] = DEFAULT_THRESHOLDS.risk_bands) -> str:
    """§4.8: Low, Moderate, High or Critical (risk on 0–100; cuts 25, 50, 75 unless the rubric says)."""
    risk = _settled(risk)
    for name, upper in zip(RISK_BANDS, cuts):
        if risk < upper:
            return name
    return RISK_BANDS[-1]


def quadrant(readiness: float, risk: float, cuts=DEFAULT_THRESHOLDS.quadrant) -> str:
    """§4.8: where readiness (at or above its cut?) and risk (at or above its cut?) put an agency."""
    ready, risky = _settled(readiness) >= cuts.readiness, _settled(risk) >= cuts.risk
    if ready:
        return QUADRANTS[1] if risky else QUADRANTS[0]
    return QUADRANTS[3] if risky else QUADRANTS[2]


def coverage(rubric: Rubric, merged: Mapping[str, Merged]
             ) -> tuple[float, float, dict[str, tuple[float, float] | None]]:
    """§4.10: shares of effective weight that are answered, and answered with evidence.

    An indicator's effective weight is its share of its dimension times the dimension's share of
    its pillar times the pillar's share of all pillars, each share taken over what is not ``na``;
    it counts by the share of its respondents who answered it (coverage), and who answered it with
    documented or verified evidence (evidence).
    Returns overall coverage and evidence (0–1) and the same per dimension (None if not assessed).
    """
    per_dimension: dict[str, tuple[float, float] | None] = {}
    pillar_parts = []  # (V, [(W, answered share, evidenced share)])
    for pillar in rubric.pillars:
        parts = []
        for dimension in pillar.dimensions:
            total = answered = evidenced = 0.0
            for indicator in dimension.indicators:
                item = merged[indicator.id]
                if item.state == "na":
                    continue
                total += indicator.weight
                answered += indicator.weight * item.answered
                evidenced += indicator.weight * item.evidenced
            if total:
                per_dimension[dimension.id] = (answered / total, evidenced / total)
                parts.append((dimension.weight, answered / total, evidenced / total))
            else:
                per_dimension[dimension.id] = None
        if parts:
            pillar_parts.append((pillar.weight, parts))
    overall_weight = sum(weight for weight, _ in pillar_parts)
    answered_share = evidenced_share = 0.0
    for pillar_weight, parts in pillar_parts:
        dim_total = sum(weight for weight, _, _ in parts)
        answered_share += pillar_weight * (sum(w * a for w, a, _ in parts) / dim_total)
        evidenced_share += pillar_weight * (sum(w * e for w, _, e in parts) / dim_total)
    # Divide by the pillars' total once, as the indices do (Σ V·P / Σ V).  Summing each pillar's share
    # V / Σ V instead went past 1 in floating point: pillar weights 0.2, 0.7, 0.1, everything answered,
    # gave coverage 100.00000000000003.  A mean of shares ≤ 1 divided once by the same sum is ≤ 1.
    if not overall_weight:  # every indicator na: nothing to share out
        return 0.0, 0.0, per_dimension
    return answered_share / overall_weight, evidenced_share / overall_weight, per_dimension


def role_indices(
    rubric: Rubric,
    assessments: Sequence["Assessment"],
    merged_all: Mapping[str, Merged] | None = None,
    indices_all: Indices | None = None,
) -> dict[str, Indices]:
    """§4.9: the indices from each role's respondents alone (a gap between senior officials and staff shows here).

    An indicator that nobody of a role answered is left out of that role's scores (as if ``na``)
    rather than scored 0, so that a role is judged on what it actually said.
    """
    by_role: dict[str, list[Assessment]] = {}
    labels: dict[str, str] = {}
    for assessment in assessments:
        # "Senior" and "senior " are one role (as they are one respondent's role for resubmissions); the
        # first spelling met names it.
        role = " ".join((assessment.respondent.role or "").split())
        label = labels.setdefault(role.casefold(), role or UNSPECIFIED_ROLE)
        by_role.setdefault(label, []).append(assessment)
    if len(by_role) == 1 and indices_all is not None and merged_all is not None \
            and all(item.state != "missing" for item in merged_all.values()):
        # One role and nothing missing: that role's scores are the group's, already computed.
        (role,) = by_role
        return {role: indices_all}
    result = {}
    for role in sorted(by_role):
        # With a single role, its merge is the whole group's: reuse it rather than redo it.
        merged = merged_all if merged_all is not None and len(by_role) == 1 else merge_answers(rubric, by_role[role])
        scores = {ident: None if item.state == "missing" else item.score for ident, item in merged.items()}
        result[role] = compute_indices(rubric, scores)
    return result
