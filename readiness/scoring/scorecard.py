"""The scorecard: every number computed for one agency-round (DESIGN.md §3.3), and how it is assembled.

Scores are on 0–100 at full precision; coverage and evidence are percentages (0–100) too.
Fields may be added over time, never renamed.  :func:`score_assessment` applies the method of
:mod:`readiness.scoring.method` to one agency-round's respondents and fills a :class:`Scorecard`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field, SkipValidation

from ..errors import NotScorable
from ..rubric.model import Rubric
from .agreement import AgreementScore, respondent_agreement
from .method import (
    Indices,
    Merged,
    compute_indices,
    coverage,
    merge_answers,
    quadrant,
    risk_band,
    role_indices,
    stage,
)

if TYPE_CHECKING:  # scoring knows the shape of an Assessment, but never imports the intake stage
    from ..intake.model import Assessment


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


def _absent(value) -> bool:
    return value is None


def _omitted_if_none():
    """A field left out of the JSON when it was not computed (intervals, agreement, ...), rather than null."""
    return Field(default=None, exclude_if=_absent)


class RubricStamp(_Model):
    id: str
    version: str
    sha256: str


class Stage(_Model):
    level: int
    name: str
    limited_by: str | None = None


class PillarScore(_Model):
    score: float | None
    kind: str


class DimensionScore(_Model):
    score: float | None
    pillar: str
    kind: str
    coverage: float | None
    evidence: float | None
    severity: float | None = None  # barrier dimensions: 100·(1 − D)
    amplified: float | None = None  # barrier dimensions: severity after amplification by resistance
    interval: list[float] | None = _omitted_if_none()  # p5 and p95 of the score, when uncertainty was computed


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """One indicator's result.  A plain dataclass, not a model: a scorecard has one per indicator (a
    hundred), built from checked numbers, so pydantic's validation of each only cost time; the
    scorecard's schema still serialises them, and identical ones are one shared object
    (:func:`_indicator_score`)."""

    score: float | None
    answer: int | float | str | None
    state: str
    evidence_level: str = "none"
    spread: float | None = None  # several respondents: max − min, in levels
    divergent: bool = False
    coverage: float | None = None  # share of its respondents who answered it (0–100), None when na
    evidence: float | None = None  # share of its respondents who answered it with evidence (0–100)


class RespondentInfo(_Model):
    name: str | None
    role: str | None
    source: str
    sha256: str


class DivergentAnswer(_Model):
    respondent: str  # name (role), or the role, or "respondent N"
    role: str | None
    source: str
    answer: float | int | str  # the level or number, or na / unknown


class Divergence(_Model):
    indicator: str
    spread: float
    answers: list[DivergentAnswer]


class RoleIndices(_Model):
    readiness: float | None
    risk: float | None


class Uncertainty(_Model):
    """How the intervals were drawn (§4.11): enough to draw them again."""

    draws: int
    seed: int


class Projection(_Model):
    """What a projected scorecard changed (:mod:`readiness.scoring.projection`): indicator → new score (0–100).

    A projection is not an assessment: it has no per-role scores, agreement or intervals.
    """

    changes: dict[str, float]


class Scorecard(_Model):
    agency: str
    agency_id: str
    round: str
    rubric: RubricStamp
    readiness: float
    risk: float | None
    risk_base: float | None
    amplification: float | None
    resistance: float | None
    barrier_pressure: float | None
    stage: Stage
    risk_band: str | None
    quadrant: str | None
    coverage: float
    evidence: float
    respondents: list[RespondentInfo]
    counts: dict[str, int]
    pillars: dict[str, PillarScore]
    dimensions: dict[str, DimensionScore]
    indicators: SkipValidation[dict[str, IndicatorScore]]  # built by score_assessment from checked numbers
    roles: dict[str, dict[str, float | None]]
    divergences: list[Divergence]
    interval: dict[str, list[float]] | None = _omitted_if_none()
    role_indices: dict[str, RoleIndices] = {}
    agreement: AgreementScore | None = _omitted_if_none()
    stage_confidence: float | None = _omitted_if_none()
    risk_band_confidence: float | None = _omitted_if_none()
    quadrant_confidence: float | None = _omitted_if_none()
    uncertainty: Uncertainty | None = _omitted_if_none()
    projection: Projection | None = _omitted_if_none()

    def to_json_dict(self) -> dict:
        """A plain dict in the published key order; what was not computed (intervals, agreement) is left out."""
        return self.model_dump(mode="json")


def respondent_label(assessment: "Assessment", index: int) -> str:
    """How a respondent is named in divergence reports: name and role, else the file."""
    respondent = assessment.respondent
    if respondent.name and respondent.role:
        return f"{respondent.name} ({respondent.role})"
    return respondent.name or respondent.role or f"respondent {index + 1}"


def score_assessment(rubric: Rubric, assessments: Sequence["Assessment"]) -> Scorecard:
    """Score one agency-round from one or more respondents' assessments of ``rubric``.

    Raises :class:`~readiness.errors.NotScorable` when readiness cannot be computed.
    """
    if not assessments:
        raise ValueError("score_assessment needs at least one assessment")  # a programming error
    first = assessments[0]
    merged = merge_answers(rubric, assessments)
    indices = compute_indices(rubric, {ident: item.score for ident, item in merged.items()})
    if indices.readiness is None:
        raise NotScorable(f"{first.agency_id} {first.round}: every capability indicator is 'na', "
                          f"so readiness cannot be computed")
    numbers = scored_numbers(rubric, merged, indices)
    divergences = [
        Divergence(indicator=ident, spread=item.spread, answers=[
            DivergentAnswer(respondent=respondent_label(assessment, index), role=assessment.respondent.role,
                            source=assessment.source,
                            answer=_plain(answer.value) if answer.state == "answered" else answer.state)
            for index, assessment in enumerate(assessments)
            if (answer := assessment.answers[ident]).state != "missing"
        ])
        for ident, item in numbers["indicators"].items() if item.divergent
    ]
    by_role = role_indices(rubric, assessments, merged, indices)
    return Scorecard(
        agency=first.agency,
        agency_id=first.agency_id,
        round=first.round,
        rubric=RubricStamp(id=rubric.id, version=rubric.version, sha256=rubric.sha256),
        respondents=[
            RespondentInfo(name=a.respondent.name, role=a.respondent.role, source=a.source, sha256=a.sha256)
            for a in assessments
        ],
        roles={name: {pillar: _pct(value) for pillar, value in role.pillars.items()} for name, role in by_role.items()},
        divergences=divergences,
        role_indices={name: RoleIndices(readiness=_pct(role.readiness), risk=_pct(role.risk))
                      for name, role in by_role.items()},
        agreement=respondent_agreement(rubric, assessments),
        **numbers,
    )


def scored_numbers(rubric: Rubric, merged: Mapping[str, Merged], indices: Indices) -> dict:
    """The scorecard's fields that follow from the merged answers and the indices (§4.2–4.10).

    Everything but who answered (respondents, per-role scores, divergences, agreement): shared by
    :func:`score_assessment` and by projections (:mod:`readiness.scoring.projection`).
    """
    share_answered, share_evidenced, per_dimension = coverage(rubric, merged)
    dimensions = {}
    for pillar in rubric.pillars:
        for dimension in pillar.dimensions:
            score = indices.dimensions[dimension.id]
            shares = per_dimension[dimension.id]
            b = indices.severity.get(dimension.id)
            dimensions[dimension.id] = DimensionScore(
                score=_pct(score),
                pillar=pillar.id,
                kind=pillar.kind,
                coverage=_pct(shares[0]) if shares else None,
                evidence=_pct(shares[1]) if shares else None,
                severity=_pct(b[0]) if b else None,
                amplified=_pct(b[1]) if b else None,
            )
    indicators = {}
    divergence_levels = rubric.thresholds.divergence_levels
    counts = {state: 0 for state in ("answered", "na", "unknown", "missing")}
    for ident, item in merged.items():
        counted = item.state != "na"
        indicators[ident] = _indicator_score(
            _pct(item.score), _plain(item.answer), item.state, item.evidence_level, item.spread,
            item.spread is not None and item.spread >= divergence_levels - 1e-9,
            100 * item.answered if counted else None, 100 * item.evidenced if counted else None,
        )
        counts[item.state] += 1
    readiness = 100 * indices.readiness
    risk = _pct(indices.risk)
    thresholds = rubric.thresholds
    return dict(
        readiness=readiness,
        risk=risk,
        risk_base=_pct(indices.risk_base),
        amplification=None if risk is None else risk - 100 * indices.risk_base,
        resistance=_pct(indices.resistance),
        barrier_pressure=_pct(indices.barrier_pressure),
        stage=Stage(**vars(stage(rubric, indices))),
        risk_band=None if risk is None else risk_band(risk, thresholds.risk_bands),
        quadrant=None if risk is None else quadrant(readiness, risk, thresholds.quadrant),
        coverage=100 * share_answered,
        evidence=100 * share_evidenced,
        counts=counts,
        pillars={p.id: PillarScore(score=_pct(indices.pillars[p.id]), kind=p.kind) for p in rubric.pillars},
        dimensions=dimensions,
        indicators=indicators,
    )


@functools.lru_cache(maxsize=4096, typed=True)
def _indicator_score(*fields) -> IndicatorScore:
    """One shared object per distinct result: most of a round's are one of a few hundred (level 2 of a
    single respondent, without evidence, ...).  ``typed``: 100 and 100.0 are written differently, so
    they must not share; and no score is -0.0 (:func:`_pct`), which would share with 0.0."""
    return IndicatorScore(*fields)


def _plain(value):
    """A whole-number answer as an integer (level 3, not 3.0), anything else unchanged."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _pct(x: float | None) -> float | None:
    return None if x is None else 100 * x + 0.0  # + 0.0: a score of -0.0 is 0.0
