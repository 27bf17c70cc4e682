"""Rubric files: the shipped ones are valid; every kind of authoring mistake is located and explained."""

from __future__ import annotations

import pytest

from readiness.cli import main
from readiness.errors import InvalidInput, RubricNotFound
from readiness.files import shipped_data_dir
from readiness.rubric.catalog import Catalog, file_kind, load_rubric
from readiness.rubric.crosswalk import crosswalk_problems

from .conftest import MINI_RUBRIC


def problems_of(path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        load_rubric(path)
    return [str(problem) for problem in caught.value.problems]


def test_shipped_rubrics_load():
    rubrics = {r.ref: r for r in Catalog().rubrics}
    assert sorted(rubrics) == ["egov-readiness@1.0", "egov-readiness@1.1", "un-egdi@2018"]
    first = rubrics["egov-readiness@1.0"]
    kinds = [(p.id, p.kind, len(p.dimensions)) for p in first.pillars]
    assert kinds == [("capability", "capability", 7), ("resistance", "resistance", 8), ("barriers", "barrier", 6)]
    for pillar in first.pillars:
        for dimension in pillar.dimensions:
            assert 3 <= len(dimension.indicators) <= 4, dimension.id
    numbers = [i.id for i in (p.indicator for p in first.places.values()) if i.type == "number"]
    assert numbers == ["services.online_share", "skills.trained_share", "reliability.outage_hours"]
    assert first.places["reliability.outage_hours"].indicator.direction == "lower"


def test_rubric_1_1_keeps_every_dimension_of_1_0_and_maps_every_indicator():
    catalog = Catalog()
    old, new = catalog.find("egov-readiness@1.0"), catalog.find("egov-readiness@1.1")
    assert catalog.find("egov-readiness") is new  # the latest version is the default
    kinds = [(p.id, p.kind, [d.id for d in p.dimensions]) for p in new.pillars]
    assert kinds == [
        ("capability", "capability", ["strategy", "governance", "infrastructure", "services", "data", "cybersecurity",
                                      "skills", "outcomes"]),
        ("resistance", "resistance", ["inertia", "discretion", "hierarchy", "job_security", "incentives", "silos",
                                      "continuity", "change_management", "perceptions", "fatigue"]),
        ("barriers", "barrier", ["reliability", "cyber_threats", "user_access", "funding", "policy_continuity",
                                 "public_trust"])]
    assert set(old.dimensions) <= set(new.dimensions)
    numbers = [i.id for i in (p.indicator for p in new.places.values()) if i.type == "number"]
    assert numbers == ["services.online_share", "skills.trained_share", "outcomes.digital_take_up",
                       "reliability.outage_hours"]
    # Same scale, thresholds and amplification; every weight 1.
    assert (new.scale, new.thresholds, new.amplification) == (old.scale, old.thresholds, old.amplification)
    assert {d.id: d.amplification for d in new.dimensions.values() if d.id in old.dimensions} == \
        {d.id: d.amplification for d in old.dimensions.values()}
    weights = {p.weight for p in new.pillars} | {d.weight for d in new.dimensions.values()} | \
        {p.indicator.weight for p in new.places.values()}
    assert weights == {1}
    # Ladders are cumulative: a level 4 builds on level 3.
    for ident, place in new.places.items():
        if place.indicator.levels:
            assert place.indicator.levels[4].startswith("As level 3, and "), ident
    # The controls are cybersecurity's, the exposure cyber_threats'.
    assert "cybersecurity.monitoring" in new.places and "cyber_threats.exposure_monitoring" not in new.places
    assert new.interventions == "egov-interventions@1.1"
    assert new.supersedes.rubric == "egov-readiness@1.0"
    assert crosswalk_problems(new, old) == []


def test_hash_ignores_comments_and_formatting(tmp_path):
    text = MINI_RUBRIC.read_text(encoding="utf-8")
    reformatted = tmp_path / "mini.yaml"
    reformatted.write_text("# a new comment\n" + text.replace("weight: 3", "weight: 3.0"), encoding="utf-8")
    changed = tmp_path / "changed.yaml"
    changed.write_text(text.replace("weight: 3", "weight: 2"), encoding="utf-8")
    assert load_rubric(reformatted).sha256 == load_rubric(MINI_RUBRIC).sha256
    assert load_rubric(changed).sha256 != load_rubric(MINI_RUBRIC).sha256


def test_questions_hash_changes_with_what_respondents_see_and_only_with_that(tmp_path):
    text = MINI_RUBRIC.read_text(encoding="utf-8")
    original = load_rubric(MINI_RUBRIC)
    versions = {
        "reweighted": text.replace("weight: 3", "weight: 2"),
        "thresholds": text + "thresholds: {stages: [10, 30, 50, 70]}\n",
        "reworded": text.replace("text: ", "text: Now ", 1),
        # "Not applicable" leaves the drop-downs of a dimension marked na: false
        "na-refused": text.replace("            text: Level question 1a", "            text: Level question 1a\n"
                                                                          "            na: false", 1),
    }
    for name, content in versions.items():
        (tmp_path / f"{name}.yaml").write_text(content, encoding="utf-8")
    loaded = {name: load_rubric(tmp_path / f"{name}.yaml") for name in versions}
    assert {name: r.sha256 != original.sha256 for name, r in loaded.items()} == dict.fromkeys(versions, True)
    assert {name: r.questions_sha256 != original.questions_sha256 for name, r in loaded.items()} == {
        "reweighted": False, "thresholds": False, "reworded": True, "na-refused": True}


def test_every_authoring_mistake_is_located(tmp_path):
    text = MINI_RUBRIC.read_text(encoding="utf-8")
    text = text.replace("version: \"0.1\"", "version: 0.1")
    text = text.replace("kind: capability", "kind: capabilities")
    text = text.replace("        weight: 3\n", "        weight: -3\n")
    text = text.replace("          - id: i1.b\n", "          - id: i1.a\n")
    text = text.replace("            levels: {0: none, 1: paper, 2: pilot, 3: routine, 4: measured}\n"
                        "      - id: d2", "            levels: {0: none, 1: paper, 2: pilot, 4: measured}\n"
                                         "      - id: d2")
    text = text.replace("        title: Dimension three\n", "        title: Dimension three\n        amplification: 0.9\n")
    text = text.replace("            max: 10\n", "            max: 0\n")
    text = text.replace("    title: Barriers\n", "    title: Barriers\n    colour: red\n")
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    assert problems_of(path) == [
        f'{path}:3:10: version: write the version in quotes, e.g. version: "0.1"',
        f"{path}:12:11: kind: input should be 'capability', 'resistance' or 'barrier'",
        f"{path}:18:17: weight: input should be greater than or equal to 0.001",
        f"{path}:56:5: unknown field 'colour'; valid fields: id, kind, title, description, weight, dimensions",
    ]
    # Shape problems come first; once the shape is right, the cross-field checks run.
    text = text.replace("version: 0.1", "version: \"0.1\"").replace("kind: capabilities", "kind: capability")
    text = text.replace("weight: -3", "weight: 3").replace("    colour: red\n", "")
    path.write_text(text, encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:23:17: indicator id 'i1.a' is used twice; ids must be unique",
        f"{path}:25:21: indicator 'i1.a' has no descriptor for level(s) 3; every level 0–4 needs one",
        f"{path}:45:24: amplification is only allowed on barrier dimensions; 'd3' is in the resistance pillar 'res'",
        f"{path}:75:18: max (0) must be greater than min (0)",
    ]


def test_a_rubric_needs_a_capability_pillar(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(
        "id: x\nversion: '1'\ntitle: X\npillars:\n  - id: p\n    kind: resistance\n    title: P\n"
        "    dimensions:\n      - id: d\n        title: D\n        indicators:\n"
        "          - {id: d.a, text: Q, type: number, min: 0, max: 1}\n", encoding="utf-8")
    assert problems_of(path) == [f"{path}:5:3: a rubric needs at least one pillar of kind 'capability'"]


def test_resolve_by_id_version_and_file():
    catalog = Catalog()
    assert catalog.resolve("egov-readiness").ref == "egov-readiness@1.1"  # the latest version
    assert catalog.resolve("egov-readiness@1.0").ref == "egov-readiness@1.0"
    assert catalog.resolve(str(MINI_RUBRIC)).ref == "mini@0.1"
    with pytest.raises(RubricNotFound, match=r"^rubric 'un-egdi' is known at version 2018, not '2014'"):
        catalog.resolve("un-egdi@2014")


def test_cli_rubric_commands(runner, tmp_path):
    result = runner.invoke(main, ["rubric", "list"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Rubric              Pillars  Dimensions  Indicators  Title",
        "─" * 106,
        "egov-readiness@1.0        3          21          72  Digital government readiness, resistance and barriers",
        "egov-readiness@1.1        3          24          91  Digital government readiness, resistance and barriers",
        "un-egdi@2018              1           3           3  UN E-Government Development Index (2014-2018 method)",
    ]
    result = runner.invoke(main, ["rubric", "show", "un-egdi"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "  online_services  [weight 1]  Online services" in lines
    assert lines[lines.index("  telecommunication  [weight 1]  Telecommunication infrastructure") + 1:][:2] == [
        "    tii  [weight 1, number 0-1 higher is better]  Telecommunication",
        "        Infrastructure Index (TII), as published in the UN E-Government Survey",
    ]
    result = runner.invoke(main, ["rubric", "validate", str(shipped_data_dir("rubrics") / "un-egdi.yaml")])
    assert result.exit_code == 0
    assert result.output.startswith(f"{shipped_data_dir('rubrics') / 'un-egdi.yaml'}: ok: un-egdi@2018, 1 pillars, "
                                    "3 dimensions, 3 indicators, sha256 ")
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nversion: '1'\ntitle: X\npillars: []\n", encoding="utf-8")
    result = runner.invoke(main, ["rubric", "validate", str(broken)])
    assert (result.exit_code, result.output) == (1, f"{broken}:4:10: pillars: list should have at least 1 item "
                                                    "after validation, not 0\n")
    result = runner.invoke(main, ["rubric", "show", "nope"])
    assert (result.exit_code, result.output) == (1, "Error: no rubric 'nope'; known rubrics: egov-readiness@1.0, "
                                                    "egov-readiness@1.1, un-egdi@2018\n")


def test_catalogue_lists_each_kind_of_data_file_apart(tmp_path, runner):
    folder = tmp_path / "rubrics"
    folder.mkdir()
    (folder / "mini.yaml").write_text(MINI_RUBRIC.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "interventions-1.0.yaml").write_text(
        "kind: interventions\nrubric: mini@0.1\ninterventions:\n  - id: sponsor\n    title: Name a sponsor\n",
        encoding="utf-8")
    catalog = Catalog(folder=folder)
    assert {kind: [p.name for p in paths] for kind, paths in catalog.kinds.items()} == {
        "rubric": ["mini.yaml"], "interventions": ["interventions-1.0.yaml"]}
    assert [r.ref for r in catalog.rubrics] == ["mini@0.1"]  # the catalogue beside it breaks nothing
    with pytest.raises(InvalidInput) as caught:
        load_rubric(folder / "interventions-1.0.yaml")
    assert [(str(p.location), p.code, p.message) for p in caught.value.problems] == [
        (f"{folder / 'interventions-1.0.yaml'}:1:1", "other-kind-of-file",
         "this is a data file of kind 'interventions', not a rubric (kind: rubric)")]
    result = runner.invoke(main, ["validate", str(folder / "interventions-1.0.yaml")])
    assert result.output.splitlines()[0] == (f"{folder / 'interventions-1.0.yaml'}:1:1: this is a data file of kind "
                                             f"'interventions', not an assessment")


def test_kind_is_not_part_of_a_rubrics_content(tmp_path):
    with_kind = tmp_path / "mini.yaml"
    with_kind.write_text("kind: rubric\n" + MINI_RUBRIC.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_rubric(with_kind).sha256 == load_rubric(MINI_RUBRIC).sha256
    for rubric in Catalog().rubrics:  # every shipped data file says what it is
        path = next(p for p in shipped_data_dir("rubrics").glob("*.yaml")
                    if file_kind(p) == "rubric" and load_rubric(p).ref == rubric.ref)
        assert "\nkind: rubric\n" in path.read_text(encoding="utf-8")


def test_resolving_a_rubric_file_leaves_the_catalogue_as_it_was():
    catalog = Catalog()
    assert catalog.resolve(str(MINI_RUBRIC)).ref == "mini@0.1"
    assert [r.ref for r in catalog.rubrics] == ["egov-readiness@1.0", "egov-readiness@1.1", "un-egdi@2018"]
    with pytest.raises(RubricNotFound, match="^no rubric 'mini'"):
        catalog.find("mini@0.1")


def test_a_broken_data_file_never_breaks_the_others(tmp_path, runner):
    folder = tmp_path / "rubrics"
    folder.mkdir()
    (folder / "mini.yaml").write_text(MINI_RUBRIC.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "broken.yaml").write_text("kind: rubric\nid: [unclosed\n", encoding="utf-8")
    (folder / "typo.yaml").write_text("kind: Rubric\nid: typo\n", encoding="utf-8")
    (folder / "half.yaml").write_text("kind: rubric\nid: half\nversion: '1'\ntitle: Half\npillars: []\n",
                                      encoding="utf-8")
    catalog = Catalog(folder=folder)
    assert [r.ref for r in catalog.rubrics] == ["mini@0.1"]
    assert [(str(p.location), p.code) for p in catalog.problems] == [
        (f"{folder / 'broken.yaml'}:3:1", "yaml-syntax"),
        (f"{folder / 'typo.yaml'}", "other-kind-of-file"),
        (f"{folder / 'half.yaml'}:5:10", "invalid-value"),
    ]
    with pytest.raises(RubricNotFound) as caught:
        catalog.find("typo@1")
    assert str(caught.value) == (f"no rubric 'typo'; known rubrics: mini@0.1 (set aside, with problems: "
                                 f"{folder / 'broken.yaml'}, {folder / 'half.yaml'}, {folder / 'typo.yaml'})")


def test_rubric_text_with_a_control_character_is_refused(tmp_path):
    """Found by the corpus (rubric/control-in-title.yaml): a rubric whose title or question held an ESC or a
    bidi override was accepted, and `readiness template --format xlsx` then failed with openpyxl's
    IllegalCharacterError; now it is refused, located at the text."""
    text = MINI_RUBRIC.read_text(encoding="utf-8")
    for name, old, new, where in (
            ("title.yaml", "title: Mini rubric for hand-worked tests", 'title: "Mini\\e[2J"', 4),
            ("text.yaml", "text: Level question 1b", 'text: "Level\\u202e question"', 24),
            ("level.yaml", "levels: {0: none, 1: paper", 'levels: {0: "no\\u0007ne", 1: paper', 22),
            ("unit.yaml", "max: 100\n", "max: 100\n            unit: \"%\\u200e\"\n", 38)):
        path = tmp_path / name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(InvalidInput) as caught:
            load_rubric(path)
        assert [(p.code, p.location.line) for p in caught.value.problems] == [("control-character", where)], name
    folded = tmp_path / "folded.yaml"  # line breaks and tabs in long text are fine
    folded.write_text(text.replace("text: Level question 1a", "text: |\n              Level\n              question"
                                   "\n            guidance: \"a\\tb\\nc\""), encoding="utf-8")
    assert load_rubric(folded).places["i1.a"].indicator.text == "Level\nquestion\n"


def test_weights_and_goalposts_stay_computable(tmp_path):
    # Found by the score properties: weight 5e-324 vanished in sums (two such indicators scored level 3
    # as 100), and min -1e308 / max 1e308 made max − min infinite (an answer of 1e308 scored 0).
    text = MINI_RUBRIC.read_text(encoding="utf-8")
    tiny = tmp_path / "tiny.yaml"
    tiny.write_text(text.replace("        weight: 3\n", "        weight: 5.0e-324\n", 1), encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        load_rubric(tiny)
    assert [str(p) for p in refused.value.problems] == [
        f"{tiny}:18:17: weight: input should be greater than or equal to 0.001"]
    wide = tmp_path / "wide.yaml"
    wide.write_text(text.replace("            min: 0\n", "            min: -1.0e+308\n", 1), encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        load_rubric(wide)
    assert [str(p) for p in refused.value.problems] == [
        f"{wide}:36:18: min: input should be greater than or equal to -1000000000000000"]
