"""Odd and hostile input: every case ends in a located message and exit code 1, never a traceback."""

from __future__ import annotations

import json

import pytest

from readiness.cli import main
from readiness.errors import Document, InvalidInput, Location, Problem
from readiness.intake.batch import load_assessments
from readiness.intake.checks import MAX_PROBLEMS, Collector, _cap

from .conftest import FIXTURES, MINI_A, MINI_RUBRIC, located_codes


def messages(batch) -> list[str]:
    return [str(problem) for problem in batch.problems]


def test_structural_problems_are_reported_with_everything_else(write, mini_catalog):
    text = MINI_A.replace("agency_id: test", "agency_id: BAD").replace("  i1.b: 2\n", "  i1.b: &two 9\n")
    text = text.replace("  i2.a: 1\n", "  i2.a: *two\n  i2.a: 1\n").replace("  i3.a: 1\n", "  i3.a: !!binary aGk=\n")
    batch = load_assessments([write("many.yaml", text)], mini_catalog)
    assert located_codes(batch.problems) == [
        ("many.yaml:3:12", "invalid-agency-id"),  # no gap named: every answer is given, some refused
        ("many.yaml:7:9", "level-out-of-range"),
        ("many.yaml:8:9", "alias"),
        ("many.yaml:9:3", "duplicate-key"),
        ("many.yaml:11:9", "yaml-tag"),
    ]


def test_keys_are_compared_as_yaml_compares_them(write, mini_catalog):
    text = MINI_A.replace("answers:\n", "answers:\n  1: 3\n  1.0: 3\n  true: 3\n  'i1.a': 4\n")
    batch = load_assessments([write("keys.yaml", text)], mini_catalog)
    assert located_codes(batch.problems) == [
        ("keys.yaml:6:3", "unknown-indicator"),
        ("keys.yaml:7:3", "key-clash"),
        ("keys.yaml:8:3", "key-clash"),
        ("keys.yaml:10:3", "duplicate-key"),
    ]


def test_huge_numbers_and_deep_nesting(write, mini_catalog):
    write("huge.yaml", MINI_A.replace("i2.n: {value: 60,", "i2.n: {value: " + "1" * 401 + ","))
    write("bigint.yaml", MINI_A.replace("i2.n: {value: 60,", "i2.n: {value: " + "9" * 30 + ","))
    write("deep.yaml", "x: " + "[" * 2000 + "]" * 2000 + "\n")
    write("deepmap.yaml", "".join("  " * depth + f"k{depth}:\n" for depth in range(60)))
    write("nul.yaml", "rubric: mini@0.1\nagency: A\x00B\n")
    batch = load_assessments(["huge.yaml", "bigint.yaml", "deep.yaml", "deepmap.yaml", "nul.yaml"], mini_catalog)
    assert located_codes(batch.problems) == [
        ("huge.yaml:9:17", "invalid-answer"),
        ("bigint.yaml:9:17", "number-too-large"),
        ("deep.yaml:1:1003", "too-deep"),  # where libyaml's own limit stops it: located, not a bare file name
        ("deepmap.yaml:41:81", "too-deep"),  # the 41st mapping, the one holding k40
        ("nul.yaml:2:10", "control-character"),
    ]


def nested_flow_lists(size: int, depth: int = 60) -> str:
    """The issue's attack: an assessment whose answers are a long list of deeply nested flow lists."""
    chunk = "[" * depth + "1" + "]" * depth
    return MINI_A.split("answers:")[0] + "answers: [" + ",".join([chunk] * (size // len(chunk))) + "]\n"


@pytest.mark.parametrize("size", [100_000, 1_900_000])  # below and above the size checked before parsing
def test_nested_flow_lists_give_one_located_problem(write, mini_catalog, size):
    # 1.9 MB of these took 7.7 minutes and 653 MB, and printed 2,400 errors past the 200-per-file cap:
    # the positioned parse costs depth × values.  Depth is now bounded before it, at the first excess.
    batch = load_assessments([write("nested.yaml", nested_flow_lists(size))], mini_catalog)
    assert messages(batch) == ["nested.yaml:5:49: nesting is too deep (more than 40 levels); an assessment or rubric "
                               "needs at most eight"]


def test_too_many_values_are_refused_before_the_positioned_parse(write, mini_catalog, monkeypatch):
    import readiness.yamlio as yamlio

    flat = MINI_A.replace("rubric: mini@0.1", "rubric: nowhere@1") + "extra: [" + ",".join(["1"] * 30_000) + "]\n"
    write("flat.yaml", flat)
    composed = []
    real_yaml = yamlio.YamlDocument
    monkeypatch.setattr(yamlio, "YamlDocument", lambda *a, **k: composed.append(a) or real_yaml(*a, **k))
    batch = load_assessments(["flat.yaml"], mini_catalog)
    # MINI_A has 41 values (mappings, keys and scalars); with `extra` and its list, 43; the 19,958th item
    # is the 20,001st value, at column 9 + 2 × 19,957.
    assert [(str(p.location), p.code) for p in batch.problems] == [("flat.yaml:15:39923", "too-many-values")]
    assert messages(batch)[0].endswith("the file holds more than 20,000 values (keys, scalars, lists and "
                                       "mappings); no assessment or rubric needs so many")
    assert len(composed) == 1  # the fast parse only: the positioned parse never started


def test_a_small_deep_file_reports_its_depth_once(write, mini_catalog):
    deep = "[" * 45 + "1" + "]" * 45
    batch = load_assessments([write("deep.yaml", MINI_A + f"extra: [{deep}, {deep}, {deep}]\n")], mini_catalog)
    assert located_codes(batch.problems) == [("deep.yaml:15:47", "too-deep")]


def test_control_characters_in_agency_text_are_refused(write, mini_catalog):
    write("ctl.yaml", MINI_A.replace("agency: Test Agency", 'agency: "Evil\\e[31mRED\\u202eTXET"'))
    write("urdu.yaml", MINI_A.replace("agency: Test Agency", 'agency: "ادارہ\\u200cاراضی"'))
    batch = load_assessments(["ctl.yaml", "urdu.yaml"], mini_catalog)
    assert messages(batch) == ["ctl.yaml:2:9: agency contains the control character U+001B; remove it"]
    assert batch.assessments[0].agency == "ادارہ\u200cاراضی"  # a joiner that Urdu text needs is kept


def test_table_keeps_wide_characters_aligned(write, runner):
    write("a.yaml", MINI_A.replace("agency: Test Agency", "agency: 北部省土地记录局"))
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "a.yaml"])
    header, rule, row = result.output.splitlines()[1:4]
    assert header.startswith("Agency            Round")  # 8 wide characters take 16 columns
    assert row.startswith("北部省土地记录局  2026")


def test_problems_per_file_are_capped(write, mini_catalog):
    junk = "".join(f"  junk{index}: 1\n" for index in range(500))
    batch = load_assessments([write("junk.yaml", MINI_A + junk)], mini_catalog)
    assert len(batch.problems) == MAX_PROBLEMS + 1
    assert messages(batch)[-1] == "junk.yaml:214:3: … and 300 more problems in this file"
    assert messages(batch)[0] == "junk.yaml:15:3: unknown indicator 'junk0' in rubric mini@0.1"


def test_a_flood_of_warnings_never_hides_an_error():
    out = Collector(Document("flood.yaml", ""))
    out.problems[:] = [Problem(Location("flood.yaml", line=n), "number-out-of-range", f"warning {n}", "warning")
                       for n in range(1, 251)]
    out.problems.append(Problem(Location("flood.yaml", line=251), "level-out-of-range", "the one error"))
    _cap(out)
    assert len(out.problems) == MAX_PROBLEMS + 1
    assert out.problems[0].message == "the one error"
    assert [p.message for p in out.problems[1:3]] == ["warning 1", "warning 2"]
    note = out.problems[-1]
    assert (note.code, note.severity, note.message) == ("too-many-problems", "warning",
                                                        "… and 51 more problems in this file")


def test_round_must_be_a_label(write, mini_catalog):
    write("neg.yaml", MINI_A.replace("round: 2026", "round: -5"))
    write("zero.yaml", MINI_A.replace("round: 2026", "round: 02026"))
    batch = load_assessments(["neg.yaml", "zero.yaml"], mini_catalog)
    assert located_codes(batch.problems) == [
        ("neg.yaml:4:8", "invalid-round"),
    ]
    assert batch.assessments[0].round == "02026"  # kept as written, not read as a number


def test_readiness_exactly_on_a_threshold(runner):
    from readiness.rubric.catalog import Catalog
    from readiness.scoring.method import compute_indices, merge_answers

    batch = load_assessments([FIXTURES / "readiness-exactly-50.yaml"], Catalog())
    (assessment,) = batch.assessments
    rubric = Catalog().resolve("egov-readiness@1.0")  # the rubric the fixture answers
    merged = merge_answers(rubric, [assessment])
    raw = compute_indices(rubric, {i: m.score for i, m in merged.items()}).readiness * 100
    assert raw < 50  # floating point lands a hair below the exact value, 50
    result = runner.invoke(main, ["score", "--format", "json", str(FIXTURES / "readiness-exactly-50.yaml")])
    (card,) = json.loads(result.output)
    assert card["quadrant"] == "Capable but contested"
    assert card["stage"]["level"] == 3


def test_csv_guards_every_formula_prefix(write, runner):
    import csv
    import io

    for prefix in ("=", "+", "-", "@"):
        write("a.yaml", MINI_A.replace("agency: Test Agency", f"agency: '{prefix}cmd|calc'"))
        result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "--format", "csv", "a.yaml"])
        assert list(csv.DictReader(io.StringIO(result.output)))[0]["agency"] == f"'{prefix}cmd|calc"


def test_oversized_yaml_is_never_parsed(write, mini_catalog, monkeypatch):
    import readiness.yamlio as yamlio
    from readiness.yamlio import MAX_YAML_BYTES

    def no_parsing(*args, **kwargs):
        raise AssertionError("an oversized file reached the parser")

    monkeypatch.setattr(yamlio, "load_fast", no_parsing)
    monkeypatch.setattr(yamlio, "load_located", no_parsing)
    write("huge.yaml", MINI_A + "#" * MAX_YAML_BYTES)
    batch = load_assessments(["huge.yaml"], mini_catalog)
    assert messages(batch) == ["huge.yaml: file is larger than the 2,097,152-byte limit for YAML files"]


def test_template_options_are_checked(runner):
    result = runner.invoke(main, ["template", "--agency-id", "Bad Id"])
    assert result.exit_code == 2
    assert "Invalid value for --agency-id: use 1-60 lowercase letters, digits, '-' or '_' (e.g. nplra)" \
        in result.output


def test_output_into_a_missing_folder(write, runner):
    write("a.yaml", MINI_A)
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "-o", "nowhere/out.csv", "a.yaml"])
    assert (result.exit_code, result.stderr) == (1, "Error: folder does not exist: nowhere\n")


@pytest.mark.parametrize("change, message", [
    ("weight: 3\n", "weight: '3'\n"),
])
def test_rubric_numbers_are_strict(tmp_path, change, message):
    from readiness.errors import InvalidInput
    from readiness.rubric.catalog import load_rubric

    path = tmp_path / "r.yaml"
    path.write_text(MINI_RUBRIC.read_text(encoding="utf-8").replace(change, message), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_rubric(path)
    assert [str(p) for p in caught.value.problems] == [f"{path}:18:17: weight: input should be a valid number"]


def test_rubric_scale_and_weights_are_bounded(tmp_path):
    from readiness.errors import InvalidInput
    from readiness.rubric.catalog import load_rubric

    text = MINI_RUBRIC.read_text(encoding="utf-8").replace("  max: 4\n", "  max: 100000000\n")
    text = text.replace("        weight: 3\n", "        weight: 1e308\n")
    text = text.replace("levels: {0: none, 1: paper, 2: pilot, 3: routine, 4: measured}\n      - id: d2",
                        "levels: {'0': none, 1: paper, 2: pilot, 3: routine, 4: measured}\n      - id: d2")
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_rubric(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:7:8: max: input should be less than or equal to 20",
        f"{path}:18:17: weight: input should be less than or equal to 1000",
        f"{path}:25:22: key '0' must be a whole number (a level of the scale)",
    ]


def test_a_flood_of_warnings_never_makes_a_valid_file_invalid(tmp_path):
    from readiness.rubric.catalog import Catalog

    indicators = "".join(f"          - {{id: d.q{i}, text: Q{i}, levels: {{0: a, 1: b, 2: c, 3: d, 4: e}}}}\n"
                         for i in range(210))
    rubric = tmp_path / "big.yaml"
    rubric.write_text("id: big\nversion: '1'\ntitle: Big\npillars:\n  - id: p\n    kind: capability\n    title: P\n"
                      "    dimensions:\n      - id: d\n        title: D\n        indicators:\n" + indicators,
                      encoding="utf-8")
    answers = "".join(f"  d.q{i}: {{level: 3, evidence_level: documented}}\n" for i in range(210))
    path = tmp_path / "a.yaml"
    path.write_text(f"rubric: big@1\nagency: A\nagency_id: a\nround: 2026\nanswers:\n{answers}", encoding="utf-8")
    catalog = Catalog([rubric])
    batch = load_assessments([path], catalog)
    assert batch.report.errors == [] and len(batch.assessments) == 1
    assert str(batch.problems[-1]) == f"{path}:205:38: warning: … and 10 more problems in this file"


def test_an_assessment_cannot_bring_its_own_rubric_file(write, runner):
    """One untrusted file must not swap the rubric for everyone: a rubric is named id@version, never by path."""
    from .conftest import ROOT

    shipped = (ROOT / "rubrics" / "egov-readiness-1.0.yaml").read_text(encoding="utf-8")
    write("notes@1.txt", shipped.replace("weight: 1\n", "weight: 9\n", 5))  # same id@version, other weights
    honest = (ROOT / "examples" / "2025" / "frdsb.yaml").read_text(encoding="utf-8")  # round 2025 answers 1.0
    write("frdsb.yaml", honest)
    alone = runner.invoke(main, ["score", "--format", "json", "frdsb.yaml"])
    (expected,) = json.loads(alone.output)
    hostile = (ROOT / "examples" / "2025" / "wpps.yaml").read_text(encoding="utf-8")
    for ref in ("./notes@1.txt", "./missing@1.txt", "/etc/readiness@1.yaml"):
        write("wpps.yaml", hostile.replace("rubric: egov-readiness@1.0", f"rubric: {ref}"))
        result = runner.invoke(main, ["score", "--format", "json", "frdsb.yaml", "wpps.yaml"])
        assert result.exit_code == 1
        (card,) = json.loads(result.stdout)
        assert card == expected  # the other agency's scores did not move
        # The same words whether or not the path exists: nothing is revealed about the machine.
        assert result.stderr.splitlines()[0] == (
            "wpps.yaml:3:9: an assessment names its rubric as id@version, e.g. rubric: egov-readiness@1.0, never as "
            "a file; to score against a rubric file, give it with --rubric FILE")


def test_one_unreadable_file_never_stops_the_batch(write, runner, mini_catalog, monkeypatch):
    write("good.yaml", MINI_A)
    write("directive.yaml", "%YAML 1.3\n---\n" + MINI_A.replace("agency_id: test", "agency_id: other"))
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), "--format", "csv", "good.yaml",
                                  "directive.yaml"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "directive.yaml:1:1: YAML syntax error: %YAML 1.3 is not a version readiness reads; remove this line (files "
        "are read as YAML 1.2)",
        "1 file(s) could not be scored; see the messages above.",
    ]
    assert [row.split(",")[1] for row in result.stdout.splitlines()[1:]] == ["test"]
    # Whatever else fails while one file is read becomes that file's problem, with a code to report.
    import readiness.intake.yaml

    real_read = readiness.intake.yaml.read

    def fragile(path, rubrics):
        if path.name == "directive.yaml":
            raise AssertionError("a parser's own assertion")
        return real_read(path, rubrics)

    monkeypatch.setattr(readiness.intake.yaml, "read", fragile)
    batch = load_assessments(["good.yaml", "directive.yaml"], mini_catalog)
    assert [(str(p.location), p.code) for p in batch.problems] == [("directive.yaml", "internal-error")]
    assert str(batch.problems[0]).startswith("directive.yaml: reading this file failed unexpectedly (AssertionError: "
                                             "a parser's own assertion)")
    assert [a.source for a in batch.assessments] == ["good.yaml"]


def test_a_file_only_the_fast_parser_accepts_is_explained_by_the_reference_parser(write, mini_catalog):
    # libyaml reads a tab after a colon; ruamel.yaml, which locates problems, refuses it: its refusal
    # is the file's problem, with its place, rather than problems that lost theirs.
    write("tab.yaml", MINI_A.replace("  i1.b: 2\n", "  i1.b:\t9\n"))
    batch = load_assessments(["tab.yaml"], mini_catalog)
    assert [str(p) for p in batch.problems] == [
        "tab.yaml:7:8: YAML syntax error: a tab character; indent YAML with spaces, not tabs"]
    write("tab-ok.yaml", MINI_A.replace("  i1.b: 2\n", "  i1.b:\t2\n"))  # nothing to locate: read as it means
    assert load_assessments(["tab-ok.yaml"], mini_catalog).problems == []


def test_yaml_directives_are_read_as_yaml_reads_them(write, mini_catalog):
    write("v12.yaml", "%YAML 1.02\n---\n" + MINI_A)
    write("text.yaml", MINI_A.replace("agency: Test Agency", "agency: \"Test\n%YAML 1.3 Agency\"")
          .replace("agency_id: test", "agency_id: text"))
    write("v13.yaml", "# a comment\n%YAML 1.3\n---\n" + MINI_A.replace("agency_id: test", "agency_id: other"))
    batch = load_assessments(["v12.yaml", "text.yaml", "v13.yaml"], mini_catalog)
    assert located_codes(batch.problems) == [("v13.yaml:2:1", "yaml-syntax")]
    assert sorted(a.agency for a in batch.assessments) == ["Test %YAML 1.3 Agency", "Test Agency"]


def test_a_survey_workbook_with_a_cell_at_row_two_billion_is_refused_at_once(tmp_path):
    # One cell at row 2e9 made the table reader yield two billion empty rows: `import` hung.
    import zipfile

    import openpyxl

    from readiness.intake.survey import read_table

    book = openpyxl.Workbook()
    book.active.title = "Responses"
    book.active.append(["agency_id", "agency", "i1.a"])
    book.active.append(["test", "Test Agency", 3])
    plain, far = tmp_path / "plain.xlsx", tmp_path / "far.xlsx"
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(far, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="2000000000"><c r="B2000000000"><v>1</v></c></row>'
                                                     b"</sheetData>")
            target.writestr(item, data)
    assert read_table(plain).rows == [(2, ["test", "Test Agency", 3])]
    with pytest.raises(InvalidInput) as refused:
        read_table(far)
    assert [str(problem) for problem in refused.value.problems] == [
        f"{far}: Responses!B2000000000: the Responses sheet has a cell at row 2,000,000,000, column 2: past Excel's "
        f"last row (1,048,576) or column (16,384, XFD); it was not saved by a spreadsheet program"]


def test_the_problem_cap_holds_for_a_survey_import(tmp_path, runner):
    # 5,000 rows with two bad answers each printed 10,000 lines: the 200-per-file cap now holds here too.
    import csv

    from .test_import import HEADER, MAPPING, ROWS

    (tmp_path / "mapping.yaml").write_text(MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}"),
                                           encoding="utf-8")
    with open(tmp_path / "bad.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(5000):
            writer.writerow([ROWS[0][0], f"A{number}", *ROWS[0][2:3], "Sometimes", *ROWS[0][4:5], "Never",
                             *ROWS[0][6:]])
    result = runner.invoke(main, ["import", str(tmp_path / "bad.csv"), "--map", str(tmp_path / "mapping.yaml"),
                                  "-o", str(tmp_path / "out")])
    lines = result.output.splitlines()
    assert result.exit_code == 1 and len(lines) == MAX_PROBLEMS + 1
    assert lines[0].startswith(f"{tmp_path / 'bad.csv'}:2:4: column 'Q1a': 'Sometimes' is not a valid answer")
    assert lines[-1] == f"{tmp_path / 'bad.csv'}:101:6: … and 9800 more problems in this file"
    assert not (tmp_path / "out").exists()


def test_a_yaml_directive_after_content_is_located(write, mini_catalog):
    # Found by fuzzing: ruamel.yaml took a "%YAML 2.0" line after content for a directive and raised KeyError.
    text = MINI_A.replace("answers:\n", "answers:\n%YAML 2.0\n")
    batch = load_assessments([write("late.yaml", text)], mini_catalog)
    assert messages(batch) == ["late.yaml:6:1: YAML syntax error: %YAML 2.0 is not a version readiness reads; remove "
                               "this line (files are read as YAML 1.2)"]


def test_a_yaml_directive_after_a_quoted_value_is_located(write, mini_catalog):
    # Found in review: after a quoted value, ruamel.yaml's version check failed with an AssertionError instead.
    batch = load_assessments([write("late.yaml", 'a: "x"\n%YAML 1.3\n')], mini_catalog)
    assert located_codes(batch.problems) == [("late.yaml:2:1", "yaml-syntax")]


def test_csv_values_past_the_field_limit_say_which_it_is(tmp_path):
    from readiness.intake.survey import read_table

    (tmp_path / "quote.csv").write_text('a,b\n1,"open' + "x" * 140_000 + "\n", encoding="utf-8")
    (tmp_path / "long.csv").write_text("a,b\n1," + "x" * 140_000 + "\n", encoding="utf-8")
    for name, message in (("quote.csv", "a value in the row from this line opens a double quote that is never "
                                         "closed (it runs on past 131,072 characters); close it (a double quote "
                                         'inside a quoted value is written twice: "")'),
                          ("long.csv", "a value in this row is longer than 131,072 characters; no answer or "
                                       "evidence is that long: shorten it")):
        with pytest.raises(InvalidInput) as refused:
            read_table(tmp_path / name)
        assert [str(p) for p in refused.value.problems] == [f"{tmp_path / name}:2:1: {message}"]
