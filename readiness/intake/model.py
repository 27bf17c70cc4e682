"""The validated assessment: what one respondent answered for one agency and round (DESIGN.md §3.2).

Every reader (YAML files, Excel workbooks, rows of a survey export) produces these same objects,
so nothing downstream knows which format an assessment came from.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AnswerState = Literal["answered", "na", "unknown", "missing"]
EvidenceLevel = Literal["none", "documented", "verified"]
EVIDENCE_LEVELS: tuple[str, ...] = ("none", "documented", "verified")


class Answer(BaseModel):
    """One indicator's answer.

    ``state`` is ``answered`` (``value`` holds the level or number), ``na`` (not applicable:
    excluded, weights renormalised), ``unknown`` ("don't know": scores as the scale minimum) or
    ``missing`` (left out of a partial file: scored like ``unknown``, reported separately).
    """

    model_config = ConfigDict(frozen=True)

    state: AnswerState
    value: float | None = None
    evidence: str | None = None
    evidence_level: EvidenceLevel = "none"

    @property
    def evidenced(self) -> bool:
        return self.state == "answered" and self.evidence_level != "none"


class Respondent(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str | None = None
    role: str | None = None


class Assessment(BaseModel):
    """A validated assessment file.  ``answers`` has an entry for every indicator of the rubric."""

    model_config = ConfigDict(frozen=True)

    rubric_id: str
    rubric_version: str
    agency: str
    agency_id: str
    round: str
    respondent: Respondent = Field(default_factory=Respondent)
    answers: dict[str, Answer]
    source: str = Field(description="the file it was read from, as given")
    sha256: str = Field(description="hash of the file's bytes")

    @property
    def key(self) -> tuple[str, str]:
        """Assessments sharing ``(agency_id, round)`` are respondents of one assessment."""
        return (self.agency_id, self.round)

    @property
    def missing(self) -> list[str]:
        return [ident for ident, answer in self.answers.items() if answer.state == "missing"]
