"""Opening an untrusted workbook safely: checks before any XML is parsed, then a read-only open.

An .xlsx file is a zip archive of XML parts.  Before openpyxl sees it, refuse what is not a
workbook, what carries macros, what is too large, and what would expand to far more than it
claims (a zip bomb).  The XML itself is then parsed by openpyxl through defusedxml, which refuses
entity expansion and external entities.  Assessment workbooks and survey exports both open here.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, NamedTuple

from ...errors import InvalidInput, Location, Problem

MAX_XLSX_BYTES = 20 * 1024 * 1024
#: Excel's own limits: a cell beyond them was not written by a spreadsheet program.
EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COLUMN = 16_384
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # a filled assessment workbook is about 150 KB unpacked
MAX_ENTRIES = 1000
#: A generated workbook's XML compresses about 5–15×; past this ratio a part is not a spreadsheet.
MAX_COMPRESSION_RATIO = 200


def read_workbook_bytes(path: Path, source: str) -> bytes:
    """The bytes of a workbook file, read once, and only if it is not too large, nor a macro workbook."""
    where = Location(source)
    if path.suffix.lower() == ".xlsm":
        raise InvalidInput([Problem(where, "macros", "macro-enabled workbooks (.xlsm) are not accepted; save it as an "
                                                     "Excel Workbook (.xlsx)")])
    with open(path, "rb") as handle:
        raw = handle.read(MAX_XLSX_BYTES + 1)
    if len(raw) > MAX_XLSX_BYTES:
        size = path.stat().st_size
        raise InvalidInput([Problem(where, "file-too-large", f"file is {size:,} bytes; workbooks over "
                                                             f"{MAX_XLSX_BYTES:,} bytes are not accepted")])
    return raw


def check_workbook_bytes(raw: bytes, source: str) -> None:
    """Raise :class:`InvalidInput` if ``raw`` must not be opened as a workbook."""
    where = Location(source)

    def refuse(message: str, code: str = "not-a-workbook") -> None:
        raise InvalidInput([Problem(where, code, message)])

    if not zipfile.is_zipfile(io.BytesIO(raw)):
        refuse("not an Excel workbook (.xlsx is a zip archive); if it is an old .xls or a CSV file, "
               "open it and save it as an Excel Workbook (.xlsx)")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        refuse(f"not a readable Excel workbook: {exc}")
    if len(entries) > MAX_ENTRIES:
        refuse(f"workbook has {len(entries):,} parts; more than {MAX_ENTRIES:,} is not a plausible assessment",
               "zip-bomb")
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        refuse("not an Excel workbook: it has no xl/workbook.xml part; save it as an Excel Workbook (.xlsx)")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        refuse("workbook contains macros; save it as an Excel Workbook (.xlsx) without macros", "macros")
    if any(entry.flag_bits & 0x1 for entry in entries):
        refuse("workbook is encrypted or password-protected; save an unprotected copy", "encrypted")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        refuse(f"workbook would expand to {total:,} bytes; more than {MAX_UNCOMPRESSED_BYTES:,} is refused", "zip-bomb")
    for entry in entries:
        if entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1) and entry.file_size > 1_000_000:
            refuse(f"workbook part {entry.filename} expands {entry.file_size // max(entry.compress_size, 1):,}× "
                   f"its compressed size; refused as a possible zip bomb", "zip-bomb")


class OpenWorkbook(NamedTuple):
    """An open workbook, the sha256 of the very bytes it was read from, and when it was saved."""

    workbook: object  # openpyxl's Workbook (read-only)
    sha256: str
    saved: datetime | None  # docProps/core.xml's dcterms:modified (openpyxl: properties.modified), in UTC


def saved_time(raw: bytes) -> datetime | None:
    """When a workbook was last saved, as its document properties record it (``docProps/core.xml``,
    ``dcterms:modified``: what Excel, LibreOffice and openpyxl write on saving), in UTC; ``None`` if the
    workbook does not record it.  openpyxl's ``properties.modified`` is not used: it says *now* when the
    part is absent."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if "docProps/core.xml" not in archive.namelist():
                return None
            part = archive.read("docProps/core.xml")
        found = ElementTree.fromstring(part).find("{http://purl.org/dc/terms/}modified")
    except Exception:  # an unreadable part records nothing; the workbook itself is checked elsewhere
        return None
    text = (found.text or "").strip() if found is not None else ""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?", text)
    if not match:
        return None
    try:
        moment = datetime.fromisoformat(match.group(1) + (match.group(2) or "")[:7])
    except ValueError:
        return None
    zone = match.group(3)
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        moment -= sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return moment.replace(tzinfo=timezone.utc)


@contextmanager
def open_workbook(path: Path, source: str) -> Iterator[OpenWorkbook]:
    """Read ``path`` once, check its bytes (:func:`check_workbook_bytes`), open them read-only (formulas as
    text, no links), close the workbook after.

    Raises :class:`InvalidInput` for a file that must not or cannot be opened.  openpyxl parses
    sheets lazily, so a damaged part may fail only while its rows are read, in many ways: any such
    failure inside the ``with`` block is reported as a damaged workbook too.
    """
    raw = read_workbook_bytes(path, source)
    check_workbook_bytes(raw, source)
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency; this guards a broken install
        raise InvalidInput([Problem(Location(source), "damaged-workbook", "refusing to read workbooks: the "
                                    "defusedxml package is not installed (or OPENPYXL_DEFUSEDXML is False)")])
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InvalidInput([damaged(source, exc)]) from None
    try:
        yield OpenWorkbook(workbook, hashlib.sha256(raw).hexdigest(), saved_time(raw))
    except InvalidInput:
        raise
    except Exception as exc:
        raise InvalidInput([damaged(source, exc)]) from None
    finally:
        workbook.close()


def damaged(source: str, exc: Exception, where: Location | None = None) -> Problem:
    """A workbook that openpyxl cannot read, said in one line; at the cell being read when known."""
    detail = " ".join(str(exc).split())[:200] or type(exc).__name__
    if where is None or where.cell is None:
        what = "cannot be read as an Excel workbook"
    elif _is_xml_error(exc):
        what = "the sheet's data is cut off or damaged after this cell"
    else:
        what = "this cell's value cannot be read"
    return Problem(where or Location(source), "damaged-workbook",
                   f"{what} ({detail}); the workbook is damaged or was not made by a spreadsheet program: open it "
                   f"in Excel or LibreOffice and save it again")


def _is_xml_error(exc: Exception) -> bool:
    from xml.etree.ElementTree import ParseError

    return isinstance(exc, ParseError) or type(exc).__module__.startswith(("defusedxml", "lxml", "xml."))


def sheet_rows(sheet, source: str, *, cells: bool = False) -> Iterator[tuple[int, tuple]]:
    """``(row number, values)`` (or cells) for each row the sheet's XML holds, in the file's order.

    Rows the file leaves out are skipped, not filled: openpyxl's ``iter_rows`` yields an empty row
    for each missing one, so one cell at row 2,000,000,000 cost two billion rows (a hang); here it
    costs one.  A row or column past Excel's limits (row 1,048,576, column XFD) is refused as
    ``sheet-too-long`` at its cell, and a cell that cannot be read as ``damaged-workbook`` at that cell.
    Works on the read-only sheets of :func:`open_workbook`, through openpyxl's own sheet parser.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    workbook = sheet.parent
    with sheet._get_source() as xml:
        parser = WorkSheetParser(xml, sheet._shared_strings, data_only=workbook.data_only, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        rows = parser.parse()
        previous = 0
        while True:
            try:
                number, row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a value openpyxl cannot convert (a date "#REF!", a string index past the end)
                cell = (f"{get_column_letter(min(parser.col_counter, EXCEL_MAX_COLUMN))}{parser.row_counter}"
                        if 0 < parser.col_counter and 0 < parser.row_counter <= EXCEL_MAX_ROW else None)
                raise InvalidInput([damaged(source, exc, Location(source, sheet=sheet.title, cell=cell))]) from None
            if number <= previous:
                # A spreadsheet program writes each row once, in order; a second row 5 could say another agency_id
                # than the first (openpyxl's own reading skipped it without a word).
                raise InvalidInput([Problem(Location(source, sheet=sheet.title, cell=f"A{number}"), "damaged-workbook",
                                            f"row {number} of the {sheet.title} sheet comes after row {previous} "
                                            f"(rows repeated or out of order); the workbook was not saved by a "
                                            f"spreadsheet program: open it in Excel or LibreOffice and save it again")])
            previous = number
            # Any cell past column XFD is refused (the last one also sets the row's width: openpyxl's rule).
            last_column = max((cell["column"] for cell in row), default=1)
            if number > EXCEL_MAX_ROW or last_column > EXCEL_MAX_COLUMN:
                # The cell as the file names it (A2000000000), unless its column has no letters in Excel.
                at = f"{get_column_letter(last_column)}{number}" if last_column <= EXCEL_MAX_COLUMN else None
                raise InvalidInput([Problem(Location(source, sheet=sheet.title, cell=at), "sheet-too-long",
                                            f"the {sheet.title} sheet has a cell at row {number:,}, column "
                                            f"{last_column:,}: past Excel's last row (1,048,576) or column "
                                            f"(16,384, XFD); it was not saved by a spreadsheet program")])
            yield number, sheet._get_row(row, 1, None, values_only=not cells)
