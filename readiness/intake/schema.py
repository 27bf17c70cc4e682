"""JSON Schema (draft-07) of the assessment format for one rubric.

Editors that speak the yaml-language-server protocol (VS Code, many others) use it to complete
indicator ids and check answers while an assessment is typed.  ``readiness validate`` remains
the authority: it also checks completeness and what spans several files.

The committed schemas under docs/schema/ are regenerated with ``make schemas``
(``python -m readiness.intake.schema docs/schema``); a test checks that they are fresh.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..files import write_text
from ..rubric.catalog import Catalog
from ..rubric.model import Rubric
from .checks import AGENCY_ID, MAX_NAME, MAX_TEXT, REQUIRED_FIELDS, ROUND
from .model import EVIDENCE_LEVELS

SCHEMA_DRAFT = "http://json-schema.org/draft-07/schema#"


def schema_file_name(rubric: Rubric) -> str:
    """The conventional file name of a rubric's schema, e.g. ``egov-readiness-1.0.schema.json``."""
    return f"{rubric.id}-{rubric.version}.schema.json"


def assessment_schema(rubric: Rubric) -> dict:
    """The JSON Schema of an assessment file made for ``rubric``."""
    scale = rubric.scale
    labels = ", ".join(f"{level} {rubric.level_label(level)}" for level in scale.levels)
    answers = {}
    for ident, place in rubric.places.items():
        indicator = place.indicator
        if indicator.type == "level":
            descriptors = "\n".join(f"{level} {rubric.level_label(level)}: {text}"
                                    for level, text in sorted((indicator.levels or {}).items()))
            description = f"{indicator.text}\n{descriptors}"
            value_ref = "#/definitions/level"
        else:
            description = f"{indicator.text} (a number; range {indicator.min:g}–{indicator.max:g}, " \
                          f"{indicator.direction} is healthier)"
            value_ref = "#/definitions/number"
        special = "#/definitions/special" if rubric.accepts_na(ident) else "#/definitions/unknown"
        answers[ident] = {
            "description": description,
            "anyOf": [
                {"$ref": value_ref},
                {"$ref": special},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        indicator.answer_key: {"anyOf": [{"$ref": value_ref}, {"$ref": special}]},
                        "evidence": {"type": "string", "maxLength": MAX_TEXT},
                        "evidence_level": {"$ref": "#/definitions/evidence_level"},
                    },
                },
                {"type": "null"},
            ],
        }
    return {
        "$schema": SCHEMA_DRAFT,
        "$id": f"urn:readiness:assessment:{rubric.id}@{rubric.version}",
        "title": f"readiness assessment for rubric {rubric.ref}",
        "description": f"A self-assessment against '{rubric.title}' ({rubric.ref}). Levels: {labels}. "
                       f"'na' = not applicable, 'unknown' = don't know.",
        "type": "object",
        "additionalProperties": False,
        "required": list(REQUIRED_FIELDS),
        "properties": {
            "rubric": {"const": rubric.ref, "description": "the rubric this assessment answers, id@version"},
            "agency": {"type": "string", "minLength": 1, "maxLength": MAX_NAME},
            "agency_id": {"type": "string", "pattern": "^" + AGENCY_ID.pattern.replace("\\Z", "") + "$"},
            "round": {
                "anyOf": [{"type": "string", "pattern": "^" + ROUND.pattern.replace("\\Z", "") + "$"},
                          {"type": "integer"}],
                "description": "the assessment round, e.g. 2026",
            },
            "respondent": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "name": {"type": ["string", "null"], "maxLength": MAX_NAME},
                    "role": {"type": ["string", "null"], "maxLength": MAX_NAME,
                             "description": "free text, e.g. it_lead, senior, staff"},
                },
            },
            "answers": {"type": "object", "additionalProperties": False, "properties": answers},
        },
        "definitions": {
            "level": {"type": "integer", "minimum": scale.min, "maximum": scale.max},
            "number": {"type": "number"},
            "special": {"enum": ["na", "unknown"]},
            "unknown": {"enum": ["unknown"]},
            "evidence_level": {"enum": list(EVIDENCE_LEVELS)},
        },
    }


def schema_json(rubric: Rubric) -> str:
    """The schema as stable, pretty-printed JSON text (ends with a newline)."""
    return json.dumps(assessment_schema(rubric), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write the assessment schema of every shipped rubric into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for rubric in Catalog().rubrics:
        path = folder / schema_file_name(rubric)
        write_text(path, schema_json(rubric))
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a maintenance command (make schemas)
    for written_path in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schema")):
        print(f"wrote {written_path}")
