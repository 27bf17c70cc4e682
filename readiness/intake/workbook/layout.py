"""The layout of a readiness self-assessment workbook: shared by the writer and the reader.

Sheets: *Guide* (how to fill in), *Cover* (agency, id, round, respondent as named cells),
*Assessment* (one row per indicator; the indicator id travels with its row in column A, so rows
may be re-sorted), and a hidden *_readiness* sheet recording the rubric's id, version and hash
and every indicator id, so a returned workbook is matched by id, not by position.
"""

from __future__ import annotations

from ...rubric.model import Rubric

GUIDE_SHEET = "Guide"
COVER_SHEET = "Cover"
ASSESSMENT_SHEET = "Assessment"
META_SHEET = "_readiness"

#: Cover fields: defined name, label, cell.  The reader finds cells by defined name first.
COVER_FIELDS = (
    ("agency", "Agency (full name)", "B4"),
    ("agency_id", "Agency id (short, lowercase, same every round, e.g. nplra)", "B5"),
    ("round", "Assessment round (e.g. 2026)", "B6"),
    ("respondent_name", "Your name", "B7"),
    ("respondent_role", "Your role (e.g. it_lead, senior, staff)", "B8"),
)

HEADER_ROW = 3
#: Assessment columns (1-based): the reader finds them by header text, these are the defaults.
COL_ID, COL_DIMENSION, COL_QUESTION = 1, 2, 3
COL_FIRST_LEVEL = 4  # one column per level descriptor
HEADERS_AFTER_LEVELS = ("Answer", "Evidence (document or reference)", "Evidence level")

NOT_APPLICABLE = "Not applicable"
DONT_KNOW = "Don't know"

#: Meta sheet keys (column A) and values (column B), then indicator ids from META_IDS_ROW down.
#: ``questions_sha256`` came later (row 5): a workbook without it is compared by ``rubric_sha256``.
META_KEYS = ("rubric_id", "rubric_version", "rubric_sha256", "generator", "questions_sha256")
META_IDS_ROW = 7


def level_choice(rubric: Rubric, level: int) -> str:
    """How a level appears in the drop-down, e.g. ``3 – Established``."""
    return f"{level} – {rubric.level_label(level)}"


def answer_columns(rubric: Rubric) -> dict[str, int]:
    """Column numbers of the answer, evidence and evidence-level cells for this rubric's scale."""
    first = COL_FIRST_LEVEL + len(rubric.scale.levels)
    return {"answer": first, "evidence": first + 1, "evidence_level": first + 2}


def header_titles(rubric: Rubric) -> list[str]:
    levels = [level_choice(rubric, level) for level in rubric.scale.levels]
    return ["Indicator id", "Dimension", "Question", *levels, *HEADERS_AFTER_LEVELS]
