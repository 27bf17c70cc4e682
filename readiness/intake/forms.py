"""Blank assessment forms for a rubric: a YAML file with every question as comments, or a workbook.

These are what a reform unit sends out (``readiness template``); what comes back is read by the
readers of this package.  The workbook form lives in :mod:`readiness.intake.workbook.write`.
"""

from __future__ import annotations

from pathlib import Path

from ..files import write_text
from ..rubric.model import Indicator, Rubric
from ..yamlio import yaml_string
from .schema import schema_file_name
from .yaml import rubric_sections


def _comment(text: str) -> str:
    return " ".join(text.split())


def yaml_form(rubric: Rubric, *, agency: str | None = None, agency_id: str | None = None,
              round_: str | None = None, respondent_name: str | None = None,
              respondent_role: str | None = None) -> str:
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
        f"agency: {yaml_string(agency)}",
        f"agency_id: {yaml_string(agency_id)}",
        f"round: {yaml_string(round_)}",
        "# Who answered. The role is free text, e.g. it_lead, senior, staff: several people of one agency",
        "# may each fill a file (same agency_id and round) and readiness merges them.",
        "respondent:",
        f"  name: {yaml_string(respondent_name)}",
        f"  role: {yaml_string(respondent_role)}",
        "answers:",
    ]

    def question(indicator: Indicator) -> list[str]:
        out = [f"  # {_comment(indicator.text)}"]
        if indicator.type == "level":
            for level, text in sorted((indicator.levels or {}).items()):
                out.append(f"  #   {level} {rubric.level_label(level)}: {_comment(text)}")
        else:
            better = "higher" if indicator.direction == "higher" else "lower"
            out.append(f"  #   a number from {indicator.min:g} to {indicator.max:g}; {better} is healthier")
        if not rubric.accepts_na(indicator.id):
            out.append("  #   (applies to every agency: 'na' is not an accepted answer)")
        return out + [f"  {indicator.id}: null"]

    return "\n".join(lines + rubric_sections(rubric, question)) + "\n"


def write_form(rubric: Rubric, path: Path, fmt: str, **cover) -> None:
    """Write a blank form (``yaml`` or ``xlsx``) to ``path``, atomically, the cover pre-filled where given."""
    if fmt == "xlsx":
        from .workbook.write import write_workbook

        write_workbook(rubric, path, **cover)
    else:
        write_text(path, yaml_form(rubric, **cover))
