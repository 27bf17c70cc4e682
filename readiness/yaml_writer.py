"""Write an :class:`Assessment` as a YAML assessment file (the format of DESIGN.md §3.2)."""

from __future__ import annotations

import json

from .assessment import Answer, Assessment
from .rubric import Rubric


def _quote(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, whatever characters the text holds.
    return json.dumps(text, ensure_ascii=False)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _answer(answer: Answer, key: str) -> str:
    value = answer.state if answer.state in ("na", "unknown") else _number(answer.value)
    if answer.evidence is None and answer.evidence_level == "none":
        return value
    parts = [f"{key}: {value}"]
    if answer.evidence is not None:
        parts.append(f"evidence: {_quote(answer.evidence)}")
    if answer.evidence_level != "none":
        parts.append(f"evidence_level: {answer.evidence_level}")
    return "{" + ", ".join(parts) + "}"


def assessment_yaml(assessment: Assessment, rubric: Rubric, *, comment: str | None = None) -> str:
    """The YAML text of ``assessment``; missing answers are left out (the file is then partial)."""
    lines = [f"# {line}" for line in (comment or "").splitlines()]
    lines += [
        f"rubric: {rubric.ref}",
        f"agency: {_quote(assessment.agency)}",
        f"agency_id: {_quote(assessment.agency_id)}",
        f"round: {_quote(assessment.round)}",
    ]
    respondent = assessment.respondent
    if respondent.name or respondent.role:
        fields = [f"{k}: {_quote(v)}" for k, v in (("name", respondent.name), ("role", respondent.role)) if v]
        lines.append("respondent: {" + ", ".join(fields) + "}")
    lines.append("answers:")
    for ident, place in rubric.places.items():
        answer = assessment.answers.get(ident)
        if answer is None or answer.state == "missing":
            continue
        key = "level" if place.indicator.type == "level" else "value"
        lines.append(f"  {ident}: {_answer(answer, key)}")
    return "\n".join(lines) + "\n"
