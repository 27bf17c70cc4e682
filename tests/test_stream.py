"""Reading a batch one agency-round at a time: the quick look that groups files, and the stream itself."""

from __future__ import annotations

import gc
import json
import shutil
import weakref

import pytest

from readiness.intake import peek
from readiness.intake.batch import AssessmentStream, Regrouped, load_assessments
from readiness.intake.peek import yaml_agency_round
from readiness.rubric.catalog import Catalog

from .conftest import MINI_A, ROOT
from .xlsx_helpers import blank_workbook, fill_workbook

HEADER = MINI_A.split("answers:")[0]


@pytest.mark.parametrize(("text", "key"), [
    (MINI_A, ("test", "2026")),
    (MINI_A.replace("round: 2026", "round: '2026-q1'  # the first quarter"), ("test", "2026-q1")),
    (MINI_A.replace("agency_id: test", 'agency_id: "test"'), ("test", "2026")),
    (MINI_A.replace("agency_id: test", "agency_id : test # comment"), ("test", "2026")),
    ("# a comment first\n" + MINI_A, ("test", "2026")),
])
def test_the_quick_look_reads_plainly_written_files(write, text, key):
    assert yaml_agency_round(write("a.yaml", text)) == key


@pytest.mark.parametrize("text", [
    "---\n" + MINI_A,  # a document marker: the parser decides
    "{rubric: mini@0.1, agency: A, agency_id: test, round: 2026, answers: {}}\n",  # a flow mapping
    MINI_A + "agency_id: other\n",  # given twice
    MINI_A.replace("agency_id: test", "agency_id: te\n  st"),  # continued on the next line
    MINI_A.replace("agency_id: test", 'agency_id: "te\\u0073t"'),  # an escape
    MINI_A.replace("agency_id: test", "agency_id: &id test"),  # an anchor
    MINI_A.replace("agency_id: test", "agency_id: Not An Id"),  # no valid id: read whole, explained there
    MINI_A.replace("round: 2026\n", ""),  # no round
    '"agency_id": test\nround: 2026\n',  # a quoted key
])
def test_the_quick_look_says_nothing_of_anything_unusual(write, text):
    assert yaml_agency_round(write("a.yaml", text)) is None


def test_the_quick_look_reads_a_workbooks_cover_as_the_reader_does(tmp_path, mini_rubric):
    path = fill_workbook(blank_workbook(tmp_path / "a.xlsx", mini_rubric), {},
                         cover={"B4": "Test Agency", "B5": "test", "B6": 2026.0})
    assert peek.agency_round(path) == ("test", "2026")
    assert peek.agency_round(tmp_path / "missing.xlsx") is None


@pytest.fixture
def mixed(tmp_path):
    """Examples of two rounds and rubric versions, one respondent's file broken, one file stating its
    agency in a way the quick look leaves to the full read, and a file that is no assessment."""
    folder = tmp_path / "in"
    shutil.copytree(ROOT / "examples", folder)
    (folder / "2026" / "nplra-finance.yaml").write_text("rubric: [\n", encoding="utf-8")
    first = next((folder / "2025").glob("*.yaml"))
    first.write_text("---\n" + first.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "notes.yaml").write_text("just: a mapping\n", encoding="utf-8")
    return folder


def test_the_stream_gives_what_reading_everything_at_once_gives(mixed):
    catalog = Catalog()
    streamed = AssessmentStream([mixed], catalog)
    groups = list(streamed)
    whole = AssessmentStream([mixed], catalog, peek=False)
    assert [(rubric.ref, [m.source for m in members]) for rubric, members in groups] == \
        [(rubric.ref, [m.source for m in members]) for rubric, members in whole]
    assert streamed.report == whole.report
    batch = load_assessments([mixed], catalog)
    assert [[m.source for m in members] for _, members in batch.groups()] == \
        [[m.source for m in members] for _, members in groups]
    assert batch.report == streamed.report and not batch.report.valid


def test_the_stream_holds_one_agency_round_at_a_time(mixed):
    held = []
    for _, members in AssessmentStream([mixed], Catalog()):
        gc.collect()
        assert all(ref() is None for ref in held)  # what was given out before is not kept by the stream
        held = [weakref.ref(member) for member in members]


def test_a_wrong_quick_look_is_caught(mixed, monkeypatch):
    # The look says every 2025 file is of agency aaa (sorted first); reading shows otherwise after aaa's
    # agency-round was given out: the stream refuses to go on, and load_assessments starts again without it.
    real = peek.agency_round
    monkeypatch.setattr(peek, "agency_round",
                        lambda path, **look: ("aaa", "2025") if "2025" in path.parts else real(path, **look))
    moved = next((mixed / "2025").glob("*.yaml"))
    (mixed / "2025" / "aaa.yaml").write_text(moved.read_text(encoding="utf-8").replace(
        next(line for line in moved.read_text(encoding="utf-8").splitlines() if line.startswith("agency_id:")),
        "agency_id: aaa"), encoding="utf-8")
    with pytest.raises(Regrouped):
        list(AssessmentStream([mixed], Catalog()))
    monkeypatch.setattr(peek, "agency_round", real)
    expected = load_assessments([mixed], Catalog())
    monkeypatch.setattr(peek, "agency_round",
                        lambda path, **look: ("aaa", "2025") if "2025" in path.parts else real(path, **look))
    again = load_assessments([mixed], Catalog())
    assert again.report == expected.report
    assert [a.source for a in again.assessments] == [a.source for a in expected.assessments]


def test_a_wrong_quick_look_for_a_later_agency_round_also_starts_again(mixed, monkeypatch):
    # Here nothing given out lacks a file, but the agency-rounds would come out of order (and a scorer's
    # draws in other chunks): the stream starts again too.
    expected = load_assessments([mixed], Catalog())
    real = peek.agency_round
    monkeypatch.setattr(peek, "agency_round", lambda path, **look: ("zzz", "2099") if "2025" in path.parts else real(path, **look))
    with pytest.raises(Regrouped, match="states agency .* round 2025, not zzz 2099 as a quick look at it said"):
        list(AssessmentStream([mixed], Catalog()))
    again = load_assessments([mixed], Catalog())
    assert again.report == expected.report
    assert [a.source for a in again.assessments] == [a.source for a in expected.assessments]


def test_the_report_is_complete_only_after_the_stream(mixed):
    stream = AssessmentStream([mixed], Catalog())
    with pytest.raises(RuntimeError, match="only after iterating"):
        stream.report


def _forty_agency_rounds():
    """40 one-respondent agency-rounds of egov-readiness@1.0, answered at random (seeded), no evidence."""
    import random

    from readiness.intake.model import Answer, Assessment

    rubric = Catalog().find("egov-readiness@1.0")
    rng = random.Random(5)

    def answer(indicator):
        if indicator.type == "level":
            return Answer(state="answered", value=rng.randint(rubric.scale.min, rubric.scale.max))
        return Answer(state="answered", value=round(rng.uniform(indicator.min, indicator.max), 1))

    return [(rubric, [Assessment(rubric_id=rubric.id, rubric_version=rubric.version, agency=f"Agency {n}",
                                 agency_id=f"a{n:02d}", round="2026", source=f"a{n:02d}.yaml", sha256="0",
                                 answers={i: answer(p.indicator) for i, p in rubric.places.items()})])
            for n in range(40)]


def test_streamed_scoring_gives_the_intervals_of_all_at_once_to_the_last_digit():
    # 40 agency-rounds of one size are more than a chunk (16): the stream must chunk them as simulate does.

    import numpy as np

    from readiness.scoring.batch import ScoreStream, score_batch
    from readiness.scoring.scorecard import score_assessment
    from readiness.scoring.uncertainty import draw_factors, simulate, summarise, unit_seed

    groups = _forty_agency_rounds()
    rubric = groups[0][0]
    units = [members for _, members in groups]
    cards = [score_assessment(rubric, members) for members in units]
    rngs = [np.random.default_rng(unit_seed(7, card.agency_id, card.round)) for card in cards]
    at_once = {cards[index].agency_id: summarise(cards[index], draws, 200, 7)
               for index, draws in simulate(rubric, units, draw_factors(rubric, 200, 7), rngs)}
    streamed = ScoreStream(draws=200, seed=7)
    given = {card.agency_id: card for card, _ in streamed.scores(iter(groups))}
    assert given == at_once
    assert score_batch(groups, draws=200, seed=7).scorecards == sorted(at_once.values(), key=lambda c: (
        c.agency.casefold(), c.agency_id, c.round))


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_score_gives_the_same_bytes_when_a_quick_look_is_wrong(mixed, monkeypatch, runner, fmt):
    from readiness.cli import main

    command = ["score", str(mixed), "--format", fmt, "--draws", "30"]
    expected = runner.invoke(main, command)
    real = peek.agency_round
    monkeypatch.setattr(peek, "agency_round", lambda path, **look: ("zzz", "2099") if "2025" in path.parts else real(path, **look))
    again = runner.invoke(main, command)
    assert (again.exit_code, again.stdout, again.stderr) == (expected.exit_code, expected.stdout, expected.stderr)
    assert expected.exit_code == 1 and "central province" in expected.stdout.lower()


def test_score_json_through_a_spool_beside_the_output(mixed, runner, tmp_path):
    from readiness.cli import main

    out = tmp_path / "out" / "scores.json"
    out.parent.mkdir()
    to_file = runner.invoke(main, ["score", str(mixed), "--draws", "30", "-o", str(out)])
    to_stdout = runner.invoke(main, ["score", str(mixed), "--draws", "30", "--format", "json"])
    assert out.read_text(encoding="utf-8") == to_stdout.stdout
    count = len(json.loads(to_stdout.stdout))
    assert to_file.stderr.splitlines()[-2:] == [f"Wrote {count} scorecard(s) to {out}",
                                                "2 file(s) could not be scored; see the messages above."]
    assert sorted(p.name for p in out.parent.iterdir()) == ["scores.json"]  # the spool is gone


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_score_in_a_pool_gives_what_one_process_gives(mixed, runner, tmp_path, fmt):
    from readiness.cli import main

    one = runner.invoke(main, ["score", str(mixed), "--format", fmt, "--draws", "40"])
    two = runner.invoke(main, ["score", str(mixed), "--format", fmt, "--draws", "40", "--jobs", "2"])
    assert (two.exit_code, two.stdout, two.stderr) == (one.exit_code, one.stdout, one.stderr)
    out = tmp_path / "out" / f"scores.{fmt if fmt != 'table' else 'txt'}"
    out.parent.mkdir()
    written = runner.invoke(main, ["score", str(mixed), "--format", fmt, "--draws", "40", "--jobs", "3", "-o",
                                   str(out)])
    assert out.read_text(encoding="utf-8") == one.stdout
    assert written.stderr.splitlines()[:-2] == one.stderr.splitlines()[:-1]
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no worker's spool left beside it


def test_a_pool_whose_quick_look_is_wrong_scores_in_one_process(mixed, runner, monkeypatch):
    from readiness.cli import main

    expected = runner.invoke(main, ["score", str(mixed), "--format", "json", "--draws", "0"])
    real = peek.agency_round
    # Under fork, the workers see this patch too: the share whose look is wrong says so, and all starts again.
    monkeypatch.setattr(peek, "agency_round", lambda path, **look: ("zzz", "2099") if "2025" in path.parts else real(path, **look))
    pooled = runner.invoke(main, ["score", str(mixed), "--format", "json", "--draws", "0", "--jobs", "2"])
    assert (pooled.exit_code, pooled.stdout, pooled.stderr) == (expected.exit_code, expected.stdout, expected.stderr)


def test_a_pool_draws_the_intervals_of_one_process(tmp_path):
    # 40 one-respondent agency-rounds of one rubric: more than a chunk, split between two workers.
    import io

    from click.testing import CliRunner

    from readiness.cli import main
    from readiness.intake.yaml import assessment_yaml
    from readiness.pool import Options, score_in_pool

    for rubric, (member,) in _forty_agency_rounds():
        (tmp_path / f"{member.agency_id}.yaml").write_text(assessment_yaml(member, rubric), encoding="utf-8")
    one = CliRunner().invoke(main, ["score", str(tmp_path), "--format", "json", "--draws", "200"])
    pooled = score_in_pool([tmp_path], Options(fmt="json", draws=200), 2)
    written = io.BytesIO()
    pooled.sink.write(written)
    pooled.sink.close()
    assert written.getvalue().decode("utf-8") == one.stdout and one.exit_code == 0


@pytest.mark.parametrize("given", ["empty", "one-broken"])
def test_a_pool_with_nothing_to_share_says_what_one_process_says(tmp_path, runner, given):
    from readiness.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    if given == "one-broken":
        (folder / "a.yaml").write_text("rubric: [\n", encoding="utf-8")
    one = runner.invoke(main, ["score", str(folder), "--format", "json"])
    two = runner.invoke(main, ["score", str(folder), "--format", "json", "--jobs", "2"])
    assert (two.exit_code, two.stdout, two.stderr) == (one.exit_code, one.stdout, one.stderr) == \
        (1, "[]\n", one.stderr) and one.stderr


def test_the_validation_report_alone_is_the_batchs_even_when_a_look_is_wrong(mixed, monkeypatch):
    from readiness.intake.batch import validation_report

    expected = load_assessments([mixed], Catalog()).report
    assert validation_report([mixed], Catalog()) == expected
    real = peek.agency_round
    monkeypatch.setattr(peek, "agency_round",
                        lambda path, **look: ("zzz", "2099") if "2025" in path.parts else real(path, **look))
    assert validation_report([mixed], Catalog()) == expected


def test_a_pool_shares_agency_rounds_out_whole_and_evenly(mixed):
    from readiness.intake.batch import expand_paths
    from readiness.intake.checks import RubricChoice
    from readiness.pool import _shares

    files, _ = expand_paths([mixed])
    shares, key_of = _shares(files, RubricChoice(Catalog()), 2)
    assert len(shares) == 2 and sorted(f for share in shares for f in share) == sorted(map(str, files))
    rounds = [{key_of[f] for f in share} for share in shares]
    assert not rounds[0] & rounds[1]  # no agency-round split between workers
    largest = max(list(key_of.values()).count(key) for key in set(key_of.values()))
    assert abs(len(shares[0]) - len(shares[1])) <= largest  # the least loaded worker takes the next agency-round


def test_one_process_never_opens_a_workbook_twice(mixed, monkeypatch):
    # A workbook's cover costs a quarter of reading it: the stream reads workbooks whole, once.
    import readiness.intake.workbook.read as workbook_read

    def refuse(path):
        raise AssertionError(f"{path}: a quick look at a workbook in one process")

    monkeypatch.setattr(workbook_read, "agency_round", refuse)
    opened = []
    real = workbook_read.read
    monkeypatch.setattr(workbook_read, "read", lambda path, rubrics: opened.append(path) or real(path, rubrics))
    list(AssessmentStream([mixed], Catalog()))
    assert opened and len(opened) == len(set(opened))
