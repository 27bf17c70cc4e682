"""The portfolio: ranks with intervals, groups, paired changes, suppression, exports and the compare command.

Hand-built cases on the mini rubric (tests/fixtures/mini-rubric.yaml).  Answers given with evidence
do not move in the draws; only the weights and α do, so an agency whose every answer rose is better
in every draw (a significant change), and one whose answers are the same is unchanged in every draw.
"""

from __future__ import annotations

import csv
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
from readiness.rubric.catalog import Catalog

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
    assert {kind: count.count for kind, count in comparison.transitions.items()} == {"up": 1, "stayed": 2, "down": 0}


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
    for agency, by in (("a", 0), ("b", 1), ("c", 2)):
        write(f"2025/{agency}.yaml", assessment(agency, "2025", BASE, role="staff"))
        write(f"2026/{agency}.yaml", assessment(agency, "2026", raised(by), role="staff"))
    comparison = comparison_of(["2025", "2026"], draws=100, anonymise=True, min_group=3)
    text = to_json(comparison)
    assert "Authority" not in text and "R. staff" not in text and "Register" not in text
    current = comparison.round("2026")
    assert sorted(row.unit for row in current.units) == sorted(unit_code(a) for a in "abc")
    assert unit_code("a") == "U" + __import__("hashlib").sha256(b"a").hexdigest()[:4].upper()
    # three units: the spreads are shown at --min-group 3; the transition counts 1 and 2 are not
    assert all(not d.suppressed and d.median is not None for d in current.distributions)
    assert comparison.transitions["up"].suppressed and comparison.transitions["up"].count is None
    assert comparison.transitions["down"].count == 0 and not comparison.transitions["down"].suppressed
    # one respondent per role: that role's pillar scores would be one person's answers
    assert comparison.roles and all(row.suppressed and row.score is None for row in comparison.roles)
    assert comparison.evidence == []
    hidden = comparison_of(["2025", "2026"], draws=100, anonymise=True, min_group=4).round("2026")
    assert all(d.suppressed and d.median is None for d in hidden.distributions)


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
    assert workbook.sheetnames == ["scores", "dimensions", "distributions", "changes", "stages", "roles",
                                   "divergences", "evidence", "interventions", "loop"]
    sheet = workbook["scores"]
    header = [cell.value for cell in sheet[1]]
    column = {name: index for index, name in enumerate(header)}
    rows = list(sheet.iter_rows(min_row=2))
    assert sorted(row[column["agency"]].value for row in rows) == sorted(HOSTILE)
    for row in rows:
        agency = row[column["agency"]]
        assert agency.data_type == "s" and agency.quotePrefix == (agency.value != "x;=1+1;")
        assert row[column["readiness"]].data_type == "n"
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
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Error: -o 2026/a.yaml is one of the inputs; write the output to another file"


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
    start = lines.index("Round 2026: 2 units ranked by readiness, in 2 group(s) not distinguishable within")
    assert lines[start + 3].split() == ["1", "1", "Alpha", "Agency", "75.0", "30.9", "4", "Managed", "Ready", "to",
                                        "scale", "+25.0▲"]
    assert lines[start + 4].split() == ["75–75", "29–32"]  # the ranges of 90% of the draws
    assert lines[start + 5].split()[:3] == ["2", "2", "Beta"] and lines[start + 5].split()[-1] == "new"
    assert ("Since 2025 (1 units in both rounds): readiness rose clearly for 1, fell clearly for 0; stage up 1, "
            "stayed 0, down 0.") in " ".join(result.output.split())
