"""Crosswalks between rubric versions: checked, applied to answers, and used to compare rounds.

mini@0.2 (tests/fixtures/crosswalk/mini-0.2.yaml) revises mini@0.1: i1.a renamed i1.first, i1.b split
into i1.b1 and i1.b2, i3.a and i3.b merged into i3.ab, i4.a rescaled (levels 0 0 1 2 4), i5.n dropped;
i2.new and i5.h are new.  Comparability, by hand: three pillars of weight 1 (1/3 each); core: d1
(weight 3 of 4, all three indicators mapped) gives 3/4 × 1/3 = 9/36 and d2 (1 of 4, two of its three
indicators mapped) 1/4 × 2/3 × 1/3 = 2/36; res: d3 whole, 12/36; bar: d4 whole, 1/2 × 1/3 = 6/36, and d5
(one of two indicators) 1/2 × 1/2 × 1/3 = 3/36.  Total 32/36 = 0.8889.
"""

from __future__ import annotations

import pytest

from readiness.cli import main
from readiness.errors import CrosswalkError
from readiness.intake.batch import load_assessments
from readiness.portfolio.build import compare
from readiness.rubric.catalog import Catalog, load_rubric
from readiness.rubric.crosswalk import crosswalk_between, translate

from .conftest import FIXTURES, MINI_RUBRIC

NEW = FIXTURES / "crosswalk" / "mini-0.2.yaml"

OLD_ANSWERS = {"i1.a": 3, "i1.b": 2, "i2.a": 1, "i2.n": 60, "i3.a": 1, "i3.b": 3, "i4.a": 3, "i5.a": 2, "i5.n": 5}
#: The same answers given in mini@0.2: what the crosswalk says the old ones mean.
NEW_ANSWERS = {"i1.first": 3, "i1.b1": 2, "i1.b2": 2, "i2.a": 1, "i2.n": 60, "i2.new": 4, "i3.ab": 2,
               "i4.a": 2, "i5.a": 2, "i5.h": 10}


def assessment(version: str, round_: str, answers: dict, agency_id: str = "lra") -> str:
    lines = [f"rubric: mini@{version}", "agency: Lakeside Records Authority", f"agency_id: {agency_id}",
             f"round: '{round_}'", "answers:"]
    lines += [f"  {ident}: {{{'value' if ident.endswith(('.n', '.h')) else 'level'}: {value}, "
              f"evidence: 'Register', evidence_level: documented}}" for ident, value in answers.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def versions():
    return load_rubric(NEW), load_rubric(MINI_RUBRIC)


def test_the_crosswalk_maps_each_kind_of_entry(versions):
    new, old = versions
    crosswalk = crosswalk_between(new, old)
    assert {ident: (link.operation, link.sources) for ident, link in crosswalk.links.items()} == {
        "i1.first": ("rename", ("i1.a",)), "i1.b1": ("split", ("i1.b",)), "i1.b2": ("split", ("i1.b",)),
        "i2.a": ("same", ("i2.a",)), "i2.n": ("same", ("i2.n",)), "i3.ab": ("merge", ("i3.a", "i3.b")),
        "i4.a": ("rescale", ("i4.a",)), "i5.a": ("same", ("i5.a",))}
    assert crosswalk.comparability == pytest.approx(32 / 36)
    assert list(crosswalk.common.places) == list(crosswalk.links)


def test_old_answers_are_carried_onto_the_new_version(write, versions):
    new, old = versions
    write("old.yaml", assessment("0.1", "2025", OLD_ANSWERS))
    batch = load_assessments(["old.yaml"], Catalog([MINI_RUBRIC]))
    crosswalk = crosswalk_between(new, old)
    carried = translate(batch.assessments[0], crosswalk, crosswalk.common)
    assert carried.rubric_version == "0.2∩0.1"
    # rename and split keep the answer; merge takes the mean of 1 and 3; rescale maps level 3 to 2
    assert {ident: answer.value for ident, answer in carried.answers.items()} == {
        "i1.first": 3, "i1.b1": 2, "i1.b2": 2, "i2.a": 1, "i2.n": 60, "i3.ab": 2, "i4.a": 2, "i5.a": 2}


def test_rounds_in_two_versions_compare_on_their_common_part(write):
    # The same agency, answering the same in substance: no change, and none called significant.
    write("2025/lra.yaml", assessment("0.1", "2025", OLD_ANSWERS))
    write("2026/lra.yaml", assessment("0.2", "2026", NEW_ANSWERS))
    batch = load_assessments(["2025", "2026"], Catalog([MINI_RUBRIC, NEW]))
    comparison = compare(list(batch.groups()), draws=200, seed=7).comparison
    (change,) = comparison.changes
    assert change.basis == "mini@0.2∩0.1"
    assert change.comparability == pytest.approx(32 / 36)
    assert all(figure.change == pytest.approx(0, abs=1e-9) for figure in change.figures)
    assert {figure.significant for figure in change.figures} == {False}
    assert any("89% of the whole composite" in note for note in comparison.notes)


def test_versions_without_a_crosswalk_are_refused(write, tmp_path):
    unlinked = tmp_path / "mini-0.3.yaml"
    text = NEW.read_text(encoding="utf-8").replace('version: "0.2"', 'version: "0.3"')
    unlinked.write_text(text[:text.index("supersedes:")] + text[text.index("pillars:"):], encoding="utf-8")
    write("2025/lra.yaml", assessment("0.1", "2025", OLD_ANSWERS))
    write("2026/lra.yaml", assessment("0.3", "2026", NEW_ANSWERS))
    batch = load_assessments(["2025", "2026"], Catalog([MINI_RUBRIC, unlinked]))
    with pytest.raises(CrosswalkError) as error:
        compare(list(batch.groups()), draws=0)
    assert str(error.value) == (
        "cannot compare mini@0.1 with mini@0.3: no crosswalk links them (a rubric maps the version it replaces "
        "with `supersedes: {rubric: mini@0.1, crosswalk: [...]}`; docs/rubric.md explains it); compare rounds "
        "of one version, or give --rubric to read every file with one rubric")


def test_validate_reports_the_comparability(runner):
    result = runner.invoke(main, ["rubric", "validate", str(MINI_RUBRIC), str(NEW)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        f"{NEW}: ok: mini@0.2, 3 pillars, 5 dimensions, 10 indicators, sha256 {load_rubric(NEW).sha256[:12]}",
        "  crosswalk from mini@0.1: 8 of 10 indicators comparable, 89% of the composite weight"]


@pytest.mark.parametrize("edit, message", [
    ("    - {drop: i5.n}\n", "mini@0.1 indicator 'i5.n' is not in mini@0.2 and no crosswalk entry names it; "
                            "add {drop: i5.n} or say where it went (rename, split, merge)"),
    ("    - {rename: i1.a, to: i1.first}\n", "mini@0.1 indicator 'i1.a' is not in mini@0.2 and no crosswalk "
                                            "entry names it; add {drop: i1.a} or say where it went (rename, "
                                            "split, merge)"),
])
def test_an_old_indicator_left_out_is_named(runner, tmp_path, edit, message):
    broken = tmp_path / "mini-0.2.yaml"
    broken.write_text(NEW.read_text(encoding="utf-8").replace(edit, ""), encoding="utf-8")
    result = runner.invoke(main, ["rubric", "validate", str(MINI_RUBRIC), str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:13:5: {message}" in result.output.splitlines()


def test_a_target_that_is_not_in_the_new_version_is_located(runner, tmp_path):
    broken = tmp_path / "mini-0.2.yaml"
    broken.write_text(NEW.read_text(encoding="utf-8").replace("to: i1.first}", "to: i1.frist}"), encoding="utf-8")
    result = runner.invoke(main, ["rubric", "validate", str(broken)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{broken}:13:7: 'i1.frist' is not an indicator of mini@0.2; a crosswalk maps onto this rubric's indicators"]


def test_an_entry_with_two_operations_says_what_it_takes(runner, tmp_path):
    broken = tmp_path / "mini-0.2.yaml"
    broken.write_text(NEW.read_text(encoding="utf-8").replace("{drop: i5.n}", "{drop: i5.n, to: i5.h}"),
                      encoding="utf-8")
    result = runner.invoke(main, ["rubric", "validate", str(broken)])
    assert result.exit_code == 1
    assert "drop takes nothing else: e.g. {drop: inertia.paper_parallel}" in result.output


@pytest.mark.parametrize("edit, message", [
    ("    - {drop: i5.n}\n", "    - {rescale: i5.n, to: i5.h, levels: {0: 0, 1: 1, 2: 2, 3: 3, 4: 4}}\n"),
    ("    - {drop: i5.n}\n", "    - {rename: i5.n, to: i5.h}\n"),
])
def test_numbers_map_only_on_the_same_terms(runner, tmp_path, edit, message):
    broken = tmp_path / "mini-0.2.yaml"
    broken.write_text(NEW.read_text(encoding="utf-8").replace(edit, message), encoding="utf-8")
    result = runner.invoke(main, ["rubric", "validate", str(MINI_RUBRIC), str(broken)])
    assert result.exit_code == 1
    expected = ("entry 5 rescales levels, but its indicators are numbers; rescale maps the levels of level "
                "indicators") if "rescale" in message else \
        ("'i5.n' and 'i5.h' are numbers on different terms (0–10 against 0–40); their answers cannot be compared, "
         "so drop 'i5.n' instead")
    assert f"{broken}:17:7: {expected}" in result.output.splitlines(), result.output


def test_two_different_rubrics_are_not_versions_of_one(versions):
    from readiness.rubric.crosswalk import newer_of

    egdi = Catalog().find("un-egdi")
    with pytest.raises(CrosswalkError) as error:
        newer_of(versions[1], egdi)
    assert str(error.value) == ("cannot compare mini@0.1 with un-egdi@2018: they are different rubrics, not two "
                                "versions of one; compare the rounds of each rubric separately")
