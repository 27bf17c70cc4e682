"""Each roadmap item in plain words: why it is there, which answers made its dimensions weak and what
the next level of each would need (the rubric's own descriptor), what it is expected to achieve,
and what must come first."""

from __future__ import annotations

import math
from typing import Mapping, Sequence

from ..rubric.model import Rubric
from ..scoring.projection import answer_for
from ..scoring.scorecard import Scorecard
from .model import Gain, Reason, WeakAnswer

#: How many of a dimension's weakest answers an explanation names.
WEAKEST_SHOWN = 3


def weak_answers(rubric: Rubric, card: Scorecard, dimension_targets: Mapping[str, float],
                 lifted: Mapping[str, float]) -> list[WeakAnswer]:
    """The answers that hold each raised dimension down: those the projection lifts, weakest first
    (at most :data:`WEAKEST_SHOWN` per dimension; the explanation counts the others)."""
    found = []
    for dimension in dimension_targets:
        members = _lifted_in(rubric, card, dimension, lifted)
        found += [_weak_answer(rubric, card, ident, lifted[ident]) for ident in members[:WEAKEST_SHOWN]]
    return found


def _lifted_in(rubric: Rubric, card: Scorecard, dimension: str, lifted: Mapping[str, float]) -> list[str]:
    members = [ident for ident in rubric.dimension_indicators(dimension) if ident in lifted]
    return sorted(members, key=lambda ident: card.indicators[ident].score or 0.0)


def _weak_answer(rubric: Rubric, card: Scorecard, ident: str, lifted_score: float) -> WeakAnswer:
    place = rubric.places[ident]
    item = card.indicators[ident]
    label = next_level = descriptor = None
    if place.indicator.type == "level":
        scale = rubric.scale
        scored_level = item.answer if item.state == "answered" else scale.min
        label = rubric.level_label(int(scored_level)) if float(scored_level).is_integer() else None
        next_level = min(scale.max, math.floor(scored_level) + 1)
        descriptor = place.indicator.levels[next_level]
    return WeakAnswer(indicator=ident, dimension=place.dimension.id, answer=item.answer, state=item.state,
                      label=label, score=item.score or 0.0, next_level=next_level, next_descriptor=descriptor,
                      target_answer=answer_for(rubric, ident, lifted_score))


def describe_answer(rubric: Rubric, weak: WeakAnswer) -> str:
    """``strategy.vision is 1 (Initial); level 2 needs: "..."`` and the like."""
    indicator = rubric.places[weak.indicator].indicator
    if weak.state != "answered":
        said = f"{weak.indicator} is {weak.state} (scored as {rubric.scale.min} {rubric.level_label(rubric.scale.min)})"
    elif indicator.type == "level":
        said = f"{weak.indicator} is {_number(weak.answer)}" + (f" ({weak.label})" if weak.label else "")
    else:
        unit = f" {indicator.unit}" if indicator.unit else ""
        better = "lower" if indicator.direction == "lower" else "higher"
        return (f"{weak.indicator} is {_number(weak.answer)}{unit} (scoring {weak.score:.0f} of 100; {better} is "
                f"better); the target needs about {weak.target_answer:.3g}{unit}")
    if weak.next_level is None:
        return said
    return f'{said}; level {weak.next_level} ({rubric.level_label(weak.next_level)}) needs: "{weak.next_descriptor}"'


def explanation(rubric: Rubric, reasons: Sequence[Reason], weak: Sequence[WeakAnswer],
                dimension_targets: Mapping[str, float], card: Scorecard, expected: Gain,
                requires: Sequence[str], chain: Sequence[str], in_place: Sequence[str],
                lifted: Mapping[str, float]) -> str:
    """The whole trace of one item as a paragraph."""
    parts = ["Why: " + "; ".join(reason.text for reason in reasons) + "."]
    if weak:
        unnamed = sum(len(_lifted_in(rubric, card, dimension, lifted)) for dimension in dimension_targets) - len(weak)
        more = f"; and {unnamed} more answer{'s' if unnamed > 1 else ''} lifted less far" if unnamed else ""
        parts.append("Weakest answers: " + "; ".join(describe_answer(rubric, w) for w in weak) + more + ".")
    if dimension_targets:
        raised = ", ".join(f"{ident} from {card.dimensions[ident].score:.1f} to {target:g}"
                           for ident, target in dimension_targets.items())
        effect = f"Delivered alone, it would raise {raised}: readiness {_signed(expected.readiness)}"
        if expected.risk is not None:
            effect += f", risk {_signed(-expected.risk)}"
            if expected.amplification and expected.amplification > 0.05:
                effect += f" (of which {expected.amplification:.1f} points less amplification of barriers)"
        parts.append(effect + ".")
    else:
        parts.append("Its dimensions are already at or above its target, so re-scoring credits it with no gain.")
    direct = [ident for ident in requires if ident in chain]
    if direct:
        earlier = [ident for ident in chain if ident not in direct]
        parts.append("Needs first: " + ", ".join(direct)
                     + (f" (and, before those, {', '.join(earlier)})" if earlier else "") + ".")
    if in_place:
        parts.append(f"Taken as in place: {', '.join(in_place)} (its dimensions already reach its targets).")
    return " ".join(parts)


def _signed(points: float) -> str:
    return f"{points:+.1f} points" if abs(points) >= 0.05 else "unchanged"


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
