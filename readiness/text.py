"""Text helpers shared by every stage: hints, safe display of untrusted text, values in messages.

Agency names, respondent names and evidence are typed by people outside the project.  They reach
terminals, spreadsheets and (later) reports, so they are checked for control characters on the
way in, shown without escape sequences, and never written where a spreadsheet would run them.
"""

from __future__ import annotations

import difflib
import math
import unicodedata
from typing import Iterable

#: Zero-width (non-)joiners are formatting characters that Urdu, Persian and Indic text needs.
_JOINERS = "\u200c\u200d"
_INVISIBLE = ("Cc", "Cf", "Zl", "Zp")
#: Cells starting with these characters are formulas to a spreadsheet; agency text never is.  The
#: full-width forms and the minus sign count too: some spreadsheets read them as the ASCII ones.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\u2212")


def whole_range(low: float, high: float) -> str:
    """An interval in whole points, rounded outwards so that it contains every score inside it: ``29–38``."""
    # The small tolerance keeps 62.0000000001 from printing as 63.
    return f"{math.floor(low + 1e-9):.0f}–{math.ceil(high - 1e-9):.0f}"


def did_you_mean(word, candidates: Iterable) -> str:
    """``" (did you mean 'x'?)"`` for the closest of ``candidates``, or ``""`` if none is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def show(value) -> str:
    """A value as the user wrote it (``true``, not ``True``), short enough for a message."""
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


def control_character(text: str, allow: str = "") -> str | None:
    """The first control or invisible formatting character in ``text`` (as U+XXXX), if any.

    An escape sequence or a right-to-left override in an agency name would make a terminal,
    spreadsheet or PDF show something other than what the file says.
    """
    if text.isprintable():  # the common case: no Cc, Cf, Zl or Zp character at all
        return None
    for character in text:
        if character not in allow and character not in _JOINERS and unicodedata.category(character) in _INVISIBLE:
            return f"U+{ord(character):04X}"
    return None


def printable(text: str) -> str:
    """Untrusted text made safe for a terminal: no line breaks, escape sequences or bidi overrides."""
    text = "".join(" " if unicodedata.category(c) in _INVISIBLE else c for c in text)
    return " ".join(text.split())


def safe_cell(value):
    """Make untrusted text inert in a spreadsheet: prefix a would-be formula with an apostrophe."""
    if isinstance(value, str) and could_be_formula(value):
        return "'" + value
    return value


def could_be_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (its first character, spaces aside)."""
    return text.lstrip(" ").startswith(_FORMULA_START)
