"""One answer value against its indicator: the rules every format (YAML, workbook, survey) shares.

:func:`normalise_answer` turns what a person typed into the answer it means; the checks return
the accepted value (or ``None``) and ``(code, message)`` pairs that the caller attaches to the
place the value came from.
"""

from __future__ import annotations

import math
import re

from ..rubric.model import Indicator, Rubric
from ..text import show

#: What people type for "not applicable" and "don't know" (compared in lower case).
NA_WORDS = {"na", "n/a", "n.a.", "n.a", "not applicable", "not-applicable"}
UNKNOWN_WORDS = {"unknown", "don't know", "dont know", "do not know", "don’t know", "?"}
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)\s*%?\Z")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d{1,2}\s*%?\Z")  # 42,5 and 42,75 but not 1,000
_WHOLE = re.compile(r"[+-]?\d+\Z")
_LEVEL_WITH_LABEL = re.compile(r"(\d+)\s*[-–—:.)]\s*(\S.*)\Z")
_LARGEST = 10**15  # beyond this an integer is no measurement (and no longer exact as a float)


def answer_choices(rubric: Rubric, indicator: Indicator, *, ranges: bool = True,
                   na: str = "'na' (not applicable)", unknown: str = "'unknown' (don't know)") -> str:
    """The answers ``indicator`` accepts, in words for a message: ``a level 0–4, 'na' ... or 'unknown' ...``.

    "Not applicable" is named only where the rubric accepts it (``na: false`` says the question applies
    to every agency).  ``ranges=False`` leaves out the scale or the number's range; ``na`` and
    ``unknown`` are how the format names those answers (a workbook's drop-down says "Not applicable").
    """
    if indicator.type == "level":
        kind = f"a level {rubric.scale.min}–{rubric.scale.max}" if ranges else "a level"
    else:
        kind = f"a number (the rubric's range is {indicator.min:g}–{indicator.max:g})" if ranges else "a number"
    return f"{kind}, {na} or {unknown}" if rubric.accepts_na(indicator.id) else f"{kind} or {unknown}"


def normalise_answer(value, indicator: Indicator, rubric: Rubric):
    """What a person typed or picked, as the answer it means; the same rule for every format.

    For a level question, ``"3"``, ``" 3 "``, ``"3 – Established"`` and ``"Established"`` are
    level 3 (a number followed by any other text, such as ``"3 – Optimised"`` or ``"2-3"``, is not
    guessed at).  For a number question, ``"42.5"``, ``"42,5"`` and ``"42.5%"`` are 42.5.  For
    both, ``n/a`` and ``Not applicable`` are ``na`` and ``Don't know`` is ``unknown``.  Anything
    else is returned as it is, for the checks to explain.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, str):
        return value
    text = " ".join(value.split())
    lowered = text.lower()
    if not text:
        return None
    if len(text) > 40:
        return value  # no answer is that long; leave it for the checks to explain
    if lowered in NA_WORDS:
        return "na"
    if lowered in UNKNOWN_WORDS:
        return "unknown"
    if indicator.type == "number":
        if _DECIMAL_COMMA.match(text):
            text = text.replace(",", ".")
        if _NUMBER.match(text):
            number = float(text.rstrip("%").strip())
            return int(number) if number.is_integer() else number
        return value
    if _WHOLE.match(text):
        return int(text)
    labels = {label.lower(): level for level, label in rubric.scale.labels.items()}
    match = _LEVEL_WITH_LABEL.match(text)
    if match:
        level, label = int(match.group(1)), match.group(2).strip().lower()
        return level if labels.get(label) == level else value
    return labels.get(lowered, value)


Message = tuple[str, str]  # (problem code, message)


def check_level(raw, indicator: Indicator, rubric: Rubric) -> tuple[int | None, Message | None]:
    """A level answer: a whole number within the scale.  Returns the level, or ``None`` and an error."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None, ("invalid-answer", f"{show(raw)} is not a valid answer for {indicator.id}; expected "
                                        f"{answer_choices(rubric, indicator)}")
    if isinstance(raw, float) and not raw.is_integer():
        return None, ("not-a-whole-level", f"{raw:g} is a number, but {indicator.id} expects a whole level; "
                                           f"expected {answer_choices(rubric, indicator)}")
    level = int(raw)
    if not rubric.scale.min <= level <= rubric.scale.max:
        return None, ("level-out-of-range", f"level {show(level)} is out of range for {indicator.id}; "
                                            f"expected {answer_choices(rubric, indicator)}")
    return level, None


def check_number(raw, indicator: Indicator, rubric: Rubric) -> tuple[float | None, Message | None, Message | None]:
    """A number answer: finite; outside the rubric's goalposts it is kept, with a warning.

    Returns the number (or ``None``), an error and a warning.
    """
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) > _LARGEST:
        return None, ("number-too-large", f"{show(raw)} is too large for {indicator.id}; expected "
                                          f"{answer_choices(rubric, indicator)}"), None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        return None, ("invalid-answer", f"{show(raw)} is not a valid answer for {indicator.id}; "
                                        f"expected {answer_choices(rubric, indicator)}"), None
    low, high = indicator.min, indicator.max
    warning = None
    if not low <= raw <= high:
        warning = ("number-out-of-range", f"{raw:g} is outside {low:g}–{high:g} for {indicator.id}; it scores as "
                                          f"{low if raw < low else high:g}")
    return float(raw), None, warning
