"""A blank YAML assessment for a rubric: every indicator, with its level descriptors as comments."""

from __future__ import annotations

import json

from .rubric import Rubric
from .schema import schema_file_name


def _quote(text: str | None) -> str:
    # A JSON string is a valid YAML double-quoted scalar: safe for any text a user passes in.
    return "null" if text is None else json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split())


def yaml_template(
    rubric: Rubric,
    *,
    agency: str | None = None,
    agency_id: str | None = None,
    round_: str | None = None,
) -> str:
    """The text of a blank assessment file for ``rubric``; answers are left empty (``null``)."""
    scale = rubric.scale
    levels = ", ".join(f"{level} {rubric.level_label(level)}" for level in scale.levels)
    lines = [
        f"# yaml-language-server: $schema={schema_file_name(rubric)}",
        f"# Self-assessment against {rubric.title} ({rubric.ref}).",
        "#",
        "# How to fill it in:",
        f"# - answer each indicator with a level {scale.min}-{scale.max} ({levels}),",
        "#   'na' when it does not apply to your agency, or 'unknown' when you don't know;",
        "# - number indicators take a number, e.g. services.online_share: 42.5;",
        "# - to record evidence, write the answer as a mapping:",
        "#     strategy.vision: {level: 3, evidence: \"Cabinet minute 14/2025\", evidence_level: documented}",
        "#   evidence_level is none (the default), documented or verified;",
        "# - check the file with: readiness validate FILE",
        f"# For editor completion, save `readiness rubric schema {rubric.ref} > {schema_file_name(rubric)}`",
        "# next to this file.",
        "",
        f"rubric: {rubric.ref}",
        "# The agency's full name; a short id (lowercase letters, digits, - or _, e.g. nplra) that stays",
        "# the same in every round; and the round, e.g. \"2026\".",
        f"agency: {_quote(agency)}",
        f"agency_id: {_quote(agency_id)}",
        f"round: {_quote(round_)}",
        "# Who answered. The role is free text, e.g. it_lead, senior, staff: several people of one agency",
        "# may each fill a file (same agency_id and round) and readiness merges them.",
        "respondent:",
        "  name: null",
        "  role: null",
        "answers:",
    ]
    for pillar in rubric.pillars:
        lines += ["", f"  # {'=' * 70}", f"  # {pillar.title} ({pillar.kind} pillar '{pillar.id}')",
                  f"  # {'=' * 70}"]
        for dimension in pillar.dimensions:
            lines += ["", f"  # --- {dimension.title} ({dimension.id}) ---"]
            for indicator in dimension.indicators:
                lines.append(f"  # {_comment(indicator.text)}")
                if indicator.type == "level":
                    for level, text in sorted((indicator.levels or {}).items()):
                        lines.append(f"  #   {level} {rubric.level_label(level)}: {_comment(text)}")
                else:
                    better = "higher" if indicator.direction == "higher" else "lower"
                    lines.append(f"  #   a number from {indicator.min:g} to {indicator.max:g}; {better} is healthier")
                lines.append(f"  {indicator.id}: null")
    return "\n".join(lines) + "\n"
