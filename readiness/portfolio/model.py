"""The result of a comparison: what every output format (table, JSON, CSV, Excel, SQLite, PDF) shows.

Units are agency-rounds.  ``unit`` is the label a unit is shown by: its agency id, or a stable code
when the comparison is anonymised (then ``agency`` and ``agency_id`` are ``None``).  Intervals are
``[p5, p95]`` of the joint draws, ``None`` when the run had no draws.  In an anonymised comparison, a
statistic of a group smaller than ``min_group`` whose members are not shown one by one (a role's
respondents, the agencies an intervention is proposed for) is ``None`` with ``suppressed: true``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UnitRow(_Model):
    """One unit in one round: its headline figures, its place in the ranking and its dimensions."""

    unit: str
    agency: str | None
    agency_id: str | None
    round: str
    rubric: str  # the rubric its answers were given in (id@version)
    basis: str  # the rubric its figures here are computed on: that rubric, or the common part of two versions
    readiness: float
    readiness_interval: list[float] | None
    risk: float | None
    risk_interval: list[float] | None
    amplification: float | None
    stage: int
    stage_name: str
    limited_by: str | None
    stage_confidence: float | None  # the share of draws that give this stage
    quadrant: str | None
    risk_band: str | None
    coverage: float
    evidence: float
    respondents: int
    rank: int
    rank_interval: list[int] | None  # [best, worst]: p5 and p95 of the draws' ranks (None: no draws)
    group: int | None  # units of one group cannot be told apart (1: the leading group; None: no draws)
    dimensions: dict[str, float | None]
    dimension_intervals: dict[str, list[float] | None]
    quartiles: dict[str, int | None]  # where the unit sits among the round's units: 1 (lowest) to 4


class Distribution(_Model):
    """How one dimension is spread across a round's units."""

    dimension: str
    title: str
    units: int
    min: float | None
    q1: float | None
    median: float | None
    q3: float | None
    max: float | None


class RoundView(_Model):
    """One round: its units ranked by readiness, and the spread of each dimension."""

    round: str
    basis: str  # the rubric the round's units are compared on
    comparability: float | None  # the share of the basis's weight common to all its versions (mixed rounds)
    quadrant_cuts: list[float]  # readiness and risk at which the basis rubric's quadrants are cut
    dimensions: list[str]
    dimension_titles: dict[str, str]
    units: list[UnitRow]  # in rank order
    groups: int | None  # None: no draws, so no groups
    distributions: list[Distribution]


class FigureChange(_Model):
    """One figure of one unit, baseline round → this round."""

    figure: str  # readiness, risk, or a dimension id
    before: float
    after: float
    change: float
    interval: list[float] | None
    significant: bool | None  # None: not tested (no draws)
    direction: str  # better, worse, no clear change, or not tested


class UnitChange(_Model):
    """A unit's change since the baseline round, on a basis both rounds can be compared on."""

    unit: str
    agency: str | None
    agency_id: str | None
    baseline: str
    round: str
    basis: str
    comparability: float  # the basis's share of the composite weight: 1 when both rounds answered one rubric
    comparability_readiness: float  # the same share of readiness's weight (the capability pillars)
    stage_before: int  # the stages as reported (each round on its own rubric)
    stage_after: int
    transition: str  # up, down or stayed
    figures: list[FigureChange]

    def figure(self, name: str) -> FigureChange | None:
        return next((figure for figure in self.figures if figure.figure == name), None)


class Count(_Model):
    """A count that is withheld (``None``, suppressed) when below the minimum group size."""

    count: int | None
    suppressed: bool = False


class InterventionUse(_Model):
    """How many units of the current round a roadmap proposes an intervention for."""

    id: str
    title: str
    phase: str
    owner: str
    effort: str
    units: Count


class LoopDimension(_Model):
    dimension: str
    change: float | None
    interval: list[float] | None
    verdict: str  # improved, no clear change, worsened, not tested, not comparable


class LoopItem(_Model):
    """One item of a unit's roadmap in the baseline round, and whether its dimensions moved since."""

    unit: str
    intervention: str
    title: str
    phase: str
    dimensions: list[LoopDimension]
    verdict: str  # improved, partly improved, mixed, no clear change, worsened, not tested, not comparable


class RoleRow(_Model):
    """A pillar score as one role's respondents in a unit gave it."""

    round: str
    unit: str
    role: str
    respondents: int
    pillar: str
    score: float | None
    suppressed: bool = False


class DivergenceRow(_Model):
    """One respondent's answer to an indicator on which a unit's respondents diverge."""

    round: str
    unit: str
    indicator: str
    spread: float
    respondent: str
    role: str | None
    answer: float | int | str


class EvidenceRow(_Model):
    """One piece of evidence a respondent described (left out of anonymised comparisons: it is free text)."""

    round: str
    unit: str
    indicator: str
    respondent: str
    level: str
    evidence: str


class Comparison(_Model):
    """Everything ``readiness compare`` reports."""

    rubrics: dict[str, str]  # every rubric (and common basis) compared, id@version -> sha256
    inputs_sha256: str  # the sha256 of the sorted sha256s of every input file compared
    by: str
    current: str
    baseline: str | None
    draws: int
    seed: int
    rank_decimals: int  # readiness is ranked as rounded to this many decimals (0–100)
    anonymised: bool
    min_group: int | None
    rounds: list[RoundView]  # in round order
    changes: list[UnitChange]  # current round against the baseline, by unit
    left: list[str]  # units assessed in the baseline round but not in the current one
    movers_up: list[str]  # units whose readiness rose significantly, largest rise first
    movers_down: list[str]
    transitions: dict[str, int]  # up, stayed, down (of the stages as reported)
    interventions: list[InterventionUse]  # most often proposed first
    loop: list[LoopItem]
    roles: list[RoleRow]
    divergences: list[DivergenceRow]
    evidence: list[EvidenceRow]
    notes: list[str]

    def round(self, label: str) -> RoundView | None:
        return next((view for view in self.rounds if view.round == label), None)
