"""Every problem code, given by the input that should give it, at the place it names.

Each case writes one small input (under a temporary folder that is the working directory) and
returns ``(problems, location, code)``: the problem must be among those found, at that location.
Messages are checked elsewhere, where users read them; here the codes and places are the contract.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from readiness.errors import PROBLEM_CODES, InvalidInput
from readiness.intake.batch import load_assessments
from readiness.intake.survey import import_responses, load_mapping, read_table
from readiness.rubric.catalog import Catalog, load_rubric
from readiness.scoring.batch import score_batch

from .conftest import MINI_A, MINI_RUBRIC
from .xlsx_helpers import answer_cell, blank_workbook, fill_workbook

CASES = {}


def case(code):
    def register(function):
        CASES[code] = function
        return function
    return register


def write(name: str, text: str | bytes):
    from pathlib import Path

    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def catalog():
    return Catalog([MINI_RUBRIC])


def read(*names, **options):
    return load_assessments(list(names), catalog(), **options).problems


def answered(**answers) -> str:
    text = MINI_A
    for ident, answer in answers.items():
        ident = ident.replace("_", ".")
        text = "\n".join(f"  {ident}: {answer}" if line.startswith(f"  {ident}:") else line
                         for line in text.splitlines()) + "\n"
    return text


def rubric_problems(replace: str, by: str):
    path = write("r.yaml", MINI_RUBRIC.read_text(encoding="utf-8").replace(replace, by, 1))
    with pytest.raises(InvalidInput) as caught:
        load_rubric(path)
    return caught.value.problems


def workbook(cells=None, cover=None, name="a.xlsx"):
    from pathlib import Path

    full = {"i1.a": "4 – Optimised", "i1.b": 2, "i2.a": 1, "i2.n": 60, "i3.a": 1, "i3.b": 3, "i4.a": 2, "i5.a": 1,
            "i5.n": 2} | (cells or {})
    path = blank_workbook(Path(name), load_rubric(MINI_RUBRIC))
    return fill_workbook(path, full, cover={"B4": "Test Agency", "B5": "test", "B6": "2026"} | (cover or {}))


def import_problems(header, rows, mapping_extra=""):
    table = write("responses.csv", "\n".join(",".join(row) for row in [header, *rows]) + "\n")
    mapping = write("mapping.yaml", f"rubric: {MINI_RUBRIC}\nagency: Agency\nagency_id: Code\n{mapping_extra}")
    try:
        responses = read_table(table)
    except InvalidInput as exc:
        return exc.problems
    parsed, doc = load_mapping(mapping)
    return import_responses(responses, parsed, doc, Catalog(), mapping_source=str(mapping)).problems


# ---------------------------------------------------------------- files and YAML

@case("no-such-file")
def _():
    return read("missing.yaml"), "missing.yaml", "no-such-file"


@case("empty-folder")
def _():
    write("empty/notes.txt", "")
    return read("empty"), "empty", "empty-folder"


@case("skipped-file")
def _():
    write("returns/a.yaml", MINI_A)
    write("returns/b.xls", b"\xd0\xcf\x11\xe0")
    return read("returns"), "returns/b.xls", "skipped-file"


@case("unsupported-file-type")
def _():
    return read(write("notes.txt", "x")), "notes.txt", "unsupported-file-type"


@case("cannot-read")
def _(monkeypatch):
    import readiness.yamlio

    def refuse(path, source=None):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(readiness.yamlio, "read_bytes", refuse)
    return read(write("a.yaml", MINI_A)), "a.yaml", "cannot-read"


@case("file-too-large")
def _():
    return read(write("a.yaml", MINI_A + "#" * 3_000_000)), "a.yaml", "file-too-large"


@case("internal-error")
def _(monkeypatch):
    import readiness.intake.yaml

    def crash(path, rubrics):
        raise KeyError("boom")

    monkeypatch.setattr(readiness.intake.yaml, "read", crash)
    return read(write("a.yaml", MINI_A)), "a.yaml", "internal-error"


@case("not-utf8")
def _():
    return read(write("a.yaml", b"rubric: mini@0.1\nagency: \xff\n")), "a.yaml:2:9", "not-utf8"


@case("control-character")
def _():
    return read(write("a.yaml", MINI_A.replace("Test Agency", '"Test\\u202eAgency"'))), "a.yaml:2:9", \
        "control-character"


@case("yaml-syntax")
def _():
    return read(write("a.yaml", MINI_A.replace("  i1.b: 2", "  i1.b: [2"))), "a.yaml:8:7", "yaml-syntax"


@case("empty-file")
def _():
    return read(write("a.yaml", "")), "a.yaml:1:1", "empty-file"


@case("too-deep")
def _():
    return read(write("a.yaml", "x: " + "[" * 50 + "]" * 50 + "\n")), "a.yaml:1:43", "too-deep"  # the 41st level


@case("too-many-values")
def _():
    # The mapping, its key and list are three values: the 19,998th item is the 20,001st, at 5 + 2 × 19,997.
    return read(write("a.yaml", "x: [" + ",".join(["1"] * 20_500) + "]\n")), "a.yaml:1:39999", "too-many-values"


@case("duplicate-key")
def _():
    return read(write("a.yaml", MINI_A + "  i1.a: 3\n")), "a.yaml:15:3", "duplicate-key"


@case("key-clash")
def _():
    return read(write("a.yaml", MINI_A.replace("answers:\n", "answers:\n  1: 3\n  1.0: 3\n"))), "a.yaml:7:3", \
        "key-clash"


@case("alias")
def _():
    text = MINI_A.replace("  i1.b: 2\n", "  i1.b: &two 2\n").replace("  i2.a: 1\n", "  i2.a: *two\n")
    return read(write("a.yaml", text)), "a.yaml:8:9", "alias"


@case("yaml-tag")
def _():
    return read(write("a.yaml", MINI_A.replace("  i1.b: 2", "  i1.b: !!binary aGk="))), "a.yaml:7:9", "yaml-tag"


@case("complex-key")
def _():
    return read(write("a.yaml", MINI_A + "  ? [i1.a]\n  : 3\n")), "a.yaml:15:5", "complex-key"


# ---------------------------------------------------------------- the shape of a file, its fields

@case("not-a-mapping")
def _():
    return read(write("a.yaml", "- 1\n")), "a.yaml:1:1", "not-a-mapping"


@case("other-kind-of-file")
def _():
    return read(write("a.yaml", "pillars: []\n")), "a.yaml:1:1", "other-kind-of-file"


@case("unknown-field")
def _():
    return read(write("a.yaml", MINI_A.replace("answers:", "colour: blue\nanswers:"))), "a.yaml:5:1", \
        "unknown-field"


@case("missing-field")
def _():
    return read(write("a.yaml", MINI_A.replace("agency: Test Agency\n", ""))), "a.yaml:1:1", "missing-field"


@case("invalid-value")
def _():
    return rubric_problems("        weight: 3\n", "        weight: -3\n"), "r.yaml:18:17", "invalid-value"


@case("invalid-key")
def _():
    return rubric_problems("levels: {0: none,", "levels: {'0': none,"), "r.yaml:22:22", "invalid-key"


@case("too-many-problems")
def _():
    junk = "".join(f"  junk{index}: 1\n" for index in range(250))
    return read(write("a.yaml", MINI_A + junk)), "a.yaml:214:3", "too-many-problems"


@case("invalid-agency-id")
def _():
    return read(write("a.yaml", MINI_A.replace("agency_id: test", "agency_id: Test Agency"))), "a.yaml:3:12", \
        "invalid-agency-id"


@case("invalid-round")
def _():
    return read(write("a.yaml", MINI_A.replace("round: 2026", "round: -5"))), "a.yaml:4:8", "invalid-round"


@case("invalid-text")
def _():
    return read(write("a.yaml", MINI_A.replace("agency: Test Agency", "agency: 42"))), "a.yaml:2:9", "invalid-text"


@case("invalid-rubric-reference")
def _():
    return read(write("a.yaml", MINI_A.replace("mini@0.1", "./mini@0.1.yaml"))), "a.yaml:1:9", \
        "invalid-rubric-reference"


@case("rubric-not-found")
def _():
    return read(write("a.yaml", MINI_A.replace("mini@0.1", "mini@0.9"))), "a.yaml:1:9", "rubric-not-found"


@case("rubric-mismatch")
def _():
    path = write("a.yaml", MINI_A)
    problems = load_assessments([path], catalog(), rubric=Catalog().find("un-egdi")).problems
    return problems, "a.yaml:1:9", "rubric-mismatch"


@case("rubric-edition")
def _():
    path = workbook()
    book = openpyxl.load_workbook(path)
    book["_readiness"]["B5"] = "0" * 64
    book.save(path)
    return read(path), "a.xlsx: _readiness!B5", "rubric-edition"


# ---------------------------------------------------------------- answers

@case("unknown-indicator")
def _():
    return read(write("a.yaml", MINI_A + "  i9.z: 1\n")), "a.yaml:15:3", "unknown-indicator"


@case("invalid-answer")
def _():
    return read(write("a.yaml", answered(i1_b="often"))), "a.yaml:7:9", "invalid-answer"


@case("level-out-of-range")
def _():
    return read(write("a.yaml", answered(i1_b=9))), "a.yaml:7:9", "level-out-of-range"


@case("not-a-whole-level")
def _():
    return read(write("a.yaml", answered(i1_b=2.5))), "a.yaml:7:9", "not-a-whole-level"


@case("number-too-large")
def _():
    return read(write("a.yaml", answered(i5_n=10**20))), "a.yaml:14:9", "number-too-large"


@case("number-out-of-range")
def _():
    return read(write("a.yaml", answered(i5_n=200))), "a.yaml:14:9", "number-out-of-range"


@case("invalid-evidence-level")
def _():
    return read(write("a.yaml", answered(i1_b="{level: 2, evidence: Minute, evidence_level: certified}"))), \
        "a.yaml:7:54", "invalid-evidence-level"


@case("evidence-not-described")
def _():
    return read(write("a.yaml", answered(i1_b="{level: 2, evidence_level: documented}"))), "a.yaml:7:36", \
        "evidence-not-described"


@case("na-not-accepted")
def _():
    rubric = write("strict.yaml", MINI_RUBRIC.read_text(encoding="utf-8").replace(
        "        title: Dimension one\n", "        title: Dimension one\n        na: false\n"))
    path = write("a.yaml", answered(i1_b="na"))
    return load_assessments([path], Catalog([rubric])).problems, "a.yaml:7:9", "na-not-accepted"


@case("missing-answer")
def _():
    return read(write("a.yaml", answered(i1_b=""))), "a.yaml:7:3", "missing-answer"


@case("unanswered-indicators")
def _():
    # A respondent among several, with other errors: its gaps are counted (the others may answer them).
    write("a.yaml", MINI_A)
    return read("a.yaml", write("b.yaml", answered(i1_b="", i1_a=9))), "b.yaml:5:1", "unanswered-indicators"


@case("too-few-answers")
def _():
    return read(write("a.yaml", answered(i2_a="", i2_n="", i3_a="", i3_b="", i4_a="", i5_a="", i5_n="")),
                partial=True), "a.yaml", "too-few-answers"


@case("partial-answers")
def _():
    return read(write("a.yaml", answered(i1_b="")), partial=True), "a.yaml", "partial-answers"


# ---------------------------------------------------------------- several files of one agency-round

@case("respondent-rubric-clash")
def _():
    other = write("mini-02.yaml", MINI_RUBRIC.read_text(encoding="utf-8").replace('version: "0.1"', 'version: "0.2"'))
    write("a.yaml", MINI_A)
    write("b.yaml", MINI_A.replace("mini@0.1", "mini@0.2").replace("  i1.b: 2", "  i1.b: 3"))
    problems = load_assessments(["a.yaml", "b.yaml"], Catalog([MINI_RUBRIC, other])).problems
    return problems, "b.yaml", "respondent-rubric-clash"


@case("agency-name-clash")
def _():
    write("a.yaml", MINI_A)
    write("b.yaml", MINI_A.replace("Test Agency", "Other Agency"))
    return read("a.yaml", "b.yaml"), "b.yaml:2:9", "agency-name-clash"


@case("duplicate-file")
def _():
    write("a.yaml", MINI_A)
    write("b.yaml", MINI_A)
    return read("a.yaml", "b.yaml"), "b.yaml", "duplicate-file"


@case("resubmission")
def _():
    import os

    first = MINI_A.replace("answers:", "respondent: {name: A. Khan, role: it_lead}\nanswers:")
    write("a.yaml", first)
    write("b.yaml", first.replace("  i1.b: 2", "  i1.b: 3"))  # a corrected return of the same respondent
    os.utime("a.yaml", (1_700_000_000, 1_700_000_000))
    os.utime("b.yaml", (1_700_003_600, 1_700_003_600))
    return read("a.yaml", "b.yaml"), "b.yaml", "resubmission"


# ---------------------------------------------------------------- workbooks

@case("not-a-workbook")
def _():
    return read(write("a.xlsx", "agency,score\n")), "a.xlsx", "not-a-workbook"


@case("macros")
def _():
    path = workbook(name="a.xlsm")
    return read(path), "a.xlsm", "macros"


@case("encrypted")
def _():
    path = write("a.xlsx", b"")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(path.read_bytes())
    data[data.rfind(b"PK\x01\x02") + 8] |= 0x1  # the central directory's "encrypted" flag
    path.write_bytes(bytes(data))
    return read(path), "a.xlsx", "encrypted"


@case("zip-bomb")
def _():
    path = write("a.xlsx", b"")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 5_000_000)
    return read(path), "a.xlsx", "zip-bomb"


def doctored(name: str, part: str, change) -> str:
    """A copy of a good workbook, named ``name``, with its ``part`` changed by ``change`` (bytes → bytes)."""
    with zipfile.ZipFile(workbook()) as source, zipfile.ZipFile(name, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data) if item.filename == part else data)
    return name


@case("damaged-workbook")
def _():
    broken = doctored("broken.xlsx", "xl/worksheets/sheet3.xml", lambda data: data[: len(data) // 2])
    return read(broken), "broken.xlsx: Assessment!K11", "damaged-workbook"  # the last cell read before the cut


@case("hidden-sheet")
def _():
    hidden = doctored("hidden.xlsx", "xl/workbook.xml", lambda data: data.replace(
        b'name="Cover" sheetId="2" state="visible"', b'name="Cover" sheetId="2" state="veryHidden"'))
    return read(hidden), "hidden.xlsx: Cover", "hidden-sheet"


@case("missing-sheet")
def _():
    openpyxl.Workbook().save("a.xlsx")
    return read("a.xlsx"), "a.xlsx", "missing-sheet"


@case("no-rubric-stamp")
def _():
    path = workbook()
    book = openpyxl.load_workbook(path)
    book["_readiness"]["B1"] = None
    book.save(path)
    return read(path), "a.xlsx: _readiness!B1", "no-rubric-stamp"


@case("header-not-found")
def _():
    path = workbook()
    book = openpyxl.load_workbook(path)
    for cell in book["Assessment"][3]:
        cell.value = None
    book.save(path)
    return read(path), "a.xlsx: Assessment!A3", "header-not-found"


@case("doubled-column")
def _():
    path = workbook()
    book = openpyxl.load_workbook(path)
    book["Assessment"]["Z3"] = "Answer"
    book.save(path)
    return read(path), "a.xlsx: Assessment!A3", "doubled-column"


@case("duplicate-row")
def _():
    path = workbook()
    row = int(answer_cell(path, "i1.b")[1:])
    book = openpyxl.load_workbook(path)
    book["Assessment"][f"A{row}"] = "i1.a"
    book.save(path)
    return read(path, partial=True), f"a.xlsx: Assessment!A{row}", "duplicate-row"


@case("id-moved")
def _():
    path = workbook()
    first, second = (int(answer_cell(path, ident)[1:]) for ident in ("i1.a", "i1.b"))
    book = openpyxl.load_workbook(path)
    book["Assessment"][f"A{first}"], book["Assessment"][f"A{second}"] = "i1.b", "i1.a"
    book.save(path)
    return read(path), f"a.xlsx: Assessment!A{first}", "id-moved"


@case("sheet-too-long")
def _():
    path = workbook()
    book = openpyxl.load_workbook(path)
    for row in range(520, 540):  # notes running on far below the questions
        book["Assessment"][f"B{row}"] = "a note"
    book.save(path)
    return read(path), "a.xlsx: Assessment!A531", "sheet-too-long"


@case("missing-row")
def _():
    path = workbook()
    row = int(answer_cell(path, "i1.b")[1:])
    book = openpyxl.load_workbook(path)
    book["Assessment"][f"A{row}"] = None
    book.save(path)
    return read(path), "a.xlsx: Assessment", "missing-row"


# ---------------------------------------------------------------- survey import

@case("unknown-column")
def _():
    return import_problems(["Agency", "Cod"], [["Test Agency", "T"]], 'round: {value: "2026"}\n'), \
        "mapping.yaml:3:12", "unknown-column"


@case("row-cut-short")
def _():
    return import_problems(["Agency", "Code", "i1.a"], [["Test Agency"]]), "responses.csv:2:1", "row-cut-short"


@case("row-too-long")
def _():
    return import_problems(["Agency", "Code", "i1.a"], [["Test Agency", "t", "2", "extra"]]), \
        "responses.csv:2:4", "row-too-long"


def table_refusal(name: str, text: str) -> list:
    """The problems of reading a survey table that is refused as a whole."""
    write(name, text)
    try:
        read_table(Path(name))
    except InvalidInput as exc:
        return exc.problems
    raise AssertionError(f"{name} was not refused")


@case("unclosed-quote")
def _():
    # A quote opened in row 3 and never closed: the csv module reads on past its field limit (131,072).
    return table_refusal("open.csv", 'Agency,Code,i1.a\nTest Agency,t,2\nOther,"o' + "x" * 140_000 + "\n"), \
        "open.csv:3:1", "unclosed-quote"


@case("value-too-long")
def _():
    # An unquoted value of 140,000 characters in row 3: past the csv module's field limit, no quote in sight.
    return table_refusal("long.csv", "Agency,Code,i1.a\nTest Agency,t,2\nOther,o," + "x" * 140_000 + "\n"), \
        "long.csv:3:1", "value-too-long"


@case("held-back")
def _():
    import os

    first = MINI_A.replace("answers:", "respondent: {name: A. Khan, role: it_lead}\nanswers:")
    write("a.yaml", first)
    write("b.yaml", first.replace("  i1.b: 2", "  i1.b: 3"))  # an unresolved resubmission of A. Khan
    write("c.yaml", MINI_A.replace("answers:", "respondent: {name: B. Shah, role: senior}\nanswers:"))
    os.utime("a.yaml", (1_700_000_000, 1_700_000_000))
    os.utime("b.yaml", (1_700_003_600, 1_700_003_600))
    return read("a.yaml", "b.yaml", "c.yaml"), "c.yaml", "held-back"


@case("empty-table")
def _():
    return import_problems(["Agency", "Code", "i1.a"], [], 'round: {value: "2026"}\n'), "responses.csv", \
        "empty-table"


@case("no-round")
def _():
    return import_problems(["Agency", "Code", "i1.a"], [["Test Agency", "T", "3"]]), "mapping.yaml:1:1", "no-round"


@case("no-answer-columns")
def _():
    return import_problems(["Agency", "Code", "Q1"], [["Test Agency", "T", "3"]], 'round: {value: "2026"}\n'), \
        "mapping.yaml:1:1", "no-answer-columns"


@case("duplicate-recode")
def _():
    return import_problems(["Agency", "Code", "i1.a"], [["Test Agency", "T", "Agree"]],
                           'round: {value: "2026"}\nrecode:\n  Agree: 3\n  " agree": 3\n'), "mapping.yaml:7:3", \
        "duplicate-recode"


# ---------------------------------------------------------------- rubrics

@case("duplicate-id")
def _():
    return rubric_problems("          - id: i1.b\n", "          - id: i1.a\n"), "r.yaml:23:17", "duplicate-id"


@case("scale")
def _():
    return rubric_problems("  max: 4\n", "  max: 0\n"), "r.yaml:7:8", "scale"


@case("crosswalk")
def _():
    # A crosswalk entry whose target is not an indicator of the rubric that declares it.
    return rubric_problems("pillars:\n", "supersedes:\n  rubric: mini@0.0\n  crosswalk:\n"
                                         "    - {rename: i1.old, to: i9.z}\npillars:\n"), "r.yaml:13:7", "crosswalk"


@case("no-capability-pillar")
def _():
    return rubric_problems("kind: capability", "kind: resistance"), "r.yaml:11:3", "no-capability-pillar"


@case("misplaced-field")
def _():
    return rubric_problems("        title: Dimension one\n", "        title: Dimension one\n        amplification: 1\n"), \
        "r.yaml:18:24", "misplaced-field"


@case("level-descriptors")
def _():
    return rubric_problems("levels: {0: none, 1: paper, 2: pilot, 3: routine, 4: measured}",
                           "levels: {0: none, 1: paper, 2: pilot, 3: routine}"), "r.yaml:22:21", "level-descriptors"


@case("number-range")
def _():
    return rubric_problems("            max: 100\n", "            max: 0\n"), "r.yaml:37:18", "number-range"


@case("thresholds")
def _():
    return rubric_problems("pillars:\n", "thresholds: {stages: [20, 60, 40, 80]}\npillars:\n"), "r.yaml:10:22", \
        "thresholds"


# ---------------------------------------------------------------- intervention catalogues

def catalogue_problems(replace: str, by: str):
    from readiness.rubric.catalog import load_interventions

    from .conftest import FIXTURES

    folder = FIXTURES / "recommend"
    text = (folder / "tiny-interventions.yaml").read_text(encoding="utf-8")
    assert replace in text
    path = write("c.yaml", text.replace(replace, by, 1))
    with pytest.raises(InvalidInput) as caught:
        load_interventions(path, load_rubric(folder / "tiny-rubric.yaml"))
    return caught.value.problems


@case("unknown-dimension")
def _():
    return catalogue_problems("addresses: [b]", "addresses: [bb]"), "c.yaml:23:17", "unknown-dimension"


@case("unknown-prerequisite")
def _():
    return catalogue_problems("requires: [mandate]", "requires: [mandat]"), "c.yaml:37:16", "unknown-prerequisite"


@case("prerequisite-cycle")
def _():
    return catalogue_problems("    owner: head\n    basis: Kotter step 2\n",
                              "    owner: head\n    basis: Kotter step 2\n    requires: [cap_fix]\n"), \
        "c.yaml:37:15", "prerequisite-cycle"


@case("unknown-owner")
def _():
    return catalogue_problems("    owner: it\n", "    owner: ict\n"), "c.yaml:38:12", "unknown-owner"


@case("trigger-dimension")
def _():
    return catalogue_problems("      - below: 30\n", "      - below: 30\n        dimensions: [r]\n"), \
        "c.yaml:46:21", "trigger-dimension"


@case("unreachable-target")
def _():
    return catalogue_problems("      - below: 30\n", "      - below: 30\n    target: 25\n"), "c.yaml:46:13", \
        "unreachable-target"


# ---------------------------------------------------------------- scoring

@case("not-scorable")
def _():
    path = write("a.yaml", answered(i1_a="na", i1_b="na", i2_a="na", i2_n="na"))
    batch = load_assessments([path], catalog())
    return score_batch(batch.groups()).problems, "a.yaml", "not-scorable"


@case("broad-disagreement")
def _():
    import shutil

    from .conftest import ROOT

    for role in ("it-lead", "senior", "staff"):
        shutil.copy(ROOT / "examples" / "2026" / f"nplra-{role}.yaml", f"nplra-{role}.yaml")
    batch = load_assessments(["nplra-it-lead.yaml", "nplra-senior.yaml", "nplra-staff.yaml"], Catalog())
    return score_batch(batch.groups()).problems, "nplra-it-lead.yaml", "broad-disagreement"


def test_every_code_has_a_case():
    assert sorted(CASES) == sorted(PROBLEM_CODES)


@pytest.mark.parametrize("code", list(PROBLEM_CODES))
def test_the_code_is_given_at_its_place(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    function = CASES[code]
    arguments = {"monkeypatch": monkeypatch} if "monkeypatch" in function.__code__.co_varnames else {}
    problems, location, expected = function(**arguments)
    assert expected == code
    found = [(str(problem.location), problem.code) for problem in problems]
    assert (location, code) in found, found
