"""Fuzzing every reader (issue 12, item 2): generated structures and mutated real files.

For each reader (YAML assessment, rubric, intervention catalogue, assessment workbook, survey import,
roster), hypothesis feeds (a) generated structures (YAML-ish data dumped to YAML, random cell values
written into a real workbook or table) and (b) real files of ``examples/`` and ``rubrics/`` mutated
(bytes flipped, inserted or deleted, the file truncated, lines deleted, duplicated or swapped; inside
a workbook, one of its XML parts mutated).  The only outcomes allowed are a result, or
:class:`InvalidInput` / the result's problems, each a :class:`Problem` with a known code, located in
the input.  Anything else raised is a defect: it becomes a corpus case and an ``@example`` here.

The bounded profile ``ci`` (the default) keeps this file under a minute; ``make fuzz`` runs the
profile ``fuzz`` (see tests/conftest.py).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import itertools
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from readiness.errors import PROBLEM_CODES, InvalidInput, Location, Problem
from readiness.intake import yaml as yaml_reader
from readiness.intake.checks import RubricChoice
from readiness.intake.roster import load_roster
from readiness.intake.survey import import_responses, load_mapping, read_table
from readiness.intake.workbook import read as workbook_reader
from readiness.rubric.catalog import Catalog, load_interventions_checked, load_rubric, looks_like_path

from .conftest import MINI_RUBRIC, ROOT

CORPUS = ROOT / "tests" / "corpus"
_spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
make_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_corpus)

TINY_RUBRIC = ROOT / "tests" / "fixtures" / "recommend" / "tiny-rubric.yaml"
CATALOG = Catalog([MINI_RUBRIC, TINY_RUBRIC])
MAPPING = CORPUS / "survey" / "mapping.yaml"

YAML_ASSESSMENTS = sorted((ROOT / "examples").rglob("*.yaml"))
RUBRICS = [ROOT / "rubrics" / "egov-readiness-1.1.yaml", ROOT / "rubrics" / "un-egdi.yaml", MINI_RUBRIC]
CATALOGUES = [ROOT / "rubrics" / "interventions-1.1.yaml", ROOT / "tests" / "fixtures" / "recommend" /
              "tiny-interventions.yaml"]
WORKBOOKS = sorted((ROOT / "examples").rglob("*.xlsx"))
TABLES = [CORPUS / "survey" / "valid.csv", CORPUS / "survey" / "formulas.csv", CORPUS / "survey" / "valid.xlsx"]
ROSTERS = [CORPUS / "roster" / "valid.csv", CORPUS / "roster" / "formulas.csv", CORPUS / "roster" / "valid.xlsx"]
_BYTES: dict[Path, bytes] = {}


def original(path: Path) -> bytes:
    if path not in _BYTES:
        _BYTES[path] = path.read_bytes()
    return _BYTES[path]


def examples(ci: int) -> int:
    """A target's examples: ``ci`` under the bounded profile (about 100 examples), the profile's own count
    under a longer one (``make fuzz``)."""
    default = settings.default.max_examples
    return ci if default <= 100 else default


# ------------------------------------------------------------------------------------------ the files

_names = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def written(folder: Path, suffix: str, data: bytes) -> Path:
    """A new file for each example: the rubric loader caches files by name, time and size."""
    path = folder / f"case{next(_names)}{suffix}"
    path.write_bytes(data)
    return path


def allowed(problems, *files: Path) -> None:
    """Every problem is a Problem with a known code, located in one of ``files``; none is an internal error."""
    names = {str(file) for file in files}
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.code in PROBLEM_CODES and problem.code != "internal-error", problem
        assert isinstance(problem.location, Location) and problem.location.file in names, problem
        assert problem.message


# ------------------------------------------------------------------------------------------ mutations

@st.composite
def mutated(draw, data: bytes) -> bytes:
    """``data`` with a few byte or line mutations, as a damaged or hand-edited file has."""
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "line-delete", "line-copy",
                                     "line-swap", "interesting"]))
        size = len(data)
        at = draw(st.integers(0, max(size - 1, 0)))
        if kind == "flip" and size:
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 64)):]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "interesting":
            token = draw(st.sampled_from([b"&a ", b"*a", b"!!python/object/apply:os.system [x] ", b"[" * 60,
                                          b"{", b"\x00", b"\x1b[2J", b"\xff\xfe", b"\t", b"- ", b": ", b"'",
                                          b'"', b"%YAML 2.0\n", b"? ", b".nan", b"1e308", b"-0", b"=cmd|'", b",",
                                          b";", b"\r", b"\n", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&a;"]))
            data = data[:at] + token + data[at:]
        else:
            lines = data.splitlines(keepends=True)
            if not lines:
                continue
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if kind == "line-delete":
                del lines[i]
            elif kind == "line-copy":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = b"".join(lines)
    return data


#: A %YAML directive for an unknown version after content made ruamel.yaml raise KeyError (found by
#: test_batch_of_respondents_mutated; fixed in yamlio.py): test_a_directive_after_content_is_located keeps the
#: find as an @example.


@st.composite
def mutated_file(draw, files: list[Path]) -> tuple[str, bytes]:
    path = draw(st.sampled_from(files))
    return path.suffix, draw(mutated(original(path)))


@st.composite
def mutated_workbook(draw, files: list[Path]) -> tuple[str, bytes]:
    """A workbook with one of its XML parts mutated (and sometimes the zip's own bytes)."""
    path = draw(st.sampled_from(files))
    raw = original(path)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = sorted(archive.namelist())
    part = draw(st.sampled_from(names))
    if draw(st.integers(0, 9)) == 0:  # the zip itself damaged
        return path.suffix, draw(mutated(raw))
    part_bytes = zipfile.ZipFile(io.BytesIO(raw)).read(part)
    changed = draw(mutated(part_bytes))
    return path.suffix, make_corpus.rezip(raw, lambda name, data: changed if name == part else data)


# ----------------------------------------------------------------------------------- generated values

SCALARS = (st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats() |
           st.text(max_size=30) | st.sampled_from(["na", "unknown", "n/a", "3 – Established", "egov-readiness@1.1",
                                                    "mini@0.1", "2026", "=cmd|' /C calc'!A0", "\uff1d1+1",
                                                    "<script>", "{{ 7*7 }}", "\x1b[31m", "level", "value",
                                                    "evidence", "documented", "verified", ""]))
KEYS = st.text(max_size=20) | st.sampled_from(["rubric", "agency", "agency_id", "round", "respondent", "answers",
                                               "name", "role", "level", "value", "evidence", "evidence_level",
                                               "i1.a", "i1.b", "i2.n", "strategy.vision", "id", "title",
                                               "pillars", "dimensions", "indicators", "weight", "kind"])
STRUCTURES = st.recursive(SCALARS, lambda children: st.lists(children, max_size=5) |
                          st.dictionaries(KEYS, children, max_size=6), max_leaves=30)


def dumped(data) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


@st.composite
def assessment_data(draw):
    """An assessment of the mini rubric with some of its fields and answers replaced by generated values."""
    answers = {ident: draw(st.integers(0, 4)) for ident in ("i1.a", "i1.b", "i2.a", "i3.a", "i3.b", "i4.a", "i5.a")}
    answers |= {"i2.n": 60, "i5.n": 2}
    data = {"rubric": "mini@0.1", "agency": "Test Agency", "agency_id": "test", "round": "2026",
            "respondent": {"name": "A", "role": "it_lead"}, "answers": answers}
    for _ in range(draw(st.integers(0, 5))):
        where = draw(st.sampled_from(["top", "answers", "respondent", "answer-dict"]))
        if where == "top":
            data[draw(KEYS)] = draw(STRUCTURES)
        elif where == "answers":
            answers[draw(st.sampled_from(sorted(answers)) | KEYS)] = draw(STRUCTURES)
        elif where == "respondent":
            data["respondent"] = draw(st.dictionaries(KEYS, SCALARS, max_size=3) | STRUCTURES)
        else:
            answers[draw(st.sampled_from(sorted(answers)))] = draw(st.dictionaries(KEYS, SCALARS, max_size=4))
    return data


# ================================================================================= YAML assessments

def read_yaml_assessment(path: Path) -> None:
    result = yaml_reader.read(path, RubricChoice(CATALOG))
    problems = list(result.problems)
    try:
        problems += result.missing_problems(result.gaps or (result.assessment.missing if result.assessment else []))
        result.field_locations()
    except InvalidInput as exc:  # the reference parser refused the file once positions were needed
        problems += exc.problems
    allowed(problems, path)
    assert result.ok or problems


@settings(max_examples=examples(100))
@given(data=st.one_of(assessment_data(), STRUCTURES))
@example(data={"answers": {"i1.a": {"level": float("nan")}}})
def test_yaml_assessment_from_structures(folder, data):
    read_yaml_assessment(written(folder, ".yaml", dumped(data)))


@settings(max_examples=examples(100))
@given(case=mutated_file(YAML_ASSESSMENTS))
def test_yaml_assessment_mutated(folder, case):
    read_yaml_assessment(written(folder, *case))


# =========================================================================== rubrics and catalogues

def read_rubric(path: Path) -> None:
    try:
        load_rubric(path)
    except InvalidInput as exc:
        allowed(exc.problems, path)
        assert exc.problems


@st.composite
def rubric_data(draw):
    data = yaml.safe_load(original(MINI_RUBRIC))
    for _ in range(draw(st.integers(1, 4))):
        target = data
        path = draw(st.lists(st.sampled_from(["pillars", 0, 1, "dimensions", "indicators", "scale", "levels",
                                              "thresholds"]), max_size=5))
        for part in path:
            if isinstance(target, dict) and part in target:
                target = target[part]
            elif isinstance(target, list) and isinstance(part, int) and part < len(target):
                target = target[part]
        if isinstance(target, dict):
            target[draw(KEYS)] = draw(STRUCTURES)
        elif isinstance(target, list):
            target.append(draw(STRUCTURES))
    return data


@settings(max_examples=examples(60))
@given(data=st.one_of(rubric_data(), STRUCTURES))
def test_rubric_from_structures(folder, data):
    read_rubric(written(folder, ".yaml", dumped(data)))


@settings(max_examples=examples(60))
@given(case=mutated_file(RUBRICS))
def test_rubric_mutated(folder, case):
    read_rubric(written(folder, *case))


def read_catalogue(path: Path) -> None:
    try:
        load_interventions_checked(path, CATALOG)
    except InvalidInput as exc:
        allowed(exc.problems, path)
        assert exc.problems


@st.composite
def catalogue_data(draw):
    data = yaml.safe_load(original(CATALOGUES[1]))
    for _ in range(draw(st.integers(1, 4))):
        items = data.get("interventions")  # an earlier step may have replaced any part
        items = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
        item = draw(st.sampled_from(items)) if items else {}
        triggers = item.get("triggers")
        places = [data, item, data.get("owners"), *(triggers if isinstance(triggers, list) else [])]
        target = draw(st.sampled_from([place for place in places if isinstance(place, dict)]))
        key = draw(st.sampled_from(sorted(map(str, target))) | KEYS) if target else draw(KEYS)
        target[key] = draw(STRUCTURES)
    return data


@settings(max_examples=examples(100))
@given(data=st.one_of(catalogue_data(), STRUCTURES))
def test_catalogue_from_structures(folder, data):
    read_catalogue(written(folder, ".yaml", dumped(data)))


@settings(max_examples=examples(60))
@given(case=mutated_file(CATALOGUES))
def test_catalogue_mutated(folder, case):
    read_catalogue(written(folder, *case))


# ====================================================================================== workbooks

def read_workbook(path: Path) -> None:
    result = workbook_reader.read(path, RubricChoice(CATALOG))
    problems = list(result.problems)
    problems += result.missing_problems(result.gaps or (result.assessment.missing if result.assessment else []))
    result.field_locations()
    allowed(problems, path)
    assert result.ok or problems


def _legal(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)


CELL_VALUES = (st.none() | st.booleans() | st.integers(-10**15, 10**15) | st.floats() |
               st.text(max_size=40).map(_legal) | st.datetimes() |
               st.sampled_from(["=1+2", "=cmd|' /C calc'!A0", "Not applicable", "Don't know", "3 – Established",
                                "documented", "verified", "none", "42.5%", " 3 ", "n/a", "-0", "nan", "inf",
                                "1e308", "\uff1d1", "mini", "0.1", "i1.a", "Indicator id", "Answer"]))


@settings(max_examples=examples(50))
@given(cells=st.lists(st.tuples(st.sampled_from(["Cover", "Assessment", "_readiness", "Guide"]),
                                st.integers(1, 40), st.integers(1, 14), CELL_VALUES), max_size=12),
       state=st.sampled_from(["visible", "hidden", "veryHidden"]))
@example(cells=[("Assessment", 3, 9, None)], state="visible")
def test_workbook_from_template(folder, cells, state):
    from openpyxl.utils.exceptions import IllegalCharacterError

    from readiness.intake.workbook.write import build_workbook

    workbook = build_workbook(CATALOG.find("mini@0.1"), agency="Test Agency", agency_id="test", round_="2026")
    for title, row, column, value in cells:
        try:
            workbook[title].cell(row=row, column=column).value = value
        except (IllegalCharacterError, ValueError, TypeError):
            continue  # openpyxl will not write it; no workbook holds it either
    workbook["Assessment"].sheet_state = state
    buffer = io.BytesIO()
    workbook.save(buffer)
    read_workbook(written(folder, ".xlsx", buffer.getvalue()))


@settings(max_examples=examples(80))
@given(case=mutated_workbook(WORKBOOKS))
def test_workbook_mutated(folder, case):
    read_workbook(written(folder, *case))


# ==================================================================================== survey import

def import_table(path: Path) -> None:
    try:
        table = read_table(path)
    except InvalidInput as exc:
        allowed(exc.problems, path)
        assert exc.problems
        return
    mapping, doc = load_mapping(MAPPING)
    result = import_responses(table, mapping, doc, Catalog(), mapping_source=str(MAPPING))
    allowed(result.problems, path, MAPPING)
    assert result.ok or result.problems
    for _, text in result.files:  # what an import writes reads back as valid YAML
        yaml.safe_load(text)


@st.composite
def survey_csv(draw) -> bytes:
    header = make_corpus.survey_header()
    rows = [make_corpus.survey_row()]
    for _ in range(draw(st.integers(0, 3))):
        rows.append(list(draw(st.sampled_from(rows))))
    for _ in range(draw(st.integers(1, 8))):
        row = draw(st.sampled_from(rows))
        row[draw(st.integers(0, len(header) - 1))] = draw(CELL_VALUES)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=draw(st.sampled_from([",", ";", "\t"])))
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@settings(max_examples=examples(60))
@given(data=survey_csv())
def test_survey_from_cells(folder, data):
    import_table(written(folder, ".csv", data))


@settings(max_examples=examples(60))
@given(case=mutated_file([path for path in TABLES if path.suffix == ".csv"]))
def test_survey_csv_mutated(folder, case):
    import_table(written(folder, *case))


@settings(max_examples=examples(60))
@given(case=mutated_workbook([path for path in TABLES if path.suffix == ".xlsx"]))
def test_survey_xlsx_mutated(folder, case):
    import_table(written(folder, *case))


# ========================================================================================== rosters

def read_roster(path: Path) -> None:
    try:
        load_roster(path)
    except InvalidInput as exc:
        allowed(exc.problems, path)
        assert exc.problems


ROSTER_TEXT = st.text(max_size=20) | st.sampled_from(["rmc", "RMC", "../etc", "a@b.org", "=cmd|'", "", " ",
                                                      "agency_id", "agency", "respondent", "role", "email", "Name"])


@settings(max_examples=examples(100))
@given(rows=st.lists(st.lists(ROSTER_TEXT, max_size=6), max_size=6),
       header=st.lists(ROSTER_TEXT, max_size=6) | st.just(make_corpus.ROSTER_COLUMNS))
def test_roster_from_rows(folder, rows, header):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    read_roster(written(folder, ".csv", buffer.getvalue().encode("utf-8")))


@settings(max_examples=examples(60))
@given(case=mutated_file([path for path in ROSTERS if path.suffix == ".csv"]))
def test_roster_mutated(folder, case):
    read_roster(written(folder, *case))


@settings(max_examples=examples(40))
@given(case=mutated_workbook([path for path in ROSTERS if path.suffix == ".xlsx"]))
def test_roster_xlsx_mutated(folder, case):
    read_roster(written(folder, *case))


# ================================================================================ survey mappings

@st.composite
def mapping_data(draw):
    """The corpus's survey mapping with some fields replaced: columns that do not exist, constants, recodes."""
    data = yaml.safe_load(original(MAPPING))
    header = make_corpus.survey_header()
    column = st.sampled_from(header) | st.text(max_size=10)
    for _ in range(draw(st.integers(1, 5))):
        field = draw(st.sampled_from(["rubric", "agency", "agency_id", "round", "respondent_name", "respondent_role",
                                      "answers", "evidence", "evidence_level", "recode", "extra"]))
        if field in ("answers", "evidence", "evidence_level"):
            data[field] = draw(st.dictionaries(st.sampled_from(header[5:]) | KEYS, column, max_size=4))
        elif field == "recode":
            data[field] = draw(st.dictionaries(SCALARS.filter(lambda v: v is not None), SCALARS, max_size=5))
        elif field == "rubric":
            data[field] = draw(st.sampled_from(["egov-readiness@1.1", "egov-readiness", "mini@0.1", "nope@1",
                                                "/etc/passwd", str(MINI_RUBRIC)]) | st.text(max_size=10))
        else:
            data[field] = draw(column | st.fixed_dictionaries({"value": SCALARS}) | st.integers() | STRUCTURES)
    return data


@settings(max_examples=examples(60))
@given(data=mapping_data())
@example(data={"rubric": "/etc/passwd", "agency": "Agency", "agency_id": "Agency id", "round": {"value": "2026"}})
def test_survey_mapping_from_structures(folder, data):
    mapping_path = written(folder, ".yaml", dumped(data))
    table_path = CORPUS / "survey" / "valid.csv"
    try:
        mapping, doc = load_mapping(mapping_path)
    except InvalidInput as exc:
        allowed(exc.problems, mapping_path)
        return
    try:
        result = import_responses(read_table(table_path), mapping, doc, Catalog(), mapping_source=str(mapping_path))
    except InvalidInput as exc:  # a mapping may name a rubric file (by design); that file's own problems
        assert looks_like_path(mapping.rubric), exc
        allowed(exc.problems, Path(mapping.rubric))
        return
    allowed(result.problems, table_path, mapping_path)
    for _, text in result.files:
        yaml.safe_load(text)


# ============================================================= several files of one agency-round together

RESPONDENTS = sorted((ROOT / "examples" / "2026").glob("nplra-*.yaml"))


@settings(max_examples=examples(40))
@given(cases=st.lists(mutated_file(RESPONDENTS) | st.sampled_from(RESPONDENTS).map(
    lambda path: (path.suffix, original(path))), min_size=2, max_size=4), partial=st.booleans(), latest=st.booleans())
def test_batch_of_respondents_mutated(folder, cases, partial, latest):
    """The checks across files (agency names, copies, resubmissions, answers nobody gave) on damaged returns."""
    from readiness.intake.batch import load_assessments

    group = folder / f"group{next(_names)}"
    group.mkdir()
    paths = [group / f"r{index}{suffix}" for index, (suffix, _) in enumerate(cases)]
    for path, (_, data) in zip(paths, cases):
        path.write_bytes(data)
    batch = load_assessments([group], Catalog(), partial=partial, latest=latest)
    allowed(batch.problems, *paths)
    assert batch.ok or batch.report.errors


# ======================================================================== finds waiting for the lead

_STAFF = ROOT / "examples" / "2026" / "nplra-staff.yaml"
#: The shrunk find: nplra-staff.yaml with a "%YAML 2.0" line among its comments, after content.
DIRECTIVE_FIND = original(_STAFF).replace(b"  # Institutional resistance (resistance pillar 'resistance')\n",
                                          b"  # Institutional resistance (resistance pillar 'resistance')\n"
                                          b"%YAML 2.0\n", 1)


@settings(max_examples=examples(30))
@given(reader=st.sampled_from(["assessment", "rubric", "catalogue"]), version=st.sampled_from(["2.0", "1.3", "3.1"]),
       at=st.integers(0, 10**6), data=st.just(None))
@example(reader="assessment", version="2.0", at=0, data=DIRECTIVE_FIND)
def test_a_directive_after_content_is_located(folder, reader, version, at, data):
    """A %YAML directive of an unknown version on a line after content: a located yaml-syntax problem, never
    ruamel.yaml's KeyError (a traceback from load_rubric, an internal-error in a batch)."""
    source = {"assessment": _STAFF, "rubric": MINI_RUBRIC, "catalogue": CATALOGUES[1]}[reader]
    if data is None:
        lines = original(source).splitlines(keepends=True)
        place = 1 + at % (len(lines) - 1)  # after the first line, which may be content
        data = b"".join(lines[:place] + [f"%YAML {version}\n".encode()] + lines[place:])
    path = written(folder, ".yaml", data)
    read = {"assessment": read_yaml_assessment, "rubric": read_rubric, "catalogue": read_catalogue}[reader]
    read(path)
