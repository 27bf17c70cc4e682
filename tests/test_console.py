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
