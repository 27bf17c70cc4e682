"""Checks made on a workbook file before any XML in it is parsed.

An .xlsx file is a zip archive of XML parts.  Before openpyxl sees it, refuse what is not a
workbook, what carries macros, what is too large, and what would expand to far more than it
claims (a zip bomb).  The XML itself is then parsed by openpyxl through defusedxml, which refuses
entity expansion and external entities.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import InvalidInput, Location, Problem

MAX_XLSX_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # a filled assessment workbook is about 150 KB unpacked
MAX_ENTRIES = 1000
#: A generated workbook's XML compresses about 5–15×; past this ratio a part is not a spreadsheet.
MAX_COMPRESSION_RATIO = 200


def check_workbook_file(path: Path, source: str) -> None:
    """Raise :class:`InvalidInput` if ``path`` must not be opened as a workbook."""
    where = Location(source)

    def refuse(message: str) -> None:
        raise InvalidInput([Problem(where, message)])

    if path.suffix.lower() == ".xlsm":
        refuse("macro-enabled workbooks (.xlsm) are not accepted; save it as an Excel Workbook (.xlsx)")
    size = path.stat().st_size
    if size > MAX_XLSX_BYTES:
        refuse(f"file is {size:,} bytes; workbooks over {MAX_XLSX_BYTES:,} bytes are not accepted")
    if not zipfile.is_zipfile(path):
        refuse("not an Excel workbook (.xlsx is a zip archive); if it is an old .xls or a CSV file, "
               "open it and save it as an Excel Workbook (.xlsx)")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        refuse(f"not a readable Excel workbook: {exc}")
    if len(entries) > MAX_ENTRIES:
        refuse(f"workbook has {len(entries):,} parts; more than {MAX_ENTRIES:,} is not a plausible assessment")
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        refuse("not an Excel workbook: it has no xl/workbook.xml part; save it as an Excel Workbook (.xlsx)")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        refuse("workbook contains macros; save it as an Excel Workbook (.xlsx) without macros")
    if any(entry.flag_bits & 0x1 for entry in entries):
        refuse("workbook is encrypted or password-protected; save an unprotected copy")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        refuse(f"workbook would expand to {total:,} bytes; more than {MAX_UNCOMPRESSED_BYTES:,} is refused")
    for entry in entries:
        if entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1) and entry.file_size > 1_000_000:
            refuse(f"workbook part {entry.filename} expands {entry.file_size // max(entry.compress_size, 1):,}× "
                   f"its compressed size; refused as a possible zip bomb")
