"""Which agency-round a file is a return of, read cheaply: the light first pass of a streamed batch.

A batch is read one agency-round at a time (:class:`readiness.intake.batch.AssessmentStream`), so
the files must first be put into their agency-rounds without reading them whole.  For a YAML file
the two top-level lines ``agency_id:`` and ``round:`` are found by a scan of its lines; for a
workbook, its cover is read (as the reader reads it: defined names first).

The scan is deliberately timid: it answers only for a file written the plain way (each key once, at
the start of a line, with a one-line value), and ``None`` for anything else (several documents, a
flow mapping, a quoted key, a value continued on the next line, a value that is no valid id or
round).  A file it cannot place is read whole up front instead.  Whatever it answers is checked
against the full read later; a disagreement is handled there (see ``AssessmentStream``).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..yamlio import MAX_YAML_BYTES, resolve_plain
from .checks import key_from

_KEY_LINE = re.compile(r"(agency_id|round)[ \t]*:(?:[ \t]+(.*))?\Z")
#: What a plain one-line value may not start with (YAML indicators).
_INDICATORS = frozenset("[]{},#&*!|>'\"%@`?:-")


def agency_round(path: Path, *, workbooks: bool = True) -> tuple[str, str] | None:
    """The ``(agency_id, round)`` a file states, if it can be read cheaply and surely; else ``None``.

    A workbook's cover costs a quarter of reading the whole workbook (the file opened, its styles and
    cover parsed): worth it to plan a pool of processes, not in one process, which keeps a workbook
    read whole up front rather than open it twice (``workbooks=False``).
    """
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return yaml_agency_round(path)
    if suffix == ".xlsx" and workbooks:
        from .workbook.read import agency_round as workbook_agency_round

        return workbook_agency_round(path)
    return None


def yaml_agency_round(path: Path) -> tuple[str, str] | None:
    """``agency_id`` and ``round`` from a YAML file's top-level lines; ``None`` unless plainly written."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_YAML_BYTES + 1)
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if len(raw) > MAX_YAML_BYTES:
        return None
    lines = text.splitlines()
    found: dict[str, object] = {}
    for number, line in enumerate(lines):
        if not line or line[0] in " \t#":
            continue
        if line.startswith(("---", "...", "%")):
            return None  # a directive, or several documents: the parser decides
        match = _KEY_LINE.match(line.rstrip())
        if match is None:
            if line[0] in _INDICATORS:
                return None  # a flow mapping, a quoted key, an alias...: not the plain way
            continue
        name, value = match.group(1), _one_line_value(match.group(2) or "")
        if name in found or value is None or _continued(lines, number):
            return None
        found[name] = value
    return key_from(found) if len(found) == 2 else None


def _one_line_value(text: str):
    """A scalar written on one line, resolved as the YAML reader resolves it; ``None`` if not that simple."""
    text = text.strip()
    if not text:
        return None
    if text[0] == "'":
        inner = text[1:].split(" #")[0].rstrip()
        return inner[:-1] if inner.endswith("'") and "'" not in inner[:-1] else None
    if text[0] == '"':
        inner = text[1:].split(" #")[0].rstrip()
        return inner[:-1] if inner.endswith('"') and not {'"', "\\"} & set(inner[:-1]) else None
    if text[0] in _INDICATORS:
        return None
    plain = text.split(" #")[0].split("\t#")[0].rstrip()
    return None if ": " in plain else resolve_plain(plain)


def _continued(lines: list[str], number: int) -> bool:
    """Whether the value on line ``number`` may go on in the next line (an indented line follows)."""
    for line in lines[number + 1:]:
        if not line.strip():
            continue
        return line[0] in " \t" and not line.strip().startswith("#")
    return False
