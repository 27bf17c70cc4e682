"""YAML assessment files (DESIGN.md §3.2): reading one into an :class:`Assessment`, and writing one.

Reading parses the file (fast, positions recovered only when a problem needs them; see
:mod:`readiness.yamlio`) and runs the format-neutral checks of :mod:`readiness.intake.checks`.
Writing is the one YAML writer of the package: ``readiness import`` and the example generator
use it, and the blank form of ``readiness template`` shares its layout of sections.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Callable, Sequence

from ..errors import InvalidInput, Location, Problem
from ..rubric.model import Indicator, Rubric
from ..yamlio import YamlDocument, load_yaml_file, yaml_string
from .answers import answer_choices
from .checks import RubricChoice, check_assessment, gaps_of, key_of
from .model import Answer, Assessment
from .readers import ReadResult


def read(path: Path, rubrics: RubricChoice) -> ReadResult:
    """Read one YAML assessment file; every problem comes back located at its line and column."""
    source = str(path)
    try:
        doc = load_yaml_file(path, source=source)
        assessment, problems, rubric = check_assessment(doc, rubrics)
    except InvalidInput as exc:  # not YAML, or refused by the reference parser once positions were needed
        return ReadResult(source, problems=exc.problems)
    result = ReadResult(source, assessment, problems, rubric)
    if assessment is None and rubric is not None:  # a file with errors: its gaps are named with them
        result.gaps, result.key = gaps_of(doc, rubric), key_of(doc)
    if (assessment is not None and assessment.missing) or result.gaps:  # keep the document only where gaps
        result.missing_problems = partial(_missing_problems, doc, rubric)  # must be located
    result.field_locations = partial(_field_locations, path, source)
    return result


def _field_locations(path: Path, source: str) -> dict[tuple, Location]:
    """Where the cover fields are: the file is read again (rarely: only for a problem across files)."""
    try:
        doc = load_yaml_file(path, source=source)
    except (InvalidInput, OSError):
        return {}
    found = {field: doc.where(field) for field in (("agency",), ("agency_id",), ("round",), ("respondent",))}
    return found | {("answers",): doc.where(("answers",), key=True)}


def _missing_problems(doc: YamlDocument, rubric: Rubric, idents: Sequence[str]) -> list[Problem]:
    """One problem per unanswered indicator, pointing at its key, or at ``answers:`` if it is absent."""
    given = doc.data.get("answers") if isinstance(doc.data, dict) else None
    given = given if isinstance(given, dict) else {}

    def choices(ident: str) -> str:
        return answer_choices(rubric, rubric.places[ident].indicator, ranges=False, na="'na'", unknown="'unknown'")

    return [
        Problem(doc.where(("answers", ident), key=True), "missing-answer",
                f"{ident} has no answer; give {choices(ident)} (or use --partial)")
        if ident in given else
        Problem(doc.where(("answers",), key=True), "missing-answer",
                f"no answer for {ident}; add it, with {choices(ident)} (or use --partial)")
        for ident in idents
    ]


def rubric_sections(rubric: Rubric, indicator_lines: Callable[[Indicator], list[str]]) -> list[str]:
    """The ``answers:`` block laid out by pillar and dimension, each under a comment heading."""
    lines = []
    for pillar in rubric.pillars:
        lines += ["", f"  # {'=' * 70}", f"  # {pillar.title} ({pillar.kind} pillar '{pillar.id}')",
                  f"  # {'=' * 70}"]
        for dimension in pillar.dimensions:
            lines += ["", f"  # --- {dimension.title} ({dimension.id}) ---"]
            for indicator in dimension.indicators:
                lines += indicator_lines(indicator)
    return lines


def assessment_yaml(assessment: Assessment, rubric: Rubric, *, comment: str | None = None,
                    sections: bool = False) -> str:
    """The YAML text of ``assessment``, answers in rubric order; missing answers are left out.

    ``comment`` opens the file (one ``#`` line per line, then a blank line when ``sections`` is
    set); with ``sections``, answers stand under pillar and dimension headings, and each answer
    left out is named in a comment, so that a person reading the file sees what is missing.
    """
    lines = [f"# {line}" if line else "#" for line in (comment or "").splitlines()]
    if lines and sections:
        lines.append("")
    lines += [
        f"rubric: {rubric.ref}",
        f"agency: {yaml_string(assessment.agency)}",
        f"agency_id: {yaml_string(assessment.agency_id)}",
        f"round: {yaml_string(assessment.round)}",
    ]
    respondent = assessment.respondent
    if respondent.name or respondent.role:
        fields = [f"{k}: {yaml_string(v)}" for k, v in (("name", respondent.name), ("role", respondent.role)) if v]
        lines.append("respondent: {" + ", ".join(fields) + "}")
    lines.append("answers:")

    def answer_lines(indicator: Indicator) -> list[str]:
        answer = assessment.answers.get(indicator.id)
        if answer is None or answer.state == "missing":
            return [f"  # {indicator.id}: not answered"] if sections else []
        return [f"  {indicator.id}: {_answer(answer, indicator.answer_key)}"]

    if sections:
        lines += rubric_sections(rubric, answer_lines)
    else:
        for place in rubric.places.values():
            lines += answer_lines(place.indicator)
    return "\n".join(lines) + "\n"


def _answer(answer: Answer, key: str) -> str:
    value = answer.state if answer.state in ("na", "unknown") else _number(answer.value)
    if answer.evidence is None and answer.evidence_level == "none":
        return value
    parts = [f"{key}: {value}"]
    if answer.evidence is not None:
        parts.append(f"evidence: {yaml_string(answer.evidence)}")
    if answer.evidence_level != "none":
        parts.append(f"evidence_level: {answer.evidence_level}")
    return "{" + ", ".join(parts) + "}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
