"""The comparison report (PDF and HTML) of a portfolio: what it shows, what it never does with agency text,
which fonts it embeds, and that it is reproducible.

Expected text is derived from the :class:`Comparison` itself (the bundled examples change), and PDFs
are read back with pypdf.  A comparison and its PDF take a few seconds, so they are made once per module.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_report import pdf_fonts, pdf_text

pypdf = pytest.importorskip("pypdf")

DATE = "2026-11-29"
GENERATOR = "readiness test"
SHIPPED_FONTS = {"Noto-Sans", "Noto-Sans-Bold", "Noto-Sans-Symbols2", "Noto-Sans-Math"}
HOSTILE = '<script>alert(1)</script> =HYPERLINK("http://evil.example/x","click")'


def comparison_of(folders, **options):
    from readiness.intake.batch import load_assessments
    from readiness.portfolio.build import compare
    from readiness.rubric.catalog import Catalog

    batch = load_assessments([str(folder) for folder in folders], Catalog())
    groups = list(batch.groups())
    catalogues = {rubric.ref: Catalog().interventions_for(rubric) for rubric, _ in groups}
    options.setdefault("draws", 200)
    return compare(groups, catalogues=catalogues, **options).comparison


def render(comparison, folder: Path, name: str) -> tuple[str, Path]:
    from readiness.portfolio.render import render_comparison_html, render_comparison_pdf

    html = render_comparison_html(comparison, date=DATE, generator=GENERATOR)
    path = folder / f"{name}.pdf"
    path.write_bytes(render_comparison_pdf(comparison, date=DATE, generator=GENERATOR))
    return html, path


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    comparison = comparison_of([ROOT / "examples"])
    html, pdf = render(comparison, tmp_path_factory.mktemp("portfolio"), "comparison")
    return comparison, html, pdf


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_pdf_names_every_unit_with_its_readiness_and_rank(examples):
    comparison, _, pdf = examples
    text = pdf_text(pdf)
    assert "Portfolio comparison" in text and f"current round {comparison.current}" in text
    assert f"{comparison.draws} joint draws, seed {comparison.seed}" in text and GENERATOR in text
    current = comparison.round(comparison.current)
    assert len(current.units) > 1 and all(row.agency for row in current.units)
    for row in current.units:
        assert row.agency in text, row.agency
        assert f"{row.agency} {row.unit} {row.readiness:.1f}" in text, row.unit
        low, high = row.rank_interval
        assert f"{row.rank} {low}–{high}" in text if low != high else f"{row.rank} {low}" in text
    for view in comparison.rounds:  # earlier rounds are ranked too
        assert f"Round {view.round}" in text and all(f"{row.readiness:.1f}" in text for row in view.units)
    for d in current.distributions:  # the spread of each dimension (never suppressed), and the heatmap's key
        assert d.title in text and f"{d.q1:.0f}–{d.q3:.0f}" in text


def test_the_ranking_fits_the_page_and_marks_units_without_a_change(examples):
    comparison, html, pdf = examples
    current = comparison.round(comparison.current)
    changed = {change.unit for change in comparison.changes}
    new = [row for row in current.units if row.unit not in changed]
    assert new, "the examples have agencies first assessed in the current round"
    text = pdf_text(pdf)
    assert f"vs {comparison.baseline}" in text and "Change since" not in text
    assert "–notassessedinthebaselineround" in flat(text)
    for row in new:  # the change column of a unit with no baseline is a dash, as in the terminal
        assert re.search(rf"{re.escape(row.unit)}</span></td>.*?<td class=\"r pf-vs\">–</td></tr>", html, re.S), row.unit
    assert ">new<" not in html
    # every box and every line of text of every page lies inside the A4 text width (the ranking once ran ~36 pt
    # past it, near the paper's edge), as WeasyPrint lays the printed page out
    pages = list(_pages(comparison))
    for number, (right, widest, what, _) in enumerate(pages, start=1):
        assert widest <= right + 0.5, f"page {number}: {what!r} ends at {widest:.1f}px, the text area at {right:.1f}px"
    # no section is forced onto a new page: a page is left more than half empty only at the end
    for number, (*_, filled) in enumerate(pages[:-1], start=1):
        assert filled > 0.5, f"page {number} is {filled:.0%} filled"
    # a stage held in fewer than 80% of the draws carries ?, as readiness score shows it
    from readiness.scoring import CONFIDENT

    unsure = [row for row in current.units if row.stage_confidence is not None and row.stage_confidence < CONFIDENT]
    for row in unsure:
        assert f"{row.stage} {row.stage_name}{'*' if row.limited_by else ''}?" in text, row.unit
    if unsure:
        assert f"held in fewer than {CONFIDENT:.0%} of the draws" in text


def _pages(comparison):
    """Each printed page as WeasyPrint lays it out (CSS px): where its text area ends, where its widest box ends
    and what that box holds, and how much of its text area's height is filled."""
    from weasyprint import HTML

    from readiness.portfolio.render import render_comparison_html
    from readiness.report.fetcher import TemplateFetcher
    from readiness.report.render import template_roots

    html = render_comparison_html(comparison, date=DATE, generator=GENERATOR, for_print=True)
    roots = template_roots(None)
    document = HTML(string=html, base_url=roots[0].resolve().as_uri() + "/", url_fetcher=TemplateFetcher(roots))
    for page in document.render().pages:
        area = page._page_box  # WeasyPrint's laid-out boxes (no public API gives them)
        body = area.children[0]
        boxes = list(body.descendants())
        ends = [(box.border_box_x() + box.border_width(), getattr(box, "text", type(box).__name__)) for box in boxes]
        widest, what = max(ends, key=lambda end: end[0])
        bottom = max(box.border_box_y() + box.border_height() for box in boxes
                     if getattr(box, "element_tag", None) not in ("html", "body", "section"))
        filled = (bottom - area.content_box_y()) / area.height
        yield body.content_box_x() + body.width, widest, what, filled


def test_changes_on_a_common_part_say_so(examples):
    comparison, html, pdf = examples
    common = [change for change in comparison.changes if change.comparability < 1]
    assert common, "the examples' rounds answer two versions of the rubric"
    share = f"{100 * common[0].comparability_readiness:.0f}%"
    text = flat(pdf_text(pdf))
    assert flat(f"Readiness {comparison.baseline} → {comparison.current} (on the part both rubric versions share, "
                f"{share} of readiness's weight)") in text
    assert flat(f"vs {comparison.baseline}: the change in readiness since {comparison.baseline}") in text
    for change in common:  # the changes table shows the figures on the common basis, not the rankings'
        readiness = change.figure("readiness")
        assert f"{readiness.before:.1f}" in text and f"{readiness.after:.1f}" in text


def test_the_method_names_every_rubric_and_the_inputs_by_hash(examples):
    comparison, _, pdf = examples
    text = pdf_text(pdf)
    assert len(comparison.rubrics) >= 2
    for ref, digest in comparison.rubrics.items():
        assert ref in text and digest[:12] in text and digest[:13] not in text, ref
    assert comparison.inputs_sha256[:12] in text


def test_changes_carry_their_mark_only_when_significant(examples):
    comparison, html, pdf = examples
    assert comparison.baseline is not None and comparison.changes
    text = flat(pdf_text(pdf))
    marks = {"better": "▲", "worse": "▼"}
    for change in comparison.changes:
        figure = change.figure("readiness")
        shown = "0.0" if abs(figure.change) < 0.05 else f"{figure.change:+.1f}"
        if figure.significant:
            assert shown + marks[figure.direction] in text, change.unit
        else:
            assert shown in text and shown + "▲" not in text and shown + "▼" not in text, change.unit
    significant = [c for c in comparison.changes for f in c.figures[:2] if f.significant]
    assert (text.count("▲") + text.count("▼") > 0) == bool(significant)
    for unit in comparison.movers_up + comparison.movers_down:
        name = next(c.agency for c in comparison.changes if c.unit == unit)
        assert flat(name) in text
    # The loop: every followed-up roadmap item with its verdict
    for item in comparison.loop:
        assert flat(item.title) in text and flat(item.verdict) in text


def test_the_comparison_travels_inside_the_pdf(examples):
    from readiness.portfolio.export import to_json

    comparison, _, pdf = examples
    reader = pypdf.PdfReader(pdf)
    assert list(reader.attachments) == ["comparison.json"]
    assert reader.attachments["comparison.json"][0].decode("utf-8") == to_json(comparison)
    assert reader.metadata.title == f"Portfolio comparison: round {comparison.current} against {comparison.baseline}"
    assert reader.metadata.author == GENERATOR
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4 portrait
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=0.5)


def test_the_pdf_embeds_only_the_shipped_fonts(examples):
    _, _, pdf = examples
    fonts = pdf_fonts(pdf)
    assert {"Noto-Sans", "Noto-Sans-Bold"} <= fonts <= SHIPPED_FONTS
    text = pdf_text(pdf)
    if "▲" in text or "▼" in text:  # the marks come from the shipped cut of Noto Sans Symbols 2
        assert "Noto-Sans-Symbols2" in fonts
    if "∩" in text:  # a crosswalk's common basis (egov-readiness@1.1∩1.0): from the cut of Noto Sans Math
        assert "Noto-Sans-Math" in fonts


def test_the_same_comparison_gives_the_same_bytes(examples, tmp_path):
    comparison, html, pdf = examples
    again_html, again = render(comparison, tmp_path, "again")
    assert again_html == html
    assert again.read_bytes() == pdf.read_bytes()


def test_the_html_page_stands_alone(examples):
    comparison, html, _ = examples
    assert "<script" not in html.lower()
    assert not re.search(r"""\b(?:src|href)\s*=""", html)
    assert not re.search(r"url\(\s*['\"]?(?!data:)", html)  # stylesheet assets inlined as data: URLs
    assert html.count("<svg") >= len(comparison.round(comparison.current).units) + 1


def test_agency_text_is_escaped_in_the_page_and_shown_as_typed_in_the_pdf(tmp_path):
    for round_ in ("2025", "2026"):
        source = ROOT / "examples" / round_ / "ephsd.yaml"
        target = tmp_path / "in" / round_ / "ephsd.yaml"
        target.parent.mkdir(parents=True)
        text = source.read_text(encoding="utf-8")
        target.write_text(re.sub(r'(?m)^agency: .*$', "agency: '" + HOSTILE + "'", text, count=1), encoding="utf-8")
        shutil.copy(ROOT / "examples" / round_ / "wpps.yaml", target.parent / "wpps.yaml")
    comparison = comparison_of([tmp_path / "in"])
    assert any(row.agency == HOSTILE for view in comparison.rounds for row in view.units)
    html, pdf = render(comparison, tmp_path, "hostile")
    assert "<script" not in html and "alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "=HYPERLINK(&#34;http://evil.example/x&#34;,&#34;click&#34;)" in html
    assert 'href="http://evil.example' not in html
    assert flat(HOSTILE) in flat(pdf_text(pdf))  # printed as typed, as text
    assert not any("/URI" in str(annotation.get_object()) for page in pypdf.PdfReader(pdf).pages
                   for annotation in page.get("/Annots") or [])


def test_anonymised_reports_show_codes_and_no_names(examples, tmp_path):
    named, _, _ = examples
    comparison = comparison_of([ROOT / "examples"], anonymise=True)
    html, pdf = render(comparison, tmp_path, "anonymised")
    text = pdf_text(pdf)
    reader = pypdf.PdfReader(pdf)
    attached = reader.attachments["comparison.json"][0].decode("utf-8")
    agencies = {row.agency for view in named.rounds for row in view.units}
    ids = {row.agency_id for view in named.rounds for row in view.units}
    for agency in agencies:
        assert agency not in html and agency not in text and agency not in attached, agency
    for agency_id in ids:  # ids are names too: never shown as a word
        assert not re.search(rf"\b{re.escape(agency_id)}\b", text), agency_id
        assert not re.search(rf"\b{re.escape(agency_id)}\b", attached), agency_id
    for row in comparison.round(comparison.current).units:
        assert row.agency is None and row.unit in text and row.unit in html
        assert f"{row.unit} {row.readiness:.1f}" in text
    # the how-to box says exactly what is withheld, as the comparison's note does
    assert "Anonymised" in text and any(note.startswith("Anonymised:") for note in comparison.notes)
    assert flat("agencies are shown by codes, never by name, and respondents by role; no evidence text or individual "
                "answers are included") in flat(text)
    assert flat(f"The scores of a role given by fewer than {comparison.min_group} respondents, and the count of "
                f"agencies an intervention is proposed for when under {comparison.min_group}, are suppressed "
                f"(shown as –)") in flat(text)
    assert comparison.divergences == [] and comparison.evidence == []
    for kind, count in comparison.transitions.items():  # stage transitions are never suppressed
        assert f"{kind} {count}" in text
    assert pdf_fonts(pdf) <= SHIPPED_FONTS


def test_suppressed_role_scores_and_intervention_counts_are_dashes(write):
    """Anonymised, with a minimum group of 3 agencies: an intervention proposed for fewer is a dash, never its
    count; so is each role's score (one respondent each), in the attached comparison.json."""
    from readiness.intake.batch import load_assessments
    from readiness.portfolio.build import compare
    from readiness.portfolio.render import render_comparison_html
    from readiness.rubric.catalog import Catalog, load_interventions

    from .test_recommend import HEAD, TINY_CATALOGUE, TINY_RUBRIC

    for agency, weak in (("p", "b.b: 1"), ("q", "b.b: 1"), ("r", "b.b: 4")):
        text = HEAD.replace("agency_id: tiny", f"agency_id: {agency}") + f"respondent: {{name: N{agency}, role: staff}}\n"
        write(f"{agency}.yaml", text + f"answers: {{c.a: 2, c.b: 2, r.a: 2, r.b: 2, b.a: 2, {weak}}}\n")
    catalog = Catalog([TINY_RUBRIC])
    batch = load_assessments(["p.yaml", "q.yaml", "r.yaml"], catalog)
    rubric = catalog.find("tiny@1.0")
    comparison = compare(list(batch.groups()), draws=0, anonymise=True, min_group=3,
                         catalogues={rubric.ref: load_interventions(TINY_CATALOGUE, rubric)}).comparison
    hidden = [use for use in comparison.interventions if use.units.suppressed]
    shown = [use for use in comparison.interventions if not use.units.suppressed]
    assert hidden and shown
    assert comparison.roles and all(role.suppressed and role.score is None for role in comparison.roles)
    html = render_comparison_html(comparison, date=DATE, generator=GENERATOR)
    for use in hidden:
        assert f'<td>{use.title}</td><td class="r num">–</td>' in html, use.id
    for use in shown:
        assert f'<td>{use.title}</td><td class="r num">{use.units.count}</td>' in html, use.id
    assert "– : proposed for fewer than 3 units, suppressed." in html
    assert "a role given by fewer than 3 respondents" in html
    pdf = render(comparison, Path("."), "tiny")[1]
    attached = pypdf.PdfReader(pdf).attachments["comparison.json"][0].decode("utf-8")
    assert '"score": null' in attached and "Np" not in attached  # nor the respondents' names
    text = pdf_text(pdf)
    assert all(f"{use.title} –" in text for use in hidden)


def test_without_draws_there_are_no_ranges_or_groups_and_nothing_is_called(tmp_path):
    from readiness.portfolio.render import render_comparison_html

    comparison = comparison_of([ROOT / "examples"], draws=0)
    current = comparison.round(comparison.current)
    assert current.groups is None and all(row.rank_interval is None for row in current.units)
    html = render_comparison_html(comparison, date=DATE, generator=GENERATOR)
    assert "Rank range" not in html and ">Group<" not in html and 'aria-label="rank ' not in html
    assert "No draws (--draws 0): no ranges, no groups, and no change is called (not tested)" in html
    tested = [change.figure("readiness") for change in comparison.changes]
    assert tested and all(figure.direction == "not tested" for figure in tested)
    assert html.count('<span class="muted range">not tested</span>') >= 2 * len(comparison.changes)
    called = html[html.index("<h2>Ranking"):html.index("<h2>Closing the loop")]
    assert "▲" not in called and "▼" not in called
    for row in current.units:  # a figure without a range: no range line under it
        assert f'<span class="num">{row.readiness:.1f}</span></td>' in html, row.unit
    assert "No unit's readiness rose significantly" not in html and "Not tested (no draws)." in html
    assert all(item.verdict == "not tested" for item in comparison.loop)
    assert "not tested</td>" in html or "not tested</b>" in html


def test_the_quadrant_is_cut_where_the_rubric_cuts_it(write):
    """A rubric whose quadrants are cut at readiness 60 and risk 40: the chart's dashed lines stand there."""
    from readiness.intake.batch import load_assessments
    from readiness.portfolio.build import compare
    from readiness.portfolio.render import render_comparison_html
    from readiness.rubric.catalog import Catalog

    from .conftest import MINI_RUBRIC
    from .test_portfolio import BASE, assessment

    rubric = write("cut-rubric.yaml", MINI_RUBRIC.read_text(encoding="utf-8")
                   + "thresholds: {quadrant: {readiness: 60, risk: 40}}\n")
    write("2026/a.yaml", assessment("a", "2026", BASE))
    write("2026/b.yaml", assessment("b", "2026", {**BASE, "i1.a": 4, "i1.b": 4}))
    batch = load_assessments(["2026"], Catalog([rubric]))
    comparison = compare(list(batch.groups()), draws=50).comparison
    assert comparison.round("2026").quadrant_cuts == [60, 40]
    html = render_comparison_html(comparison, date=DATE, generator=GENERATOR)
    # charts.quadrant: x = 36 + 430 · readiness / 100, y = 8 + 330 · (1 − risk / 100)
    assert '<line x1="294.0" y1="8.0" x2="294.0" y2="338.0" stroke="#6b6b6b" stroke-dasharray="4 3"/>' in html
    assert '<line x1="36.0" y1="206.0" x2="466.0" y2="206.0" stroke="#6b6b6b" stroke-dasharray="4 3"/>' in html
    assert 'x1="251.0" y1="8.0" x2="251.0" y2="338.0"' not in html  # no cut at the default 50
    assert "The dashed cuts stand at readiness 60 and risk 40, the quadrant thresholds of mini@0.1" in html
    assert "does not carry" not in html


def test_units_that_left_and_every_verdict_are_told(examples, tmp_path):
    from readiness.portfolio.model import LoopItem
    from readiness.portfolio.render import VERDICTS, render_comparison_html

    for round_, names in (("2025", ("ephsd", "wpps")), ("2026", ("ephsd",))):
        (tmp_path / "in" / round_).mkdir(parents=True)
        for name in names:
            shutil.copy(ROOT / "examples" / round_ / f"{name}.yaml", tmp_path / "in" / round_ / f"{name}.yaml")
    comparison = comparison_of([tmp_path / "in"])
    assert comparison.left == ["wpps"]
    html = render_comparison_html(comparison, date=DATE, generator=GENERATOR)
    name = next(row.agency for row in comparison.round("2025").units if row.unit == "wpps")
    assert re.search(rf"<b>Not assessed in 2026:</b> 1 unit\(s\) assessed in 2025 have no assessment in 2026 and no "
                     rf"change: <span dir=\"ltr\">{re.escape(name)}</span> <span class=\"muted\">wpps</span>.", html)
    # Every verdict of the loop is defined in the report; "mixed" has its own mark, in the summary too.
    named, _, _ = examples
    item = named.loop[0]
    mixed = named.model_copy(update={"loop": [LoopItem(**{**item.model_dump(), "verdict": "mixed"}),
                                              *named.loop[1:]]})
    html = render_comparison_html(mixed, date=DATE, generator=GENERATOR)
    for verdict, meaning in VERDICTS.items():
        assert f"<b>{verdict}</b>" in html and meaning in html, verdict
    assert '<b>mixed</b><span class="mark">△▽</span>' in html
    assert '<th class="r">mixed<span class="mark">△▽</span></th>' in html
    assert f'<td>{item.title}</td><td>{item.phase}</td><td>mixed<span class="mark">△▽</span></td>' in html


def test_one_round_says_why_there_is_no_change(tmp_path):
    from readiness.portfolio.render import portfolio_context, render_comparison_html

    comparison = comparison_of([ROOT / "examples" / "2026"])
    assert comparison.baseline is None
    context = portfolio_context(comparison, date=DATE, generator=GENERATOR)
    assert context["changes"] is None and context["loop"] == [] and context["earlier"] == []
    html = render_comparison_html(comparison, date=DATE, generator=GENERATOR)
    assert "No baseline: the inputs hold only round" in html
    assert "no earlier roadmap to follow up" in html
    assert "Change since" not in html


def test_the_quadrant_labels_units_only_when_they_fit():
    from readiness.portfolio import charts

    few = [(f"u{i}", 10.0 + 8 * i, 20.0 + 6 * i, [5.0 + 8 * i, 15.0 + 8 * i], [15.0 + 6 * i, 25.0 + 6 * i])
           for i in range(10)]
    drawn = charts.quadrant(few)
    assert all(f">u{i}</text>" in drawn for i in range(10))
    many = [(f"u{i}", (i * 37) % 100, (i * 53) % 100, None, None) for i in range(200)]
    crowded = charts.quadrant(many)
    assert crowded.count('r="2.2"') == 200 and ">u1</text>" not in crowded
    assert len(crowded) < 200 * 300  # no label, no blow-up
    hostile = charts.quadrant([("<b>&x", 50.0, 50.0, None, None)])
    assert "&lt;b&gt;&amp;x" in hostile and "<b>" not in hostile


def test_report_never_imports_portfolio():
    from .test_architecture import imports_of

    for path in (ROOT / "readiness" / "report").rglob("*.py"):
        assert not [name for _, name in imports_of(path, ROOT) if name.startswith("readiness.portfolio")], path


def test_the_shipped_cuts_have_the_signs_noto_sans_lacks():
    TTFont = pytest.importorskip("fontTools.ttLib").TTFont
    fonts = ROOT / "templates" / "fonts"
    lacking = set(TTFont(io.BytesIO((fonts / "NotoSans-Regular.ttf").read_bytes())).getBestCmap())
    for name, signs in (("NotoSansSymbols2-Marks.ttf", "▲▼△▽"), ("NotoSansMath-Marks.ttf", "∩∪→−≤≥")):
        found = set(TTFont(io.BytesIO((fonts / name).read_bytes())).getBestCmap())
        assert {ord(sign) for sign in signs} <= found - lacking, name
