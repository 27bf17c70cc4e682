"""Build the hostile corpus: every case of tests/corpus/expected.csv, from the examples and rubrics.

    .venv/bin/python tests/corpus/make_corpus.py            # rewrite the committed (small) cases
    .venv/bin/python tests/corpus/make_corpus.py OUT --all  # every case, the generated ones too, into OUT

The output is deterministic (fixed seeds; workbooks saved with a fixed time and re-zipped with fixed
entry dates), so that re-running the script changes nothing in git.  Cases in :data:`GENERATED` are
large (over 200 KB) or have names that do not belong in git (an ESC in a file name); tests/test_corpus.py
builds them into a temporary folder at test time, and they are never committed.
"""

from __future__ import annotations

import io
import random
import re
import sys
import zipfile
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

BASE_YAML = ROOT / "examples" / "2026" / "rmc.yaml"
MINI_RUBRIC = ROOT / "tests" / "fixtures" / "mini-rubric.yaml"
TINY_INTERVENTIONS = ROOT / "tests" / "fixtures" / "recommend" / "tiny-interventions.yaml"
#: Cases whose file name cannot be written in a list or in git: case name -> the file's real name, an ESC and
#: a line break in a survey export's name, as typed by someone (built at test time only).
RENAMED = {"survey/esc-name.csv": "survey/esc-\x1b[31mred\nname.csv"}

_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
_SAVED = b"2026-01-01T00:00:00Z"

#: Case name (its path under the corpus folder) -> a function writing it at a given path.
CASES: dict[str, Callable[[Path], None]] = {}
GENERATED: set[str] = set()


def case(name: str, *, generated: bool = False):
    def register(build: Callable[[Path], None]):
        CASES[name] = build
        if generated:
            GENERATED.add(name)
        return build
    return register


# ============================================================================================= helpers

def base_yaml() -> str:
    return BASE_YAML.read_text(encoding="utf-8")


def replace_once(text: str, old: str, new: str) -> str:
    if old not in text:
        raise ValueError(f"{old!r} not found")
    return text.replace(old, new, 1)


def yaml_string(text: str) -> str:
    from readiness.yamlio import yaml_string as quoted

    return quoted(text)


def text_case(name: str, make: Callable[[], str | bytes], *, generated: bool = False) -> None:
    def build(path: Path) -> None:
        content = make()
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    case(name, generated=generated)(build)


def egov_rubric():
    from readiness.rubric.catalog import Catalog

    return Catalog().find("egov-readiness@1.1")


def base_answers() -> tuple[dict, dict]:
    """rmc.yaml's data, and its answers as the workbook takes them (value, or (value, evidence, level))."""
    from readiness.yamlio import load_yaml_file

    data = load_yaml_file(BASE_YAML).data
    return data, {ident: (answer.get("level", answer.get("value")), answer.get("evidence"),
                          answer.get("evidence_level")) if isinstance(answer, dict) else answer
                  for ident, answer in data["answers"].items()}


def filled_workbook(**cover):
    """The assessment workbook of ``readiness template``, filled in with rmc.yaml's answers."""
    from readiness.intake.workbook.layout import COVER_FIELDS, COVER_SHEET
    from readiness.intake.workbook.write import build_workbook

    data, answers = base_answers()
    workbook = build_workbook(egov_rubric())
    values = {"agency": data["agency"], "agency_id": data["agency_id"], "round": data["round"],
              "respondent_name": data["respondent"]["name"], "respondent_role": data["respondent"]["role"]}
    values.update(cover)
    for name, _, cell in COVER_FIELDS:
        workbook[COVER_SHEET][cell] = values[name]
    sheet = workbook["Assessment"]
    header = [cell.value for cell in sheet[3]]
    columns = [header.index(title) + 1 for title in ("Answer", "Evidence (document or reference)", "Evidence level")]
    for row in sheet.iter_rows(min_row=4):
        if row[0].value in answers:
            value = answers[row[0].value]
            for column, part in zip(columns, value if isinstance(value, tuple) else (value, None, None)):
                sheet.cell(row=row[0].row, column=column).value = part
    return workbook


def answer_column(workbook) -> tuple[int, int]:
    """(column of the answers, row of the first indicator) of the Assessment sheet."""
    sheet = workbook["Assessment"]
    header = [cell.value for cell in sheet[3]]
    first = next(row[0].row for row in sheet.iter_rows(min_row=4) if row[0].value and "." in str(row[0].value))
    return header.index("Answer") + 1, first


def indicator_rows(workbook) -> dict[str, int]:
    return {row[0].value: row[0].row for row in workbook["Assessment"].iter_rows(min_row=4) if row[0].value}


def rezip(raw: bytes, change: Callable[[str, bytes], bytes | None] = lambda name, data: data,
          extra: dict[str, bytes] | None = None) -> bytes:
    """The zip ``raw`` with each part passed through ``change`` (None drops it) and ``extra`` parts added,
    every entry dated alike, so that the bytes depend on the content only."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        parts = [(info.filename, source.read(info.filename)) for info in source.infolist()]
        for name, data in parts + list((extra or {}).items()):
            data = change(name, data) if (name, data) in parts else data
            if data is None:
                continue
            entry = zipfile.ZipInfo(name, _ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    return out.getvalue()


def normalise_zip(raw: bytes) -> bytes:
    def fixed(name: str, data: bytes) -> bytes:
        if name == "docProps/core.xml":  # openpyxl records the time of saving
            data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + _SAVED, data)
        return data
    return rezip(raw, fixed)


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return normalise_zip(buffer.getvalue())


def set_encrypted_flag(raw: bytes) -> bytes:
    """Set the 'encrypted' bit of every entry, in its local header and in the central directory (zipfile
    never writes it itself without encrypting)."""
    data = bytearray(raw)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        offsets = [info.header_offset for info in archive.infolist()]
    for offset in offsets:
        data[offset + 6] |= 0x1
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        data[start + 8] |= 0x1
        start += 4
    return bytes(data)


def sheet_part(raw: bytes, title: str) -> str:
    """The zip part holding a sheet, found by its title through workbook.xml and its relationships."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    sheet = re.search(r'<sheet [^>]*name="%s"[^>]*/>' % re.escape(title), workbook).group(0)
    rid = re.search(r'r:id="([^"]+)"', sheet).group(1)
    relationship = re.search(r'<Relationship [^>]*Id="%s"[^>]*/>' % rid, rels).group(0)
    target = re.search(r'Target="([^"]+)"', relationship).group(1)
    return "xl/" + target.lstrip("/").removeprefix("xl/")


def replace_cell(raw: bytes, sheet: str, cell: str, xml: bytes) -> bytes:
    """Replace a cell's XML (``<c r="B4" ...>...</c>``) in a sheet."""
    part = sheet_part(raw, sheet)
    pattern = rb'<c r="%s"(?: [^>]*)?(?:/>|>.*?</c>)' % cell.encode()

    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        changed, count = re.subn(pattern, xml, data, count=1, flags=re.S)
        assert count == 1, (sheet, cell)
        return changed
    return rezip(raw, change)


def add_row_xml(raw: bytes, sheet: str, row_xml: str) -> bytes:
    """Append a raw ``<row>`` after the last row of a sheet."""
    part = sheet_part(raw, sheet)

    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        if b"</sheetData>" in data:
            return data.replace(b"</sheetData>", row_xml.encode() + b"</sheetData>")
        return data.replace(b"<sheetData/>", b"<sheetData>" + row_xml.encode() + b"</sheetData>")
    return rezip(raw, change)


def far_row(row: int) -> str:
    return f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>x</t></is></c></row>'


def with_shared_strings(raw: bytes, sst: bytes, sheet: str, cell: str) -> bytes:
    """Give the workbook a shared-strings part ``sst`` (readiness's writer uses inline strings) and make
    ``cell`` of ``sheet`` its first string."""
    raw = replace_cell(raw, sheet, cell, b'<c r="%s" t="s"><v>0</v></c>' % cell.encode())

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.'
                                b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                                b'Target="sharedStrings.xml"/></Relationships>')
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        return data
    return rezip(raw, change, extra={"xl/sharedStrings.xml": sst})


def workbook_case(name: str, *, generated: bool = False):
    """Register a function returning a workbook's bytes (or an openpyxl workbook, saved deterministically)."""
    def register(make):
        def build(path: Path) -> None:
            made = make()
            path.write_bytes(made if isinstance(made, bytes) else workbook_bytes(made))
        case(name, generated=generated)(build)
        return make
    return register


def survey_header() -> list[str]:
    return ["Agency", "Agency id", "Name", "Role", "Evidence", *egov_rubric().places]


def survey_row(agency="Riverside Metropolitan Corporation", agency_id="RMC", name="S. Chaudhry", role="it_lead",
               evidence="Annual report 2025", **answers) -> list:
    _, base = base_answers()
    values = {ident: (value[0] if isinstance(value, tuple) else value) for ident, value in base.items()}
    values.update(answers)
    return [agency, agency_id, name, role, evidence, *(values.get(ident) for ident in egov_rubric().places)]


def csv_text(rows: list[list], delimiter: str = ",") -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(survey_header())
    writer.writerows([["" if value is None else value for value in row] for row in rows])
    return buffer.getvalue()


def table_workbook(title: str, header: list, rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return workbook_bytes(workbook)


def survey_workbook(rows: list[list]) -> bytes:
    return table_workbook("Responses", survey_header(), rows)


ROSTER_COLUMNS = ["agency_id", "agency", "respondent", "role", "email"]
ROSTER_HEADER = ",".join(ROSTER_COLUMNS) + "\n"
ROSTER_ROW = "rmc,Riverside Metropolitan Corporation,S. Chaudhry,it_lead,s.chaudhry@example.org\n"


def garbage(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def alias_bomb(top: str = "") -> str:
    """Billion laughs: nine levels of nine aliases each, 9**9 strings once expanded."""
    lines = [top, 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]" for level in range(1, 10)]
    return "\n".join(lines) + "\n"


#: Billion laughs as XML entities (10 levels of 10), for shared strings and sheets.
ENTITY_BOMB = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [\n<!ENTITY lol0 "lol">\n'
               + b"".join(b'<!ENTITY lol%d "%s">\n' % (level, b"&lol%d;" % (level - 1) * 10) for level in range(1, 10))
               + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                 b'uniqueCount="1"><si><t>&lol9;</t></si></sst>')

# Markup, URLs and formulas, put into every free-text field.
SCRIPT = '<script>alert("x")</script>'
TEMPLATE = "{{ 7*7 }} {{ config.__class__ }}"
STATEMENT = "{% include '/etc/passwd' %}{% for x in range(10**9) %}x{% endfor %}"
FILE_URL = '<img src="file:///etc/passwd"> ![x](file:///etc/passwd)'
HTTP_IMG = '![tracker](http://attacker.example/pixel.png) <img src="http://attacker.example/p.png">'
FORMULAS = ["=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\uff1d1+1",
            "-2+3+cmd|' /C calc'!A0", "\u22122+3", "x;=cmd|' /C calc'!A0;"]


def free_text_yaml(agency: str, name: str, role: str, evidence: str) -> str:
    text = replace_once(base_yaml(), 'agency: "Riverside Metropolitan Corporation"', f"agency: {yaml_string(agency)}")
    text = replace_once(text, 'respondent: {name: "S. Chaudhry", role: "it_lead"}',
                        f"respondent: {{name: {yaml_string(name)}, role: {yaml_string(role)}}}")
    return replace_once(text, '"Terms of reference of the digital lead, 2025"', yaml_string(evidence))


# ==================================================================================== YAML assessments

text_case("assessment/valid.yaml", base_yaml)
text_case("assessment/alias-bomb.yaml", lambda: alias_bomb(base_yaml()))
text_case("assessment/alias-in-answers.yaml",
          lambda: replace_once(replace_once(base_yaml(), "strategy.vision: 2", "strategy.vision: &two 2"),
                               "strategy.alignment: 3", "strategy.alignment: *two"))
text_case("assessment/deep-block.yaml",
          lambda: base_yaml() + "extra:\n" + "".join("  " * depth + f"k{depth}:\n" for depth in range(1, 300)))
text_case("assessment/deep-flow.yaml", lambda: base_yaml() + "extra: " + "[" * 5000 + "]" * 5000 + "\n")
text_case("assessment/deep-flow-map.yaml", lambda: base_yaml() + "extra: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n")
# The reproduction: ~1.9 MB of flow lists, each nested past the limit (7.7 minutes and 653 MB before).
text_case("assessment/deep-flow-1.9mb.yaml",
          lambda: base_yaml() + "extra:\n" + ("  - " + "[" * 45 + "]" * 45 + "\n") * 20_000, generated=True)
text_case("assessment/many-problems.yaml",
          lambda: base_yaml() + "".join(f"junk{index}: [" + "[" * 42 + "]" * 42 + "]\n" for index in range(2400)),
          generated=True)
# Too many values: a 1.9 MB flat list (about 950,000 nodes) under the 2 MB cap.
text_case("assessment/many-values.yaml", lambda: base_yaml() + "extra: [" + "1," * 950_000 + "1]\n", generated=True)
text_case("assessment/too-large.yaml", lambda: base_yaml() + "# " + "x" * (2 * 1024 * 1024) + "\n", generated=True)
text_case("assessment/binary-garbage.yaml", lambda: garbage(4096, 1))
text_case("assessment/nul-bytes.yaml", lambda: b"\x00" * 1024)
text_case("assessment/utf16-bom.yaml", lambda: base_yaml().encode("utf-16"))
text_case("assessment/utf16le-nobom.yaml", lambda: base_yaml().encode("utf-16-le"))
text_case("assessment/latin1.yaml",
          lambda: replace_once(base_yaml(), "Riverside Metropolitan Corporation", "Société Générale").encode("latin-1"))
text_case("assessment/utf8-bom.yaml", lambda: "\ufeff" + base_yaml())
text_case("assessment/empty.yaml", lambda: "")
text_case("assessment/only-comments.yaml", lambda: "# nothing but a comment\n\n")
text_case("assessment/a-list.yaml", lambda: "- rubric: egov-readiness@1.1\n- agency: x\n")
text_case("assessment/duplicate-keys.yaml",
          lambda: replace_once(base_yaml(), "  strategy.alignment: 3\n", "  strategy.alignment: 3\n  strategy.vision: 4\n")
          + 'agency: "Another Agency"\n')
text_case("assessment/python-tag.yaml",
          lambda: replace_once(base_yaml(), 'agency: "Riverside Metropolitan Corporation"',
                               'agency: !!python/object/apply:os.system ["echo pwned"]'))
text_case("assessment/python-name-tag.yaml",
          lambda: replace_once(base_yaml(), "strategy.vision: 2", "strategy.vision: !!python/name:os.system"))
text_case("assessment/yaml-2-directive.yaml", lambda: "%YAML 2.0\n---\n" + base_yaml())
# Found by tests/test_fuzz.py: a %YAML directive for an unknown version after content (ruamel.yaml: KeyError).
text_case("assessment/yaml-2-directive-after-content.yaml",
          lambda: replace_once(base_yaml(), "  # --- Strategy and political commitment (strategy) ---\n",
                               "%YAML 2.0\n  # --- Strategy and political commitment (strategy) ---\n"))
text_case("assessment/yaml-1.3-directive-after-quoted.yaml",  # found in review: ruamel raised AssertionError here
          lambda: replace_once(base_yaml(), "answers:\n", 'answers:\n%YAML 1.3\n'))
text_case("assessment/complex-key.yaml",
          lambda: replace_once(base_yaml(), "  strategy.vision: 2\n", "  ? [strategy.vision]\n  : 2\n"))
text_case("assessment/markup-html.yaml",
          lambda: free_text_yaml(SCRIPT, f"<b onmouseover=alert(1)>{SCRIPT}</b>", "<iframe src=x>", SCRIPT))
text_case("assessment/markup-template.yaml", lambda: free_text_yaml(TEMPLATE, STATEMENT, "{{ self }}", STATEMENT))
text_case("assessment/urls.yaml",
          lambda: free_text_yaml("file:///etc/passwd", HTTP_IMG, "http://attacker.example/", FILE_URL))
text_case("assessment/formulas.yaml", lambda: free_text_yaml(*FORMULAS[:4]))
text_case("assessment/formulas-2.yaml", lambda: free_text_yaml(*FORMULAS[3:7]))
text_case("assessment/control-in-agency.yaml",
          lambda: replace_once(base_yaml(), '"Riverside Metropolitan Corporation"', '"Riverside\\e[2J\\u202eTXET"'))
text_case("assessment/control-in-evidence.yaml",
          lambda: replace_once(base_yaml(), '"Terms of reference of the digital lead, 2025"', '"ToR\\u0007\\u0008"'))
text_case("assessment/raw-control-char.yaml",
          lambda: replace_once(base_yaml(), "Riverside Metropolitan", "Riverside\x1b[31mMetropolitan"))
for _label, _value in (("nan", ".nan"), ("inf", ".inf"), ("neg-inf", "-.inf"), ("1e308", "1e308"),
                       ("1e309", "1e309"), ("neg-zero", "-0"), ("neg-zero-float", "-0.0")):
    text_case(f"assessment/number-{_label}.yaml",
              lambda v=_value: replace_once(base_yaml(), "skills.trained_share: 18", f"skills.trained_share: {v}"))
    text_case(f"assessment/level-{_label}.yaml",
              lambda v=_value: replace_once(base_yaml(), "strategy.vision: 2", f"strategy.vision: {v}"))
text_case("assessment/evidence-level-nan.yaml",
          lambda: replace_once(base_yaml(), "evidence_level: documented}", "evidence_level: .nan}"))
for _label, _value in (("slash", "rmc/../../etc"), ("dotdot", ".."), ("semicolon", "rmc;rm -rf"),
                       ("esc", "rmc\\e[31m"), ("newline", "rmc\\nx"), ("nul", "rmc\\0")):
    text_case(f"assessment/agency-id-{_label}.yaml",
              lambda v=_value: replace_once(base_yaml(), 'agency_id: "rmc"', f'agency_id: "{v}"'))
    text_case(f"assessment/round-{_label}.yaml",
              lambda v=_value: replace_once(base_yaml(), 'round: "2026"', f'round: "{v}"'))
text_case("assessment/indicator-id-separators.yaml",
          lambda: replace_once(base_yaml(), "  strategy.vision: 2\n", "  strategy.vision: 2\n  ../strategy;x/y: 2\n"))
text_case("assessment/rubric-path.yaml",
          lambda: replace_once(base_yaml(), "rubric: egov-readiness@1.1", "rubric: /etc/passwd"))
text_case("assessment/rubric-relative-path.yaml",
          lambda: replace_once(base_yaml(), "rubric: egov-readiness@1.1", "rubric: ../../rubrics/un-egdi.yaml"))
text_case("assessment/huge-integer.yaml",
          lambda: replace_once(base_yaml(), "skills.trained_share: 18", "skills.trained_share: " + "9" * 5000))
text_case("assessment/long-text.yaml",
          lambda: replace_once(base_yaml(), '"Riverside Metropolitan Corporation"', '"' + "A" * 100_000 + '"'))


# =========================================================================================== workbooks

@workbook_case("workbook/valid.xlsx")
def _valid():
    return filled_workbook()


@workbook_case("workbook/zip-bomb.xlsx")
def _zip_bomb():
    return rezip(workbook_bytes(filled_workbook()), extra={"xl/media/bomb.bin": b"\0" * (60 * 1024 * 1024)})


@workbook_case("workbook/zip-bomb-part.xlsx")
def _zip_bomb_part():
    raw = workbook_bytes(filled_workbook())
    part = sheet_part(raw, "Assessment")
    pad = b"<!--" + b" " * (20 * 1024 * 1024) + b"-->"
    return rezip(raw, lambda name, data: pad + data if name == part else data)


@workbook_case("workbook/many-parts.xlsx")
def _many_parts():
    return rezip(workbook_bytes(filled_workbook()), extra={f"xl/media/p{index}.bin": b"" for index in range(1200)})


@workbook_case("workbook/entity-bomb.xlsx")
def _entity_bomb():
    return with_shared_strings(workbook_bytes(filled_workbook()), ENTITY_BOMB, "Cover", "B4")


@workbook_case("workbook/entity-bomb-in-sheet.xlsx")
def _entity_bomb_sheet():
    raw = workbook_bytes(filled_workbook())
    part = sheet_part(raw, "Cover")
    doctype = ENTITY_BOMB.split(b"<sst")[0].replace(b"DOCTYPE sst", b"DOCTYPE worksheet")
    return rezip(raw, lambda name, data: doctype + data.replace(b"Riverside Metropolitan Corporation", b"&lol9;")
                 if name == part else data)


@workbook_case("workbook/external-entity.xlsx")
def _external_entity():
    xxe = (b'<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>')
    return with_shared_strings(workbook_bytes(filled_workbook()), xxe, "Cover", "B4")


@workbook_case("workbook/macro.xlsm")
def _macro_xlsm():
    return workbook_bytes(filled_workbook())


@workbook_case("workbook/vba-project.xlsx")
def _vba():
    return rezip(workbook_bytes(filled_workbook()),
                 extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504})


@workbook_case("workbook/encrypted-flag.xlsx")
def _encrypted():
    return set_encrypted_flag(workbook_bytes(filled_workbook()))


@workbook_case("workbook/renamed-csv.xlsx")
def _renamed_csv():
    return b"agency,agency_id,round\nRiverside,rmc,2026\n"


@workbook_case("workbook/renamed-pdf.xlsx")
def _renamed_pdf():
    return (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] "
            b"/Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


@workbook_case("workbook/binary-garbage.xlsx")
def _garbage():
    return garbage(8192, 2)


@workbook_case("workbook/truncated.xlsx")
def _truncated():
    raw = workbook_bytes(filled_workbook())
    return raw[: len(raw) // 2]


@workbook_case("workbook/zip-without-workbook.xlsx")
def _zip_without_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("hello.txt", _ZIP_TIME), "hello")
    return out.getvalue()


@workbook_case("workbook/rows-100k.xlsx", generated=True)
def _rows_100k():
    workbook = filled_workbook()
    sheet = workbook["Assessment"]
    start = sheet.max_row + 1
    for row in range(start, start + 100_000):
        sheet.cell(row=row, column=1, value=f"x{row}")
    return workbook


@workbook_case("workbook/row-past-limit.xlsx")
def _row_past_limit():
    workbook = filled_workbook()
    sheet = workbook["Assessment"]
    sheet.cell(row=sheet.max_row + 1000, column=3, value="a note far below")
    return workbook


@workbook_case("workbook/merged-answer.xlsx")
def _merged():
    from openpyxl.utils import get_column_letter

    workbook = filled_workbook()
    column, first = answer_column(workbook)
    letter = get_column_letter(column)
    workbook["Assessment"].merge_cells(f"{letter}{first}:{letter}{first + 5}")
    return workbook


@workbook_case("workbook/formula-answer.xlsx")
def _formula_answer():
    workbook = filled_workbook()
    column, first = answer_column(workbook)
    sheet = workbook["Assessment"]
    sheet.cell(row=first, column=column).value = "=1+2"
    sheet.cell(row=first + 1, column=column).value = "=cmd|' /C calc'!A0"
    sheet.cell(row=first + 2, column=column).value = '=HYPERLINK("http://attacker.example/",3)'
    return workbook


@workbook_case("workbook/formula-in-cover.xlsx")
def _formula_cover():
    return filled_workbook(agency="=cmd|' /C calc'!A0", respondent_name='=WEBSERVICE("http://attacker.example/")',
                           respondent_role="+1+1")


@workbook_case("workbook/hidden-assessment.xlsx")
def _hidden():
    workbook = filled_workbook()
    workbook["Assessment"].sheet_state = "hidden"
    return workbook


@workbook_case("workbook/very-hidden-assessment.xlsx")
def _very_hidden():
    workbook = filled_workbook()
    workbook["Assessment"].sheet_state = "veryHidden"
    return workbook


@workbook_case("workbook/moved-columns.xlsx")
def _moved_columns():
    workbook = filled_workbook()
    sheet = workbook["Assessment"]
    sheet.insert_cols(2, 2)  # two columns inserted after the id: every column after it moves
    sheet.cell(row=3, column=2, value="My notes")
    return workbook


@workbook_case("workbook/answer-evidence-swapped.xlsx")
def _swapped_columns():
    workbook = filled_workbook()
    sheet = workbook["Assessment"]
    header = [cell.value for cell in sheet[3]]
    answer, evidence = header.index("Answer"), header.index("Evidence (document or reference)")
    for row in sheet.iter_rows(min_row=3):
        row[answer].value, row[evidence].value = row[evidence].value, row[answer].value
    return workbook


@workbook_case("workbook/id-moved.xlsx")
def _id_moved():
    workbook = filled_workbook()
    sheet = workbook["Assessment"]
    _, first = answer_column(workbook)
    a, b = sheet.cell(row=first, column=1), sheet.cell(row=first + 1, column=1)
    a.value, b.value = b.value, a.value
    return workbook


@workbook_case("workbook/no-meta-sheet.xlsx")
def _no_meta():
    workbook = filled_workbook()
    del workbook["_readiness"]
    return workbook


@workbook_case("workbook/no-header.xlsx")
def _no_header():
    workbook = filled_workbook()
    for cell in workbook["Assessment"][3]:
        cell.value = None
    return workbook


@workbook_case("workbook/markup-in-text.xlsx")
def _markup():
    workbook = filled_workbook(agency=SCRIPT, respondent_name=TEMPLATE, respondent_role=STATEMENT)
    column, first = answer_column(workbook)
    workbook["Assessment"].cell(row=first, column=column + 1).value = FILE_URL + " " + HTTP_IMG
    return workbook


@workbook_case("workbook/formulas-in-evidence.xlsx")
def _formula_evidence():
    workbook = filled_workbook(agency="\uff1d1+1", respondent_name="@SUM(1)", respondent_role="-2+3")
    column, first = answer_column(workbook)
    for offset, formula in enumerate(FORMULAS):
        workbook["Assessment"].cell(row=first + offset, column=column + 1).value = formula
    return workbook


@workbook_case("workbook/numbers-nan-inf.xlsx")
def _nan_inf():
    workbook = filled_workbook()
    column, _ = answer_column(workbook)
    rows, sheet = indicator_rows(workbook), workbook["Assessment"]
    sheet.cell(row=rows["services.online_share"], column=column).value = "nan"
    sheet.cell(row=rows["skills.trained_share"], column=column).value = "inf"
    sheet.cell(row=rows["outcomes.digital_take_up"], column=column).value = 1e308
    sheet.cell(row=rows["strategy.vision"], column=column).value = -0.0
    return workbook


@workbook_case("workbook/nan-in-xml.xlsx")
def _nan_xml():
    from openpyxl.utils import get_column_letter

    workbook = filled_workbook()
    column, _ = answer_column(workbook)
    rows = indicator_rows(workbook)
    raw = workbook_bytes(workbook)
    for ident, text in (("skills.trained_share", b"NaN"), ("outcomes.digital_take_up", b"INF")):
        cell = f"{get_column_letter(column)}{rows[ident]}"
        raw = replace_cell(raw, "Assessment", cell, b'<c r="%s" t="n"><v>%s</v></c>' % (cell.encode(), text))
    return raw


@workbook_case("workbook/agency-id-separators.xlsx")
def _agency_id():
    return filled_workbook(agency_id="../../etc;rm", round="2026/../x")


@workbook_case("workbook/control-in-cover.xlsx")
def _control_cover():
    return filled_workbook(agency="Riverside\u202eTXET", respondent_name="S.\u200bChaudhry")


@workbook_case("workbook/raw-control-in-xml.xlsx")
def _raw_control():
    # openpyxl refuses to write control characters; a doctored file carries one (not allowed in XML 1.0).
    raw = workbook_bytes(filled_workbook(agency="RiversideCTRLHERE"))
    return rezip(raw, lambda name, data: data.replace(b"CTRLHERE", b"\x1b[31m"))


@workbook_case("workbook/far-row-defined-name.xlsx")
def _far_defined_name():
    from openpyxl.workbook.defined_name import DefinedName

    workbook = filled_workbook()
    if "agency" in workbook.defined_names:
        del workbook.defined_names["agency"]
    workbook.defined_names["agency"] = DefinedName("agency", attr_text="Cover!$B$2000000000")
    return workbook


@workbook_case("workbook/far-row-cell.xlsx")
def _far_cell():
    return add_row_xml(workbook_bytes(filled_workbook()), "Assessment", far_row(2_000_000_000))


@workbook_case("workbook/row-given-twice.xlsx")
def _row_twice():
    # Found in review: a second row 5 on the Cover, naming another agency id, was read in place of the first.
    return add_row_xml(workbook_bytes(filled_workbook()), "Cover",
                       '<row r="5"><c r="B5" t="inlineStr"><is><t>fake</t></is></c></row>')


@workbook_case("workbook/far-column-mid-row.xlsx")
def _far_column():
    # Found in review: a cell past column XFD was dropped without a word unless it was its row's last.
    return add_row_xml(workbook_bytes(filled_workbook()), "Assessment",
                       '<row r="300"><c r="XFE300" t="inlineStr"><is><t>x</t></is></c>'
                       '<c r="A300" t="inlineStr"><is><t>x</t></is></c></row>')


@workbook_case("workbook/far-row-cover.xlsx")
def _far_cover():
    return add_row_xml(workbook_bytes(filled_workbook()), "Cover", far_row(1_048_577))


@workbook_case("workbook/bad-datetime.xlsx")
def _bad_datetime():
    return replace_cell(workbook_bytes(filled_workbook()), "Cover", "B6", b'<c r="B6" t="d"><v>#REF!</v></c>')


@workbook_case("workbook/bad-xml-sheet.xlsx")
def _bad_xml():
    raw = workbook_bytes(filled_workbook())
    part = sheet_part(raw, "Assessment")
    return rezip(raw, lambda name, data: data[: len(data) // 2] if name == part else data)


# ============================================================================================= rubrics

def mini() -> str:
    return MINI_RUBRIC.read_text(encoding="utf-8")


text_case("rubric/valid.yaml", mini)
text_case("rubric/alias-bomb.yaml", lambda: alias_bomb(mini()))
text_case("rubric/deep-flow.yaml", lambda: mini() + "extra: " + "[" * 5000 + "]" * 5000 + "\n")
text_case("rubric/deep-block.yaml",
          lambda: mini() + "extra:\n" + "".join("  " * depth + f"k{depth}:\n" for depth in range(1, 300)))
text_case("rubric/binary-garbage.yaml", lambda: garbage(4096, 3))
text_case("rubric/utf16-bom.yaml", lambda: mini().encode("utf-16"))
text_case("rubric/latin1.yaml", lambda: replace_once(mini(), "Mini rubric", "Rubrique générale").encode("latin-1"))
text_case("rubric/duplicate-keys.yaml",
          lambda: replace_once(mini(), "amplification: 0.5\n", "amplification: 0.5\namplification: 0.9\n"))
text_case("rubric/python-tag.yaml", lambda: replace_once(mini(), "amplification: 0.5",
                                                         'amplification: !!python/object/apply:os.system ["echo x"]'))
text_case("rubric/yaml-2-directive.yaml", lambda: "%YAML 2.0\n---\n" + mini())
text_case("rubric/yaml-1.3-directive-after-content.yaml", lambda: replace_once(mini(), "pillars:\n", "pillars:\n%YAML 1.3\n"))
for _label, _value in (("nan", ".nan"), ("inf", ".inf"), ("1e308", "1e308"), ("neg-zero", "-0")):
    text_case(f"rubric/weight-{_label}.yaml", lambda v=_value: replace_once(mini(), "weight: 3", f"weight: {v}"))
    text_case(f"rubric/amplification-{_label}.yaml",
              lambda v=_value: replace_once(mini(), "amplification: 0.5", f"amplification: {v}"))
text_case("rubric/id-separators.yaml", lambda: replace_once(mini(), "id: mini", "id: ../mini;x"))
text_case("rubric/indicator-id-separators.yaml", lambda: replace_once(mini(), "id: i1.b", 'id: "i1/../b"'))
text_case("rubric/markup.yaml",
          lambda: replace_once(replace_once(mini(), "title: Mini rubric for hand-worked tests",
                                            f"title: {yaml_string(SCRIPT)}"),
                               "text: Level question 1a", f"text: {yaml_string(TEMPLATE + STATEMENT + FILE_URL)}"))
text_case("rubric/control-in-title.yaml",
          lambda: replace_once(mini(), "title: Mini rubric for hand-worked tests", 'title: "Mini\\e[2J"'))
text_case("rubric/control-in-text.yaml",
          lambda: replace_once(mini(), "text: Level question 1a", 'text: "Level\\u202e question"'))
text_case("rubric/assessment-given.yaml", base_yaml)


# ============================================================================ intervention catalogues

def tiny() -> str:
    return TINY_INTERVENTIONS.read_text(encoding="utf-8")


text_case("interventions/valid.yaml", tiny)
text_case("interventions/alias-bomb.yaml", lambda: alias_bomb(tiny()))
text_case("interventions/deep-flow.yaml", lambda: tiny() + "extra: " + "[" * 5000 + "]" * 5000 + "\n")
text_case("interventions/binary-garbage.yaml", lambda: garbage(2048, 4))
text_case("interventions/python-tag.yaml", lambda: replace_once(tiny(), "max_parallel: 1",
                                                                "max_parallel: !!python/object/apply:os.system [x]"))
text_case("interventions/yaml-2-directive-after-content.yaml",
          lambda: replace_once(tiny(), "interventions:\n", "interventions:\n%YAML 2.0\n"))
text_case("interventions/duplicate-keys.yaml",
          lambda: replace_once(tiny(), "max_parallel: 1\n", "max_parallel: 1\nmax_parallel: 2\n"))
text_case("interventions/target-nan.yaml", lambda: replace_once(tiny(), "target: 70", "target: .nan"))
text_case("interventions/target-inf.yaml", lambda: replace_once(tiny(), "target: 70", "target: .inf"))
text_case("interventions/months-1e308.yaml", lambda: replace_once(tiny(), "months: 6", "months: 1e308"))
text_case("interventions/below-neg-zero.yaml", lambda: replace_once(tiny(), "below: 30", "below: -0"))
text_case("interventions/role-gap-nan.yaml", lambda: replace_once(tiny(), "role_gap: 15", "role_gap: .nan"))
text_case("interventions/id-separators.yaml", lambda: replace_once(tiny(), "id: res_fix", "id: ../res;fix"))
text_case("interventions/requires-cycle.yaml",
          lambda: replace_once(tiny(), "    owner: head\n", "    owner: head\n    requires: [cap_fix]\n"))
text_case("interventions/markup.yaml",
          lambda: replace_once(replace_once(tiny(), "title: Lower resistance", f"title: {yaml_string(SCRIPT)}"),
                               "action: Raise the resistance dimension by twenty points.",
                               f"action: {yaml_string(TEMPLATE + STATEMENT + HTTP_IMG)}"))
text_case("interventions/formulas.yaml",
          lambda: replace_once(tiny(), "title: Lower resistance", f"title: {yaml_string(FORMULAS[0])}"))
text_case("interventions/control-in-title.yaml",
          lambda: replace_once(tiny(), "title: Lower resistance", 'title: "Lower\\e[31m"'))


# ===================================================================================== survey imports

MAPPING = """\
rubric: egov-readiness@1.1
agency: Agency
agency_id: Agency id
round: {value: "2026"}
respondent_name: Name
respondent_role: Role
evidence:
  strategy.vision: Evidence
"""
text_case("survey/mapping.yaml", lambda: MAPPING)  # not a case: the mapping every survey case is imported with
text_case("survey/valid.csv", lambda: csv_text([survey_row()]))
text_case("survey/markup.csv", lambda: csv_text([survey_row(agency=SCRIPT, name=TEMPLATE, role=STATEMENT,
                                                            evidence=FILE_URL + HTTP_IMG)]))
text_case("survey/formulas.csv",
          lambda: csv_text([survey_row(agency_id=f"r{index}", agency=formula, name=FORMULAS[-1 - index],
                                       role=f"role{index}", evidence=formula)
                            for index, formula in enumerate(FORMULAS)]))
text_case("survey/formulas-semicolon.csv",
          lambda: csv_text([survey_row(agency="=cmd|' /C calc'!A0", name="@SUM(1)", evidence="+1")], ";"))
text_case("survey/numbers.csv", lambda: csv_text([
    survey_row(agency_id="a1", name="n1", **{"services.online_share": "nan"}),
    survey_row(agency_id="a2", name="n2", **{"services.online_share": "inf"}),
    survey_row(agency_id="a3", name="n3", **{"services.online_share": "1e308"}),
    survey_row(agency_id="a4", name="n4", **{"strategy.vision": "-0"}),
    survey_row(agency_id="a5", name="n5", **{"strategy.vision": "NaN"}),
]))
text_case("survey/agency-id-separators.csv",
          lambda: csv_text([survey_row(agency_id="../../etc"), survey_row(agency_id=";;", name="B"),
                            survey_row(agency_id="..", name="C")]))
text_case("survey/control-chars.csv",
          lambda: csv_text([survey_row(agency="Riverside\x1b[31m", name="S.\u202eC", evidence="x\x07")]))
text_case("survey/binary-garbage.csv", lambda: garbage(4096, 5))
text_case("survey/utf16-bom.csv", lambda: csv_text([survey_row()]).encode("utf-16"))
text_case("survey/latin1.csv", lambda: csv_text([survey_row(agency="Société Générale")]).encode("latin-1"))
text_case("survey/utf8-bom.csv", lambda: "\ufeff" + csv_text([survey_row()]))
text_case("survey/empty.csv", lambda: "")
text_case("survey/row-too-long.csv", lambda: csv_text([survey_row()]).rstrip("\n") + ",extra,fields\n")
text_case("survey/quote-bomb.csv", lambda: csv_text([survey_row()]) + '"' + "x" * 300_000 + "\n", generated=True)
text_case("survey/esc-name.csv", lambda: csv_text([survey_row()]), generated=True)


@workbook_case("survey/valid.xlsx")
def _survey_xlsx():
    return survey_workbook([survey_row()])


@workbook_case("survey/far-row.xlsx")
def _survey_far_row():
    return add_row_xml(survey_workbook([survey_row()]), "Responses", far_row(2_000_000_000))


@workbook_case("survey/row-1048577.xlsx")
def _survey_beyond_excel():
    return add_row_xml(survey_workbook([survey_row()]), "Responses", far_row(1_048_577))


@workbook_case("survey/zip-bomb.xlsx")
def _survey_zip_bomb():
    return rezip(survey_workbook([survey_row()]), extra={"xl/media/bomb.bin": b"\0" * (60 * 1024 * 1024)})


@workbook_case("survey/entity-bomb.xlsx")
def _survey_entity_bomb():
    return with_shared_strings(survey_workbook([survey_row()]), ENTITY_BOMB, "Responses", "A2")


@workbook_case("survey/formula-cells.xlsx")
def _survey_formulas():
    return survey_workbook([survey_row(agency="=cmd|' /C calc'!A0", name="=1+1", **{"strategy.vision": "=2+1"})])


@workbook_case("survey/renamed-csv.xlsx")
def _survey_renamed():
    return csv_text([survey_row()]).encode()


@workbook_case("survey/macro.xlsm")
def _survey_macro():
    return survey_workbook([survey_row()])


# ============================================================================================ rosters

text_case("roster/valid.csv", lambda: ROSTER_HEADER + ROSTER_ROW)
text_case("roster/markup.csv",
          lambda: ROSTER_HEADER + f'rmc,"{SCRIPT}","{TEMPLATE}","{STATEMENT}",a@example.org\n'.replace('"x"', "'x'"))
text_case("roster/formulas.csv",
          lambda: ROSTER_HEADER + "".join(f'r{index},"{formula}",p{index},"{formula}",p{index}@example.org\n'
                                          for index, formula in enumerate(FORMULAS)))
text_case("roster/id-separators.csv",
          lambda: ROSTER_HEADER + "../etc,A,,,\nrmc/x,B,,,\na;b,C,,,\n\"a\x1bb\",D,,,\n")
text_case("roster/control-chars.csv", lambda: ROSTER_HEADER + "rmc,\"Riverside\x1b[2J\",\"S.\u202eC\",it_lead,\n")
text_case("roster/bad-email.csv", lambda: ROSTER_HEADER + "rmc,Riverside,S. C,it_lead,javascript:alert(1)\n")
text_case("roster/binary-garbage.csv", lambda: garbage(2048, 6))
text_case("roster/utf16-bom.csv", lambda: (ROSTER_HEADER + ROSTER_ROW).encode("utf-16"))
text_case("roster/latin1.csv", lambda: (ROSTER_HEADER + "rmc,Société Générale,,,\n").encode("latin-1"))
text_case("roster/empty.csv", lambda: "")
text_case("roster/header-only.csv", lambda: ROSTER_HEADER)
text_case("roster/numbers.csv", lambda: ROSTER_HEADER + "nan,inf,1e308,-0,\n")
text_case("roster/quote-bomb.csv", lambda: ROSTER_HEADER + ROSTER_ROW + '"' + "x" * 300_000 + "\n", generated=True)


@workbook_case("roster/valid.xlsx")
def _roster_xlsx():
    return table_workbook("Roster", ROSTER_COLUMNS,
                          [["rmc", "Riverside Metropolitan Corporation", "S. Chaudhry", "it_lead", None]])


@workbook_case("roster/far-row.xlsx")
def _roster_far_row():
    raw = table_workbook("Roster", ROSTER_COLUMNS, [["rmc", "Riverside Metropolitan Corporation", None, None, None]])
    return add_row_xml(raw, "Roster", far_row(2_000_000_000))


@workbook_case("roster/numbers.xlsx")
def _roster_numbers():
    return table_workbook("Roster", ROSTER_COLUMNS, [[float("nan"), float("inf"), 1e308, -0.0, None]])


# ============================================================================================== build

def target(name: str) -> str:
    """Where a case's file is, under the corpus folder."""
    return RENAMED.get(name, name)


def build(out: Path, names=None) -> list[Path]:
    """Write the named cases (default: all but the generated ones) under ``out``; returns their paths."""
    written = []
    for name in names if names is not None else [n for n in CASES if n not in GENERATED]:
        path = out / target(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        CASES[name](path)
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    args = [arg for arg in argv if arg != "--all"]
    build(Path(args[0]) if args else HERE, list(CASES) if "--all" in argv else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
