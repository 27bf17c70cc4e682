"""Scoring a whole batch of assessments: one scorecard per agency-round."""

from __future__ import annotations

from .catalog import Catalog
from .errors import Location, Problem
from .intake import Batch
from .scorecard import Scorecard
from .scoring import score_assessment


def score_batch(batch: Batch, catalog: Catalog) -> list[Scorecard]:
    """Score every agency-round of ``batch``, ordered by agency name, then id and round.

    A group that cannot be scored (e.g. every capability indicator ``na``) adds a problem to
    ``batch.problems`` instead of a scorecard.
    """
    cards = []
    for members in batch.groups().values():
        rubric = catalog.resolve(f"{members[0].rubric_id}@{members[0].rubric_version}")
        try:
            cards.append(score_assessment(rubric, members))
        except ValueError as exc:
            batch.problems.append(Problem(Location(members[0].source), str(exc)))
            batch.failed.update(a.source for a in members)
    return sorted(cards, key=lambda card: (card.agency.casefold(), card.agency_id, card.round))
