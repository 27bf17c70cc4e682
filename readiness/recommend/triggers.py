"""Which interventions a scorecard calls for, and why: the triggers that fire, in plain words."""

from __future__ import annotations

from typing import Mapping

from ..rubric.interventions import NEXT_CUT, Intervention, Trigger
from ..rubric.model import Rubric
from ..scoring.method import STAGE_NAMES
from ..scoring.projection import next_cut
from ..scoring.scorecard import Scorecard
from ..text import printable
from .model import Reason

#: Scores are compared with thresholds as the method compares them with cuts: to 9 decimals.
_DECIMALS = 9


def fired(item: Intervention, card: Scorecard, rubric: Rubric, raises: Mapping[str, float]) -> list[Reason]:
    """The reasons ``item`` is called for by ``card``: one per trigger condition that holds (none: not called for).

    ``raises`` are the dimensions the item would raise (:func:`~readiness.recommend.effects.targets`):
    a dimension below a trigger's threshold calls for the item only if the item would raise it (a
    declared ``target`` may already be met).  A gap between roles calls for it in any case.
    """
    reasons: list[Reason] = []
    for trigger in item.triggers:
        if trigger.below is not None:
            found = [reason for reason in _below(trigger, item, card, rubric) if reason.dimension in raises]
        else:
            found = _role_gap(trigger, item, card)
        for reason in found:
            if all((r.kind, r.dimension, r.pillar) != (reason.kind, reason.dimension, reason.pillar) for r in reasons):
                reasons.append(reason)
    return reasons


def _below(trigger: Trigger, item: Intervention, card: Scorecard, rubric: Rubric) -> list[Reason]:
    reasons = []
    for ident in trigger.dimensions or item.addresses:
        score = card.dimensions[ident].score
        if score is None:  # not assessed: nothing to judge it by
            continue
        threshold = next_cut(rubric, score) if trigger.below == NEXT_CUT else trigger.below
        if threshold is None or round(score, _DECIMALS) >= threshold:
            continue
        reasons.append(Reason(kind="below", dimension=ident, score=score, threshold=threshold,
                              text=f"{dimension_title(rubric, ident)} ({ident}) scores {score:.1f}, "
                                   f"below {threshold:g}{_cut_name(rubric, threshold)}"))
    return reasons


def _cut_name(rubric: Rubric, threshold: float) -> str:
    """", where stage 3 Defined begins" when ``threshold`` is one of the rubric's stage cuts."""
    cuts = rubric.thresholds.stages
    if threshold in cuts:
        level = cuts.index(threshold) + 2
        return f", where stage {level} {STAGE_NAMES[level]} begins"
    return ""


def _role_gap(trigger: Trigger, item: Intervention, card: Scorecard) -> list[Reason]:
    pillars = [trigger.pillar] if trigger.pillar else \
        list(dict.fromkeys(card.dimensions[d].pillar for d in item.addresses if d in card.dimensions))
    reasons = []
    for pillar in pillars:
        scores = {role: values[pillar] for role, values in card.roles.items() if values.get(pillar) is not None}
        if trigger.roles:
            first, second = trigger.roles
            if first not in scores or second not in scores:
                continue
            pair = sorted((first, second), key=lambda role: (-scores[role], role))
        else:
            if len(scores) < 2:
                continue
            ranked = sorted(scores, key=lambda role: (-scores[role], role))
            pair = [ranked[0], ranked[-1]]
        high, low = pair
        gap = scores[high] - scores[low]
        if round(gap, _DECIMALS) < trigger.role_gap:
            continue
        # Roles are free text typed by respondents: shown printable and quoted, never as markup.
        reasons.append(Reason(
            kind="role_gap", pillar=pillar, roles={high: scores[high], low: scores[low]}, gap=gap,
            threshold=trigger.role_gap,
            text=f"respondents see the {pillar} pillar differently by role: {printable(high)!r} scores it "
                 f"{scores[high]:.1f} and {printable(low)!r} {scores[low]:.1f} (higher is healthier), a gap of "
                 f"{gap:.1f} points ({trigger.role_gap:g} or more calls for this)"))
    return reasons


def dimension_title(rubric: Rubric, ident: str) -> str:
    return rubric.dimensions[ident].title
