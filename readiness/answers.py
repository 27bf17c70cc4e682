"""Checking one answer value against its indicator: the rules every reader (YAML, Excel) shares.

Each function returns ``(value, error, warning)``: the accepted value (or ``None``), and messages
that the reader attaches to the place the value came from.
"""

from __future__ import annotations

import math

from .rubric import Indicator, Rubric

SPECIAL_ANSWERS = {"na": "na", "n/a": "na", "unknown": "unknown"}
_LARGEST = 10**15  # beyond this an integer is no measurement (and no longer exact as a float)


def show(value) -> str:
    """A value as the user wrote it (``true``, not ``True``), for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    if isinstance(value, float):
        return f"{value:g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def level_expected(rubric: Rubric) -> str:
    return f"a level {rubric.scale.min}–{rubric.scale.max}, 'na' or 'unknown'"


def number_expected(indicator: Indicator) -> str:
    return f"a number (the rubric's range is {indicator.min:g}–{indicator.max:g}), 'na' or 'unknown'"


def check_level(raw, indicator: Indicator, rubric: Rubric) -> tuple[int | None, str | None]:
    """A level answer: a whole number within the scale."""
    valid = level_expected(rubric)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None, f"{show(raw)} is not a valid answer for {indicator.id}; expected {valid}"
    if isinstance(raw, float) and not raw.is_integer():
        return None, f"{raw:g} is a number, but {indicator.id} expects a whole level; expected {valid}"
    level = int(raw)
    if not rubric.scale.min <= level <= rubric.scale.max:
        return None, f"level {show(level)} is out of range for {indicator.id}; expected {valid}"
    return level, None


def check_number(raw, indicator: Indicator) -> tuple[float | None, str | None, str | None]:
    """A number answer: finite; outside the rubric's goalposts it is kept, with a warning."""
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) > _LARGEST:
        return None, f"{show(raw)} is too large for {indicator.id}; expected {number_expected(indicator)}", None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        return None, f"{show(raw)} is not a valid answer for {indicator.id}; expected {number_expected(indicator)}", None
    low, high = indicator.min, indicator.max
    warning = None
    if not low <= raw <= high:
        warning = f"{raw:g} is outside {low:g}–{high:g} for {indicator.id}; it scores as {low if raw < low else high:g}"
    return float(raw), None, warning
