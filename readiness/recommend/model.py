"""The roadmap: what to do next for one agency-round, in which order, and why (JSON-serialisable).

Every item carries its trace: the triggers that fired (or the item that required it), the answers
that made its dimensions weak with the rubric's descriptor of the next level, the expected gain
found by re-scoring, and its prerequisites.  Scores are on 0–100, months count from the start
of the roadmap (an item with ``start`` 0 and ``end`` 3 runs in months 1–3).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ..scoring.scorecard import RubricStamp, Scorecard, Stage


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class CatalogueStamp(_Model):
    id: str
    version: str
    sha256: str


class Reason(_Model):
    """Why an item is on the roadmap: a trigger that fired, or an item that needs it first."""

    kind: str  # "below", "role_gap" or "required"
    text: str  # the reason in plain words
    dimension: str | None = None
    score: float | None = None
    threshold: float | None = None
    pillar: str | None = None
    roles: dict[str, float] | None = None  # role -> its pillar score, for a role gap
    gap: float | None = None
    required_by: str | None = None
    from_phase: str | None = None  # brought forward from this (the catalogue's) phase


class WeakAnswer(_Model):
    """One of the answers that make a dimension weak, and what the next level would need."""

    indicator: str
    dimension: str
    answer: int | float | str | None
    state: str
    label: str | None  # the scale's label of the answered level
    score: float  # 0–100
    next_level: int | None  # level indicators: the level above the answer
    next_descriptor: str | None  # the rubric's descriptor of that level: what the agency would have to show
    target_answer: float  # the answer (a level, or a number in its unit) the item's target implies


class Gain(_Model):
    """The expected effect of an item delivered alone, in points (positive is better)."""

    readiness: float  # points of readiness gained
    risk: float | None  # points of risk removed (None: the rubric has no risk index)
    amplification: float | None  # of which: points of amplification removed (resistance lowered)


class RoadmapItem(_Model):
    id: str
    title: str
    action: str
    phase: str  # the phase it is carried out in
    catalogue_phase: str  # the catalogue's phase; differs when a dependant brought it forward
    owner: str
    owner_title: str
    effort: str
    months: int
    start: int  # months from the start of the roadmap
    end: int
    addresses: list[str]
    targets: dict[str, float]  # dimension -> the score it is raised to (only those below it)
    gain: Gain
    priority: float  # weighted gain per unit of effort
    triggered: bool  # False: pulled in as a prerequisite only
    reasons: list[Reason]
    requires: list[str]
    required_by: list[str]
    chain: list[str]  # every prerequisite on the roadmap, transitively, in roadmap order
    in_place: list[str] = []  # prerequisites left off: their dimensions already reach their targets
    weak_answers: list[WeakAnswer]
    basis: str
    explanation: str  # all of the above in plain words


class Summary(_Model):
    """The headline numbers of a scorecard (today's, or projected)."""

    readiness: float
    risk: float | None
    risk_base: float | None
    amplification: float | None
    stage: Stage
    risk_band: str | None
    quadrant: str | None

    @classmethod
    def of(cls, card: Scorecard) -> "Summary":
        return cls(readiness=card.readiness, risk=card.risk, risk_base=card.risk_base,
                   amplification=card.amplification, stage=card.stage, risk_band=card.risk_band,
                   quadrant=card.quadrant)


class Roadmap(_Model):
    """One agency-round's roadmap; ``items`` is empty when no intervention is needed (see ``message``)."""

    agency: str
    agency_id: str
    round: str
    rubric: RubricStamp
    interventions: CatalogueStamp
    current: Summary
    projected: Summary
    dimensions: dict[str, list[float | None]]  # dimension -> [today, if delivered]
    items: list[RoadmapItem]
    months: int  # when the last item ends
    message: str | None = None
    left_out: list[str] = []  # items called for beyond the roadmap's length (--top, max_items), by priority
    projected_scorecard: Scorecard | None = None

    def to_json_dict(self) -> dict:
        """A plain dict for JSON (the full projected scorecard is left out: ``projected`` summarises it)."""
        return self.model_dump(mode="json", exclude={"projected_scorecard"})
