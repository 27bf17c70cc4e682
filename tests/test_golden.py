"""The main commands give the same bytes on examples/ as when their output was last accepted.

Speed work (issue 13: pydantic-core serialisation, streaming, lighter scorecards) must not change a
byte of any output; an intended change regenerates tests/golden/examples.sha256 (see its script).
"""

from __future__ import annotations

import json

import pytest

from readiness.intake.batch import load_assessments
from readiness.rubric.catalog import Catalog
from readiness.scoring.batch import score_batch
from readiness.scoring.export import to_json

from .conftest import ROOT
from .golden.outputs import COMMANDS, accepted, digests


def test_every_output_is_byte_for_byte_as_accepted():
    expected = accepted()
    assert list(expected) == COMMANDS
    found = digests()
    assert [command for command in COMMANDS if found[command] != expected[command]] == []


@pytest.fixture(scope="module")
def cards():
    return score_batch(load_assessments([ROOT / "examples"], Catalog()).groups(), draws=50, seed=7).scorecards


def test_json_is_what_the_standard_encoder_would_write(cards):
    # pydantic-core writes the JSON; Python's encoder (the writer before) must read it as the same text.
    assert to_json(cards) == json.dumps([card.to_json_dict() for card in cards], indent=2, ensure_ascii=False) + "\n"


def test_the_one_known_difference_is_the_notation_of_tiny_floats(cards):
    tiny = cards[0].model_copy(update={"risk_band_confidence": 1e-05, "stage_confidence": 1e-07})
    text = to_json([tiny])
    # Python's encoder wrote 1e-05 and 1e-07; pydantic-core writes 0.00001 and 1e-7: the same numbers.
    assert '"stage_confidence": 1e-7,' in text and '"risk_band_confidence": 0.00001,' in text
    assert json.loads(text)[0]["risk_band_confidence"] == 1e-05
