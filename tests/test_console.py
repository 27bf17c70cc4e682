"""What the terminal shows fits the terminal, whatever text the agencies typed (property tests)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from readiness.console import rubric_tree, scorecard_table, wrap_text
from readiness.intake.batch import load_assessments
from readiness.rubric.catalog import Catalog
from readiness.scoring.batch import score_batch

from .conftest import MINI_A, MINI_RUBRIC

# Latin words, wide Chinese characters, and long unbroken words, as agency names may have them.
WORDS = st.text(alphabet=st.sampled_from("abcdefgh北部省土地记录局é-"), min_size=1, max_size=40)
TEXTS = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)


@given(text=TEXTS, width=st.integers(min_value=2, max_value=100))
def test_wrapped_lines_fit_and_keep_every_character(text, width):
    lines = wrap_text(text, width, "", "  " if width > 4 else "")
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@pytest.fixture(scope="module")
def card(tmp_path_factory):
    path = tmp_path_factory.mktemp("card") / "a.yaml"
    path.write_text(MINI_A, encoding="utf-8")
    batch = load_assessments([path], Catalog([MINI_RUBRIC]))
    (scorecard,) = score_batch(batch.groups()).scorecards
    return scorecard


@settings(max_examples=150, deadline=None)
@given(names=st.lists(TEXTS, min_size=1, max_size=4), round_=st.sampled_from(["2026", "2026-q1-final"]),
       width=st.integers(min_value=40, max_value=160))
def test_the_score_table_fits_any_width(card, names, round_, width):
    cards = [card.model_copy(update={"agency": name, "round": round_}) for name in names]
    text = scorecard_table(cards, width)
    assert max(cell_len(line) for line in text.splitlines()) <= width
    shown = Counter(text)
    for name in names:  # nothing of a name is cut off, however it was wrapped (its lines interleave with others)
        assert Counter(name.replace(" ", "")) <= shown


@settings(max_examples=40, deadline=None)
@given(width=st.integers(min_value=40, max_value=160))
def test_the_rubric_tree_fits_any_width(width):
    rubric = Catalog().find("egov-readiness")
    assert max(cell_len(line) for line in rubric_tree(rubric, width).splitlines()) <= width


def _rich_reference(table) -> str:
    """The same table drawn by rich, as console.py drew it before it drew tables itself."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from readiness.console import _cell_lines, _render

    drawn = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, table.gap - 1, 0, 0),
                  collapse_padding=True, header_style="bold")
    for index, ((title, justify), width) in enumerate(zip(table.headers, table.widths)):
        drawn.add_column(Text(title, style="bold"), justify=justify, width=width, no_wrap=index not in table.wrap,
                         overflow="fold")
    for row in table.rows:
        drawn.add_row(*(Text("\n".join(_cell_lines(cell))) for cell in row))
    return _render([drawn], sum(table.widths) + table.gap * (len(table.widths) - 1))


_WORDS = st.sampled_from(["Northern", "Province", "Land", "Records", "Authority", "e-Office", "Agency", "of",
                          "Ministère", "Santé", "中文机构", "under-equipped", "Ready", "to", "scale", "A",
                          "3", "42.5", "–", "(x)"])
_CELLS = st.lists(_WORDS, min_size=0, max_size=6).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_tables_are_drawn_as_rich_drew_them(data):
    from readiness.console import _table

    columns = data.draw(st.integers(1, 6))
    headers = [(data.draw(st.sampled_from(["Agency", "Round", "Ready", "Cover\nEvid", "N\nAgree", "Stage"])),
                data.draw(st.sampled_from(["left", "right"]))) for _ in range(columns)]
    rows = data.draw(st.lists(st.lists(st.one_of(_CELLS, st.tuples(_CELLS, _CELLS).map("\n".join)),
                                       min_size=columns, max_size=columns), max_size=5))
    wrap = sorted(data.draw(st.sets(st.integers(0, columns - 1), max_size=2)))
    table = _table(headers, rows, width=data.draw(st.integers(40, 130)), wrap=wrap)
    if table is not None:
        assert table.text() == _rich_reference(table)


def test_a_word_longer_than_its_column_is_broken_without_a_stray_space():
    # The one difference from rich, found comparing them: when a broken word's last piece filled its line,
    # rich began the next line with the space that followed it (" Province").
    from readiness.console import _table

    table = _table([("Stage", "left"), ("Agency", "left")],
                   [["3 Defined, held back..", "Supercalifragilisticexpialidocious Province"]], width=40, wrap=[1])
    assert table.text().splitlines()[2:] == ["3 Defined, held back.. Supercalifragilis",
                                             "                       ticexpialidocious",
                                             "                       Province"]
    assert _rich_reference(table).splitlines()[4] == "                        Province"
