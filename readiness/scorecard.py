"""The scorecard: every number computed for one agency-round (DESIGN.md §3.3).

Scores are on 0–100 at full precision; coverage and evidence are percentages (0–100) too.
Fields may be added over time, never renamed.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

STAGE_NAMES = {1: "Initial", 2: "Developing", 3: "Defined", 4: "Managed", 5: "Optimised"}
RISK_BANDS = ("Low", "Moderate", "High", "Critical")
QUADRANTS = ("Ready to scale", "Capable but contested", "Willing but under-equipped", "Stalled")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


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


class IndicatorScore(_Model):
    score: float | None
    answer: int | float | str | None
    state: str
    evidence_level: str = "none"
    spread: float | None = None  # several respondents: max − min, in levels
    divergent: bool = False


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
    indicators: dict[str, IndicatorScore]
    roles: dict[str, dict[str, float | None]]
    divergences: list[Divergence]
    interval: dict[str, list[float]] | None = None

    def to_json_dict(self) -> dict:
        """A plain dict in the published key order, ``interval`` only when it was computed."""
        data = self.model_dump(mode="json")
        if data["interval"] is None:
            del data["interval"]
        return data
