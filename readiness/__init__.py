"""readiness: how ready a government agency is for digital reform, and what stands in the way.

The library flows one way (DESIGN.md §2)::

    Rubric + file --intake--> Assessment --scoring--> Scorecard

>>> from readiness import Catalog, load_assessments, score_batch
>>> batch = load_assessments(["examples/"])           # doctest: +SKIP
>>> cards = score_batch(batch, Catalog())            # doctest: +SKIP
"""

from .assessment import Answer, Assessment, Respondent
from .catalog import Catalog, load_rubric
from .errors import InvalidInput, Location, Problem, ReadinessError, RubricNotFound
from .intake import Batch, load_assessments
from .rubric import Rubric
from .scorecard import Scorecard
from .scoring import score_assessment
from .service import score_batch

__version__ = "0.1.0"

__all__ = [
    "Answer", "Assessment", "Batch", "Catalog", "InvalidInput", "Location", "Problem", "ReadinessError",
    "Respondent", "Rubric", "RubricNotFound", "Scorecard", "load_assessments", "load_rubric",
    "score_assessment", "score_batch", "__version__",
]
