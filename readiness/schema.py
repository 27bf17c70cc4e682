"""JSON Schema (draft-07) of the assessment format for one rubric.

Editors that speak the yaml-language-server protocol (VS Code, many others) use it to complete
indicator ids and check answers while an assessment is typed.  ``readiness validate`` remains
the authority: it also checks completeness and what spans several files.
"""

from __future__ import annotations

import json

from .assessment import EVIDENCE_LEVELS
from .intake_yaml import AGENCY_ID, ROUND
from .rubric import Rubric

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
            value_key, value_ref = "level", "#/definitions/level"
        else:
            description = f"{indicator.text} (a number; range {indicator.min:g}–{indicator.max:g}, " \
                          f"{indicator.direction} is healthier)"
            value_key, value_ref = "value", "#/definitions/number"
        answers[ident] = {
            "description": description,
            "anyOf": [
                {"$ref": value_ref},
                {"$ref": "#/definitions/special"},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        value_key: {"anyOf": [{"$ref": value_ref}, {"$ref": "#/definitions/special"}]},
                        "evidence": {"type": "string", "maxLength": 4000},
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
        "required": ["rubric", "agency", "agency_id", "round", "answers"],
        "properties": {
            "rubric": {"const": rubric.ref, "description": "the rubric this assessment answers, id@version"},
            "agency": {"type": "string", "minLength": 1, "maxLength": 200},
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
                    "name": {"type": ["string", "null"], "maxLength": 200},
                    "role": {"type": ["string", "null"], "maxLength": 200,
                             "description": "free text, e.g. it_lead, senior, staff"},
                },
            },
            "answers": {"type": "object", "additionalProperties": False, "properties": answers},
        },
        "definitions": {
            "level": {"type": "integer", "minimum": scale.min, "maximum": scale.max},
            "number": {"type": "number"},
            "special": {"enum": ["na", "unknown"]},
            "evidence_level": {"enum": list(EVIDENCE_LEVELS)},
        },
    }


def schema_json(rubric: Rubric) -> str:
    """The schema as stable, pretty-printed JSON text (ends with a newline)."""
    return json.dumps(assessment_schema(rubric), indent=2, ensure_ascii=False) + "\n"
