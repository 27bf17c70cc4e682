"""What one report is made from: plain, picklable data, so that reports can be rendered in other processes.

The report stage reads no input files: the command line gathers a scorecard, its roadmap, the
previous round's scorecard (when the inputs hold one) and the evidence the respondents cited, and
hands them over in a :class:`ReportInput`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from ..recommend.model import Roadmap
from ..rubric.model import Rubric
from ..scoring.scorecard import Scorecard

if TYPE_CHECKING:  # the report knows the shape of an Assessment, but never imports the intake stage
    from ..intake.model import Assessment


@dataclass(frozen=True)
class EvidenceCited:
    """One piece of evidence a respondent cited for an answer: what an auditor samples."""

    indicator: str
    respondent: str  # the respondent's name and role, or the role only when redacted
    level: str  # none (described but not documented), documented or verified
    text: str


@dataclass(frozen=True)
class ReportInput:
    """Everything one agency-round's report shows."""

    card: Scorecard
    rubric: Rubric
    roadmap: Roadmap | None = None
    previous: Scorecard | None = None
    evidence: tuple[EvidenceCited, ...] = ()
    #: The report's date (YYYY-MM-DD): printed on the cover and written into the PDF's metadata.
    date: str = "1970-01-01"
    #: Show respondents by role only (names left out of the report and its attachment's display).
    redact_respondents: bool = False
    generator: str = "readiness"
    notes: tuple[str, ...] = field(default=())

    @property
    def stem(self) -> str:
        """The file name of the report, without its suffix: ``agency_id-round``."""
        return f"{self.card.agency_id}-{self.card.round}"


def evidence_of(assessments: Sequence["Assessment"], *, redact: bool = False) -> tuple[EvidenceCited, ...]:
    """Every piece of evidence the respondents described, with its level (none, documented or verified), in
    rubric order per respondent: what an auditor samples."""
    cited = []
    for assessment in assessments:
        respondent = assessment.respondent
        who = (respondent.role or "respondent") if redact else \
            (f"{respondent.name} ({respondent.role})" if respondent.name and respondent.role
             else respondent.name or respondent.role or assessment.source)
        for ident, answer in assessment.answers.items():
            if answer.evidence:
                cited.append(EvidenceCited(ident, who, answer.evidence_level, answer.evidence))
    return tuple(cited)


def redacted(card: Scorecard) -> Scorecard:
    """``card`` with respondents named by their role only: for reports that must not name people
    (``--redact-respondents``); the report, its sidecar and its attachment all use it."""
    respondents = [person.model_copy(update={"name": None}) for person in card.respondents]
    divergences = [
        divergence.model_copy(update={"answers": [
            answer.model_copy(update={"respondent": answer.role or f"respondent {index + 1}"})
            for index, answer in enumerate(divergence.answers)]})
        for divergence in card.divergences]
    return card.model_copy(update={"respondents": respondents, "divergences": divergences})
