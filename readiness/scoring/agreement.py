"""Agreement between the respondents of one agency-round (DESIGN.md §4.12): Krippendorff's alpha.

Alpha compares the disagreement the respondents show with the disagreement chance would give: 1 is
perfect agreement, 0 no better than chance, below 0 worse.  It is computed over the level
indicators (``ordinal``: 2 and 3 disagree less than 0 and 4), from the answered levels; ``unknown``,
``na`` and omitted answers are missing data.  Below :data:`BROAD_DISAGREEMENT` (Krippendorff's
lowest limit for tentative conclusions) the respondents disagree broadly.  The coefficient itself
comes from the maintained ``krippendorff`` package, not from code of ours.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

from pydantic import BaseModel, ConfigDict, computed_field

from ..rubric.model import Rubric

if TYPE_CHECKING:  # scoring knows the shape of an Assessment, but never imports the intake stage
    from ..intake.model import Assessment

#: Krippendorff (2004): data with alpha below 0.667 do not support even tentative conclusions.
BROAD_DISAGREEMENT = 0.667
LEVEL = "ordinal"


class AgreementScore(BaseModel):
    """Krippendorff's alpha (ordinal) between the respondents, overall and per dimension (``None`` where
    it is not defined), as the scorecard reports it."""

    model_config = ConfigDict(frozen=True)

    alpha: float | None
    level: str = LEVEL
    dimensions: dict[str, float | None]

    @computed_field
    @property
    def broad_disagreement(self) -> bool:
        """Alpha below :data:`BROAD_DISAGREEMENT`: the respondents do not describe the same agency."""
        return self.alpha is not None and self.alpha < BROAD_DISAGREEMENT

    def lowest(self, count: int = 3) -> list[tuple[str, float]]:
        """The dimensions with the lowest agreement, lowest first (ties by id)."""
        defined = [(ident, value) for ident, value in self.dimensions.items() if value is not None]
        return sorted(defined, key=lambda pair: (pair[1], pair[0]))[:count]


def krippendorff_alpha(data: Sequence[Sequence[float]], level: str = LEVEL,
                       value_domain: Sequence[float] | None = None) -> float | None:
    """Alpha of a respondents × units table (``nan`` where a respondent gave no value).

    ``None`` when alpha is not defined: fewer than two values for every unit, or no variation at all.
    """
    import krippendorff
    import numpy as np

    table = np.asarray(data, dtype=float)
    if table.ndim != 2 or table.shape[0] < 2 or not (np.sum(~np.isnan(table), axis=0) >= 2).any():
        return None
    if value_domain is not None and len(set(value_domain)) < 2:  # one possible value: nothing to disagree on
        return None
    with np.errstate(invalid="ignore", divide="ignore"):
        value = float(krippendorff.alpha(reliability_data=table, level_of_measurement=level,
                                         value_domain=list(value_domain) if value_domain is not None else None))
    return None if math.isnan(value) else value


def respondent_agreement(rubric: Rubric, assessments: Sequence["Assessment"]) -> AgreementScore | None:
    """§4.12: how far the respondents of one agency-round agree; ``None`` for a single respondent."""
    if len(assessments) < 2:
        return None
    nan = float("nan")
    columns: dict[str, list[list[float]]] = {}
    for pillar in rubric.pillars:
        for dimension in pillar.dimensions:
            columns[dimension.id] = [
                [answer.value if (answer := assessment.answers[indicator.id]).state == "answered" else nan
                 for assessment in assessments]
                for indicator in dimension.indicators if indicator.type == "level"
            ]
    domain = list(rubric.scale.levels)

    def alpha(units: list[list[float]]) -> float | None:
        # krippendorff wants respondents in rows and units in columns.
        return krippendorff_alpha([list(row) for row in zip(*units)], LEVEL, domain) if units else None

    every = [unit for units in columns.values() for unit in units]
    return AgreementScore(alpha=alpha(every), dimensions={ident: alpha(units) for ident, units in columns.items()})
