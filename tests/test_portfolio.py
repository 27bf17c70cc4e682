"""The portfolio: ranks with intervals, groups, paired changes, suppression, exports and the compare command.

Hand-built cases on the mini rubric (tests/fixtures/mini-rubric.yaml).  Answers given with evidence
do not move in the draws; only the weights and α do, so an agency whose every answer rose is better
in every draw (a significant change), and one whose answers are the same is unchanged in every draw.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import sqlite3
import zipfile

import numpy as np
import openpyxl
import pytest

from readiness.cli import main
from readiness.intake.batch import load_assessments
from readiness.portfolio.build import compare, unit_code
from readiness.portfolio.changes import difference
from readiness.portfolio.export import to_csv, to_json, to_sqlite, to_xlsx
from readiness.portfolio.ranks import competition_ranks, rank_units
from readiness.rubric.catalog import Catalog, load_interventions

from .conftest import MINI_RUBRIC

BASE = {"i1.a": 2, "i1.b": 2, "i2.a": 2, "i2.n": 50, "i3.a": 2, "i3.b": 2, "i4.a": 2, "i5.a": 2, "i5.n": 5}


def assessment(agency_id: str, round_: str, answers: dict, *, name: str | None = None, bare: tuple = (),
               role: str | None = None) -> str:
    """A mini@0.1 assessment; every answer evidenced except those in ``bare``."""
    lines = ["rubric: mini@0.1", f"agency: {json.dumps(name or agency_id.upper() + ' Authority')}",
             f"agency_id: {agency_id}", f"round: '{round_}'"]
    if role:
        lines.append(f"respondent: {{name: 'R. {role}', role: {role}}}")
    lines.append("answers:")
    for ident, value in answers.items():
        key = "value" if ident.endswith(".n") else "level"
        lines.append(f"  {ident}: {value}" if ident in bare else
                     f"  {ident}: {{{key}: {value}, evidence: 'Register', evidence_level: documented}}")
    return "\n".join(lines) + "\n"


def raised(by: int) -> dict:
    """BASE with every level ``by`` higher, and the share i2.n (0–100) as many quarters higher: every
    capability indicator scores 25 points more per step."""
    return {**{ident: min(4, value + by) for ident, value in BASE.items() if not ident.endswith(".n")},
            "i2.n": min(100, BASE["i2.n"] + 25 * by), "i5.n": BASE["i5.n"]}


def comparison_of(paths, **options):
    batch = load_assessments(paths, Catalog([MINI_RUBRIC]))
    assert batch.report.errors == []
    return compare(list(batch.groups()), **options).comparison


# ---------------------------------------------------------------- ranks


def test_competition_ranks_share_the_better_rank():
    assert competition_ranks(np.array([50.0, 30.0, 50.0, 10.0])).tolist() == [1, 3, 1, 4]


def test_rank_intervals_and_groups_from_hand_built_draws():
    # Unit 1 beats unit 0 in 10 of 20 draws; units 2 and 3 are tied in every draw; unit 4 is far behind.
    draws = np.array([[50.0] * 20, [49.5] * 10 + [51.0] * 10, [30.0] * 20, [30.0] * 20, [10.0] * 20])
    ranked = rank_units([50.0, 49.5, 30.0, 30.0, 10.0], draws)
    assert ranked.rank == [1, 2, 3, 3, 5]
    assert list(zip(ranked.low, ranked.high)) == [(1, 2), (1, 2), (3, 3), (3, 3), (5, 5)]
    assert ranked.group == [1, 1, 2, 2, 3]


def test_without_draws_only_ties_share_a_group():
    ranked = rank_units([50.0, 49.5, 30.0, 30.0], None)
    assert ranked.group == [1, 2, 3, 3] and ranked.low == ranked.rank == ranked.high == [1, 2, 3, 3]


def test_ranks_are_taken_at_the_stated_precision():
    assert rank_units([71.554, 71.546], None, decimals=2).rank == [1, 1]
    assert rank_units([71.554, 71.546], None, decimals=3).rank == [1, 2]


# ---------------------------------------------------------------- changes


def test_a_change_is_significant_only_when_its_interval_excludes_zero():
    before = np.zeros(100)
    clear = difference(40.0, 45.0, before, np.linspace(1, 9, 100))
    assert clear.significant and clear.direction("readiness") == "better"
    assert clear.interval == pytest.approx((1.4, 8.6))
    noise = difference(40.0, 41.0, before, np.linspace(-3, 5, 100))
    assert noise.significant is False and noise.direction("readiness") == "no clear change"
    assert difference(30.0, 20.0, before, -np.linspace(1, 9, 100)).direction("risk") == "better"
    assert difference(40.0, 45.0, None, None).significant is None


def test_changes_between_rounds_are_classified(write):
    write("2025/up.yaml", assessment("up", "2025", BASE))
    write("2026/up.yaml", assessment("up", "2026", raised(1)))
    write("2025/same.yaml", assessment("same", "2025", BASE))
    write("2026/same.yaml", assessment("same", "2026", BASE))
    # one answer without evidence moves in the draws: +1 level on it is within the noise
    write("2025/noisy.yaml", assessment("noisy", "2025", BASE, bare=("i1.a",)))
    write("2026/noisy.yaml", assessment("noisy", "2026", {**BASE, "i1.a": 3}, bare=("i1.a",)))
    comparison = comparison_of(["2025", "2026"], draws=400, seed=3)
    changes = {change.unit: change for change in comparison.changes}
    up = changes["up"].figure("readiness")
    # every capability answer a quarter of its range higher: each capability dimension +25 points, so
    # readiness (their weighted mean) +25 whatever the weights of the draw
    assert up.change == pytest.approx(25.0) and up.significant and up.direction == "better"
    assert up.interval == pytest.approx([25.0, 25.0])
    assert changes["up"].transition == "up" and changes["up"].stage_before == 3 and changes["up"].stage_after == 4
    same = changes["same"].figure("readiness")
    assert same.change == 0 and same.significant is False and same.direction == "no clear change"
    noisy = changes["noisy"].figure("readiness")
    assert noisy.change > 0 and noisy.significant is False
    assert noisy.interval[0] <= 0 <= noisy.interval[1]
    assert comparison.movers_up == ["up"] and comparison.movers_down == []
    assert comparison.transitions == {"up": 1, "stayed": 2, "down": 0}


def test_intervals_are_reproducible_with_a_seed(write):
    for agency, by in (("a", 0), ("b", 1)):
        write(f"2026/{agency}.yaml", assessment(agency, "2026", raised(by), bare=tuple(BASE)))
    first = to_json(comparison_of(["2026"], draws=300, seed=11))
    assert first == to_json(comparison_of(["2026"], draws=300, seed=11))
    assert first != to_json(comparison_of(["2026"], draws=300, seed=12))


def test_a_baseline_round_must_be_one_of_the_inputs(write, runner):
    write("2026/a.yaml", assessment("a", "2026", BASE))
    write("2025/a.yaml", assessment("a", "2025", BASE))
    result = runner.invoke(main, ["compare", "2025", "2026", "--rubric", str(MINI_RUBRIC), "--baseline", "2024"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == ("Error: --baseline 2024: no assessment of round '2024' was given; "
                                              "the rounds given are 2025, 2026")
    result = runner.invoke(main, ["compare", "2025", "2026", "--rubric", str(MINI_RUBRIC), "--baseline", "2026"])
    assert result.output.splitlines()[-1] == ("Error: --baseline 2026 is the latest round given, which is compared "
                                              "with its baseline; name an earlier round (2025)")


# ---------------------------------------------------------------- anonymised


def test_anonymised_comparisons_suppress_small_groups(write):
    # Agency a: two staff and one person whose role is their name; b and c: one staff each.
    for agency, by in (("a", 0), ("b", 1), ("c", 2)):
        write(f"2025/{agency}.yaml", assessment(agency, "2025", BASE, role="staff"))
        write(f"2026/{agency}.yaml", assessment(agency, "2026", raised(by), role="staff"))
    write("2026/a-2.yaml", assessment("a", "2026", {**BASE, "i1.a": 0}, role="staff", name="A Authority")
          .replace("R. staff", "S. staff"))  # another member of staff (the same name and role would be one person)
    write("2026/a-3.yaml", assessment("a", "2026", {**BASE, "i1.a": 4}, role="'Ayesha Khan, Director'",
                                      name="A Authority").replace("R. 'Ayesha Khan, Director'", "R. Khan"))
    comparison = comparison_of(["2025", "2026"], draws=100, anonymise=True, min_group=2)
    text = to_json(comparison)
    for secret in ("Authority", "R. staff", "R. Khan", "Ayesha", "Register", '"agency_id": "a"'):
        assert secret not in text
    current = comparison.round("2026")
    assert sorted(row.unit for row in current.units) == sorted(unit_code(a) for a in "abc")
    assert unit_code("a") == "U" + hashlib.sha256(b"a").hexdigest()[:6].upper()
    assert unit_code("a", key="k") == "U" + hmac.new(b"k", b"a", hashlib.sha256).hexdigest()[:6].upper()
    # A role given by two respondents is shown (min-group 2); one given by one person is suppressed, and a
    # role that is not a plain label is shown by number.
    roles = {(row.unit, row.role): row for row in comparison.roles if row.round == "2026" and row.pillar == "core"}
    assert roles[(unit_code("a"), "staff")].score is not None and roles[(unit_code("a"), "staff")].respondents == 2
    assert roles[(unit_code("a"), "role 1")].suppressed and roles[(unit_code("a"), "role 1")].score is None
    assert roles[(unit_code("b"), "staff")].suppressed
    # a's respondents diverge on i1.a (0, 2 and 4): individual answers are not kept, nor is evidence
    assert comparison.divergences == [] and comparison.evidence == []
    named = comparison_of(["2025", "2026"], draws=100)
    assert {row.indicator for row in named.divergences} == {"i1.a"} and named.evidence
    # every unit's scores are shown one by one, so their spreads and the stage counts are shown too
    assert all(d.median is not None for d in current.distributions)
    assert comparison.transitions == {"up": 2, "stayed": 1, "down": 0}


def test_anonymised_intervention_counts_below_the_minimum_are_suppressed(write):
    from .test_recommend import HEAD, TINY_CATALOGUE, TINY_RUBRIC

    for agency, weak in (("p", "b.b: 1"), ("q", "b.b: 1"), ("r", "b.b: 4")):
        text = HEAD.replace("agency_id: tiny", f"agency_id: {agency}")
        write(f"{agency}.yaml", text + f"answers: {{c.a: 2, c.b: 2, r.a: 2, r.b: 2, b.a: 2, {weak}}}\n")
    catalog = Catalog([TINY_RUBRIC])
    batch = load_assessments(["p.yaml", "q.yaml", "r.yaml"], catalog)
    rubric = catalog.find("tiny@1.0")
    catalogues = {rubric.ref: load_interventions(TINY_CATALOGUE, rubric)}
    shown = compare(list(batch.groups()), draws=0, catalogues=catalogues).comparison
    counts = {use.id: use.units.count for use in shown.interventions}
    hidden = compare(list(batch.groups()), draws=0, catalogues=catalogues, anonymise=True,
                     min_group=3).comparison
    for use in hidden.interventions:
        if counts[use.id] < 3:
            assert use.units.suppressed and use.units.count is None
        else:
            assert use.units.count == counts[use.id] and not use.units.suppressed
    assert any(count < 3 for count in counts.values()) and any(count == 3 for count in counts.values())


def test_without_draws_nothing_is_called_and_there_are_no_groups(write):
    write("2025/a.yaml", assessment("a", "2025", BASE))
    write("2026/a.yaml", assessment("a", "2026", raised(1)))
    comparison = comparison_of(["2025", "2026"], draws=0)
    view = comparison.round("2026")
    assert view.groups is None and view.units[0].rank_interval is None and view.units[0].group is None
    readiness = comparison.changes[0].figure("readiness")
    assert readiness.change == pytest.approx(25) and readiness.significant is None
    assert readiness.direction == "not tested" and comparison.movers_up == []


def test_changes_are_measured_on_paired_draws(write):
    # d1 (weight 3) rises from 25 to 50 while d2 (weight 1) stays at 75.  Under a draw with weight factors
    # f1, f2 the change is 3·f1·25 / (3·f1 + f2): between 25·2.25/3.5 = 16.07 and 25·3.75/4.5 = 20.83, point
    # 18.75.  Unpaired draws (each round under its own factors) would spread from about 11 to 26: the
    # readiness of 2025 alone ranges 33.3–42.9 and that of 2026 54.2–58.9.
    before = {**BASE, "i1.a": 1, "i1.b": 1, "i2.a": 3, "i2.n": 75}
    write("2025/a.yaml", assessment("a", "2025", before))
    write("2026/a.yaml", assessment("a", "2026", {**before, "i1.a": 2, "i1.b": 2}))
    comparison = comparison_of(["2025", "2026"], draws=500, seed=5)
    readiness = comparison.changes[0].figure("readiness")
    assert readiness.change == pytest.approx(18.75)
    low, high = readiness.interval
    assert 16.07 < low < 18.75 < high < 20.84
    assert readiness.significant and readiness.direction == "better"


def test_a_change_at_rounding_error_from_zero_is_not_called():
    assert difference(50.0, 50.0, np.zeros(10), np.full(10, -1.7e-15)).significant is False
    assert difference(50.0, 50.0, np.zeros(10), np.full(10, 1.4e-14)).significant is False


# ---------------------------------------------------------------- exports


HOSTILE = ["=cmd|' /C calc'!A0", "x;=1+1;", "@SUM(A1)", "＝1+1", "−1+2", "+44 20", "-2 Agency"]


@pytest.fixture
def hostile_comparison(write):
    for index, name in enumerate(HOSTILE):
        write(f"2026/u{index}.yaml", assessment(f"u{index}", "2026", raised(index % 3), name=name))
    return comparison_of(["2026"], draws=50)


def test_csv_neutralises_formulas_under_any_delimiter(hostile_comparison):
    text = to_csv(hostile_comparison)
    assert text.startswith("\ufeff\"round\",\"unit\",\"agency\"")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted(row["agency"] for row in rows) == sorted(name if name == "x;=1+1;" else "'" + name
                                                           for name in HOSTILE)
    # Every text cell is in quotes and only numbers are not: a spreadsheet that splits on ';' or tabs
    # still reads "x;=1+1;" as one text cell, not as a cell that starts with '='.
    for line in text.splitlines()[1:]:
        for bare in re.findall(r'(?:^|,)([^",]+)(?=,|$)', line):
            float(bare)
    assert ',"x;=1+1;",' in text and ',"\'=cmd|\' /C calc\'!A0",' in text


def test_xlsx_cells_are_numbers_or_text_never_formulas(hostile_comparison, tmp_path):
    data = to_xlsx(hostile_comparison)
    path = tmp_path / "c.xlsx"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as archive:
        assert not any(b"<f>" in archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets"))
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["about", "scores", "dimensions", "distributions", "changes", "stages", "roles",
                                   "divergences", "evidence", "interventions", "loop"]
    about = {row[0].value: row[1].value for row in workbook["about"].iter_rows()}
    assert about["draws"] == 50 and about["inputs"] == f"sha256 {hostile_comparison.inputs_sha256}"
    sheet = workbook["scores"]
    header = [cell.value for cell in sheet[1]]
    column = {name: index for index, name in enumerate(header)}
    rows = list(sheet.iter_rows(min_row=2))
    assert sorted(row[column["agency"]].value for row in rows) == sorted(HOSTILE)
    for row in rows:
        agency = row[column["agency"]]
        assert agency.data_type == "s" and agency.quotePrefix == (agency.value != "x;=1+1;")
        assert row[column["readiness"]].data_type == "n" and row[column["readiness"]].number_format == "0.0"
        assert isinstance(row[column["rank"]].value, int)


def test_the_sqlite_export_round_trips_the_numbers(hostile_comparison, tmp_path):
    path = tmp_path / "c.sqlite"
    path.write_bytes(to_sqlite(hostile_comparison))
    connection = sqlite3.connect(path)
    stored = {unit: (readiness, rank, low, high) for unit, readiness, rank, low, high in connection.execute(
        "SELECT unit, readiness, rank, rank_p5, rank_p95 FROM scores WHERE round = '2026'")}
    expected = {row.unit: (row.readiness, row.rank, *row.rank_interval)
                for row in hostile_comparison.round("2026").units}
    assert stored == expected
    keys = connection.execute("SELECT name FROM pragma_table_info('scores') WHERE pk > 0 ORDER BY pk").fetchall()
    assert keys == [("round",), ("unit",)]
    dimension = connection.execute("SELECT score FROM dimensions WHERE unit = 'u0' AND dimension = 'd1'").fetchone()
    assert dimension[0] == next(row.dimensions["d1"] for row in hostile_comparison.round("2026").units
                                if row.unit == "u0") == 50.0


# ---------------------------------------------------------------- the command


def test_compare_takes_the_format_from_the_extension(write, runner):
    write("2026/a.yaml", assessment("a", "2026", BASE))
    write("2026/b.yaml", assessment("b", "2026", raised(1)))
    result = runner.invoke(main, ["compare", "2026", "--rubric", str(MINI_RUBRIC), "-o", "out.json"])
    assert result.exit_code == 0, result.output
    assert json.loads(open("out.json", encoding="utf-8").read())["current"] == "2026"
    assert result.output.splitlines()[-1] == "Wrote the comparison of 2 agency-round(s) in 1 round(s) to out.json"
    result = runner.invoke(main, ["compare", "2026", "--rubric", str(MINI_RUBRIC), "-o", "out.json",
                                  "--format", "csv"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == ("Error: --format csv contradicts -o out.json (a .json file is json); "
                                              "leave --format out, or name the file .csv")
    result = runner.invoke(main, ["compare", "2026", "--rubric", str(MINI_RUBRIC), "--format", "xlsx"])
    assert result.output.splitlines()[-1] == "Error: --format xlsx writes a file: give -o FILE.xlsx"
    result = runner.invoke(main, ["compare", "2026", "--rubric", str(MINI_RUBRIC), "--min-group", "3"])
    assert result.output.splitlines()[-1] == ("Error: --min-group applies to --anonymise; add --anonymise or leave "
                                              "--min-group out")
    result = runner.invoke(main, ["compare", "2026", "--rubric", str(MINI_RUBRIC), "-o", "2026/a.yaml"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Error: -o 2026/a.yaml is one of the inputs; write the output to another file"
    result = runner.invoke(main, ["compare", "2026", "--rubric", str(MINI_RUBRIC), "-o", "2026/portfolio.xlsx"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == ("Error: -o 2026/portfolio.xlsx is inside the input folder 2026, where "
                                              "the next run would read it as a return (or list it as skipped); write it elsewhere")
    result = runner.invoke(main, ["compare", "2026", "--rubric", str(MINI_RUBRIC), "-o", "out.xslx"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: -o out.xslx: the file's extension does not say which format to write; name it .txt, .json, .csv, "
        ".xlsx, .sqlite, .sqlite3, .db, .html, .htm, .pdf, or give --format")
    result = runner.invoke(main, ["compare", "2026", "--rubric", str(MINI_RUBRIC), "--code-key", "k"])
    assert result.output.splitlines()[-1] == ("Error: --code-key applies to --anonymise; add --anonymise or leave "
                                              "--code-key out")


def test_compare_table_shows_ranks_groups_and_changes(write, runner):
    # Alpha 2026, by hand: every capability score 75, so readiness 75.0; resistance 1 − 0.75 = 0.25; barrier
    # d4 severity 0.25 × (1 + 1.0 × 0.25) = 0.3125, d5 (i5.a 0.75, i5.n 5 of 10 lower-is-better 0.5) severity
    # 0.375 × (1 + 0.5 × 0.25) = 0.421875; risk = 100 × (0.25 + (0.3125 + 0.421875) / 2) / 2 = 30.9.
    # Stage: readiness band 4, weakest dimension 75 → 4 + 1; so 4 Managed.  2025: every score 50, readiness 50.
    write("2025/a.yaml", assessment("a", "2025", BASE, name="Alpha Agency"))
    write("2026/a.yaml", assessment("a", "2026", raised(1), name="Alpha Agency"))
    write("2026/b.yaml", assessment("b", "2026", BASE, name="Beta Bureau"))
    result = runner.invoke(main, ["compare", "2025", "2026", "--rubric", str(MINI_RUBRIC), "--draws", "100"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("Round 2026: 2 units ranked by readiness, in 2 group(s) that cannot be told apart within")
    assert lines[start + 3].split() == ["1", "1", "Alpha", "Agency", "75.0", "30.9", "4", "Managed", "Ready", "to",
                                        "scale", "+25.0▲"]
    assert lines[start + 4].split() == ["75–75", "29–32"]  # the ranges of 90% of the draws
    assert lines[start + 5].split()[:3] == ["2", "2", "Beta"] and lines[start + 5].split()[-1] == "–"
    assert ("Since 2025 (1 unit in both rounds): readiness rose clearly for 1, fell clearly for 0; stage up 1, "
            "stayed 0, down 0.") in " ".join(result.output.split())
