"""From a report's inputs to what its template shows: figures formatted, sections assembled, charts drawn.

Templates receive plain values and SVG charts (marked safe: drawn here, with their labels escaped);
everything an agency typed stays plain text for the template to escape.
"""

from __future__ import annotations

import unicodedata

from markupsafe import Markup

from ..rubric.model import Rubric
from ..scoring import CONFIDENT
from ..scoring.agreement import BROAD_DISAGREEMENT
from ..scoring.method import RISK_BANDS, STAGE_NAMES
from ..scoring.scorecard import Scorecard
from ..text import whole_range
from . import charts
from .model import ReportInput

#: How many dimensions the summary names as strengths and as weaknesses, and interventions first.
SUMMARY_COUNT = 3


def direction(text: str | None) -> str:
    """``rtl`` when the first letter of ``text`` is right-to-left (Urdu, Arabic, Persian), else ``ltr``."""
    for character in text or "":
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def build_context(report: ReportInput) -> dict:
    """The template's variables for one report."""
    card, rubric = report.card, report.rubric
    interval = card.interval or {}
    previous = report.previous
    dimensions = _dimension_rows(card, rubric, previous)
    assessed = [row for row in dimensions if row["score"] is not None]
    ranked = sorted(assessed, key=lambda row: (-row["score"], row["id"]))
    roadmap = report.roadmap
    return {
        "agency": card.agency,
        "agency_dir": direction(card.agency),
        "agency_id": card.agency_id,
        "round": card.round,
        "date": report.date,
        "generator": report.generator,
        "rubric": rubric,
        "card": card,
        "respondents": _respondents(card, report.redact_respondents),
        "redacted": report.redact_respondents,
        "headline": _headline(card, rubric, interval),
        "previous": _change(card, previous) if previous else None,
        "strengths": ranked[:SUMMARY_COUNT],
        "weaknesses": list(reversed(ranked[-SUMMARY_COUNT:])),
        "first_items": roadmap.items[:SUMMARY_COUNT] if roadmap else [],
        "roadmap": roadmap,
        "pillars": _pillars(card, rubric, dimensions, report),
        "barriers": [row for row in dimensions if row["kind"] == "barrier" and row["severity"] is not None],
        "evidence": [dict(vars(item), indicator_text=rubric.places[item.indicator].indicator.text,
                          dir=direction(item.text)) for item in report.evidence],
        "quality": _quality(card),
        "method": _method(card, rubric),
        "charts": _charts(card, rubric, dimensions, interval, previous, roadmap),
        "caveats": _caveats(card),
        "numbers": {item.id: number for number, item in enumerate(roadmap.items, start=1)} if roadmap else {},
        "titles": {item.id: item.title for item in roadmap.items} if roadmap else {},
        "direction": direction,
        "span": lambda values: whole_range(*values) if values else "",
        "confident": CONFIDENT,
        "broad": BROAD_DISAGREEMENT,
    }


def _caveats(card: Scorecard) -> list[str]:
    """What the reader must know before trusting the headline: figures the draws do not settle, broad disagreement."""
    found = []
    for what, value, share in (("the stage", f"{card.stage.level} {card.stage.name}", card.stage_confidence),
                               ("the risk band", card.risk_band, card.risk_band_confidence),
                               ("the quadrant", card.quadrant, card.quadrant_confidence)):
        if share is not None and share < CONFIDENT:
            found.append(f"{what} ({value}) holds in only {share:.1%} of the re-runs of the method: it is not settled")
    if card.agreement is not None and card.agreement.broad_disagreement:
        found.append(f"the {len(card.respondents)} respondents disagree broadly (Krippendorff's alpha "
                     f"{card.agreement.alpha:.2f}, below {BROAD_DISAGREEMENT}): the merged answers describe no "
                     f"shared view")
    return found


def _headline(card: Scorecard, rubric: Rubric, interval: dict) -> dict:
    limited = card.stage.limited_by
    return {
        "readiness": card.readiness, "readiness_range": interval.get("readiness"),
        "risk": card.risk, "risk_range": interval.get("risk"), "risk_band": card.risk_band,
        "amplification": card.amplification, "stage": card.stage,
        "limited_by": rubric.dimensions[limited].title if limited else None,
        "quadrant": card.quadrant, "stage_confidence": card.stage_confidence,
        "quadrant_confidence": card.quadrant_confidence,
    }


def _respondents(card: Scorecard, redact: bool) -> list[dict]:
    rows = []
    for respondent in card.respondents:
        name = None if redact else respondent.name
        rows.append({"name": name, "role": respondent.role, "source": respondent.source,
                     "sha256": respondent.sha256, "dir": direction(name or respondent.role)})
    return rows


def _change(card: Scorecard, previous: Scorecard) -> dict:
    def delta(now, then):
        # From the figures as printed, so that a reader's own subtraction gives the same change.
        return None if now is None or then is None else round(now, 1) - round(then, 1)

    return {"round": previous.round, "readiness": delta(card.readiness, previous.readiness),
            "risk": delta(card.risk, previous.risk), "stage_before": previous.stage, "stage_after": card.stage,
            "quadrant_before": previous.quadrant, "quadrant_after": card.quadrant}


def _dimension_rows(card: Scorecard, rubric: Rubric, previous: Scorecard | None) -> list[dict]:
    rows = []
    for pillar in rubric.pillars:
        for dimension in pillar.dimensions:
            scored = card.dimensions[dimension.id]
            before = previous.dimensions.get(dimension.id) if previous else None
            rows.append({
                "id": dimension.id, "title": dimension.title, "pillar": pillar.id, "kind": pillar.kind,
                "score": scored.score, "interval": scored.interval, "coverage": scored.coverage,
                "evidence": scored.evidence, "severity": scored.severity, "amplified": scored.amplified,
                "previous": before.score if before else None,
                "agreement": (card.agreement.dimensions.get(dimension.id) if card.agreement else None),
            })
    return rows


def _pillars(card: Scorecard, rubric: Rubric, dimensions: list[dict], report: ReportInput) -> list[dict]:
    divergent = {d.indicator: d for d in card.divergences}
    evidence_by_indicator: dict[str, list] = {}
    for item in report.evidence:
        evidence_by_indicator.setdefault(item.indicator, []).append(item)
    by_id = {row["id"]: row for row in dimensions}
    pillars = []
    for pillar in rubric.pillars:
        rows = []
        for dimension in pillar.dimensions:
            indicators = []
            for indicator in dimension.indicators:
                scored = card.indicators[indicator.id]
                answer = scored.answer
                descriptor = None
                if indicator.type == "level" and scored.state == "answered" and float(answer).is_integer():
                    descriptor = indicator.levels.get(int(answer))
                shown = answer if scored.state == "answered" else {"na": "not applicable", "unknown": "don't know",
                                                                     "missing": "no answer"}[scored.state]
                divergence = divergent.get(indicator.id)
                indicators.append({
                    "id": indicator.id, "text": indicator.text, "answer": shown, "state": scored.state,
                    "label": rubric.level_label(int(answer)) if descriptor else None, "descriptor": descriptor,
                    "unit": indicator.unit, "score": scored.score, "evidence_level": scored.evidence_level,
                    "evidence": evidence_by_indicator.get(indicator.id, []),
                    "divergence": [{"who": _who(a.respondent, a.role, report.redact_respondents), "answer": a.answer}
                                   for a in divergence.answers] if divergence else None,
                })
            rows.append({**by_id[dimension.id], "indicators": indicators})
        pillars.append({"id": pillar.id, "title": pillar.title, "kind": pillar.kind,
                        "score": card.pillars[pillar.id].score, "dimensions": rows,
                        "roles": {role: values.get(pillar.id) for role, values in card.roles.items()}
                        if len(card.roles) > 1 else {}})
    return pillars


def _who(label: str, role: str | None, redact: bool) -> str:
    return (role or "respondent") if redact else label


def _quality(card: Scorecard) -> dict:
    return {"coverage": card.coverage, "evidence": card.evidence, "counts": card.counts,
            "respondents": len(card.respondents),
            "alpha": card.agreement.alpha if card.agreement else None,
            "broad_disagreement": card.agreement.broad_disagreement if card.agreement else False}


def _method(card: Scorecard, rubric: Rubric) -> dict:
    thresholds = rubric.thresholds
    stages = [f"{STAGE_NAMES[1]} below {thresholds.stages[0]:g}"] + [
        f"{STAGE_NAMES[level + 2]} from {cut:g}" for level, cut in enumerate(thresholds.stages)]
    bands = [f"{RISK_BANDS[0]} below {thresholds.risk_bands[0]:g}"] + [
        f"{RISK_BANDS[index + 1]} from {cut:g}" for index, cut in enumerate(thresholds.risk_bands)]
    from ..scoring.uncertainty import ALPHA_RANGE, LEVEL_NOISE, PERCENTILES, WEIGHT_RANGE

    return {"stages": stages, "bands": bands, "thresholds": thresholds, "uncertainty": card.uncertainty,
            "weight_range": WEIGHT_RANGE, "alpha_range": ALPHA_RANGE, "level_noise": LEVEL_NOISE,
            "percentiles": PERCENTILES,
            "alphas": {d.id: rubric.alpha(d) for p in rubric.pillars if p.kind == "barrier" for d in p.dimensions}}


def _charts(card: Scorecard, rubric: Rubric, dimensions: list[dict], interval: dict, previous: Scorecard | None,
            roadmap) -> dict:
    cuts = rubric.thresholds.quadrant
    drawn = {
        "quadrant": charts.quadrant(card.readiness, card.risk, (cuts.readiness, cuts.risk),
                                    readiness_range=interval.get("readiness"), risk_range=interval.get("risk"),
                                    previous=(previous.readiness, previous.risk) if previous else None),
        "radar": charts.radar([(row["id"], row["score"], row["previous"]) for row in dimensions]),
        "barriers": charts.barriers([(row["title"], row["severity"], row["amplified"]) for row in dimensions
                                     if row["kind"] == "barrier" and row["severity"] is not None]),
        "timeline": charts.timeline([(str(number), item.phase, item.start, item.end)
                                     for number, item in enumerate(roadmap.items, start=1)])
        if roadmap and roadmap.items else None,
    }
    # Drawn here from escaped labels: safe to place in the page as they are.
    return {name: Markup(svg) if svg else None for name, svg in drawn.items()}
