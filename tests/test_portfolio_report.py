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
    return compare(groups, catalogues=catalogues, draws=200, **options).comparison


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
    for d in current.distributions:  # the spread of each dimension, and the heatmap's key
        assert d.title in text and (d.suppressed or f"{d.q1:.0f}–{d.q3:.0f}" in text)


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
    assert "Anonymised" in text and f"smaller than {comparison.min_group}" in text
    suppressed = [kind for kind, count in comparison.transitions.items() if count.suppressed]
    for kind in suppressed:  # a withheld count is a dash, never its number
        assert f"{kind} –" in text
    assert pdf_fonts(pdf) <= SHIPPED_FONTS


def test_suppressed_spreads_are_dashes(tmp_path):
    comparison = comparison_of([ROOT / "examples" / "2026"], anonymise=True, min_group=1000)
    from readiness.portfolio.render import render_comparison_html

    html = render_comparison_html(comparison, date=DATE, generator=GENERATOR)
    view = comparison.round(comparison.current)
    assert view.distributions and all(d.suppressed for d in view.distributions)
    rows = re.findall(r"<tr><td>[^<]*<span class=\"muted\">([a-z_]+)</span></td><td class=\"r\">\d+</td>"
                      r"<td class=\"pf-box-chart\">–</td><td class=\"r num\">–</td>", html)
    assert rows == [d.dimension for d in view.distributions]
    assert "How each dimension is spread" in html


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
