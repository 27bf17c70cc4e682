"""readiness: how ready a government agency is for digital reform, and what stands in the way.

The library flows one way (docs/architecture.md)::

    Rubric + file --intake--> Assessment --scoring--> Scorecard --recommend--> Roadmap

>>> from readiness import Catalog, load_assessments, score_batch
>>> batch = load_assessments(["examples/"], Catalog())    # doctest: +SKIP
>>> result = score_batch(batch.groups())                  # doctest: +SKIP

Names are imported when first used, so that ``readiness --help`` starts without loading pydantic.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "Answer": "readiness.intake.model",
    "Assessment": "readiness.intake.model",
    "Respondent": "readiness.intake.model",
    "Batch": "readiness.intake.batch",
    "ValidationReport": "readiness.intake.batch",
    "load_assessments": "readiness.intake.batch",
    "Catalog": "readiness.rubric.catalog",
    "load_rubric": "readiness.rubric.catalog",
    "Rubric": "readiness.rubric.model",
    "InvalidInput": "readiness.errors",
    "Location": "readiness.errors",
    "NotScorable": "readiness.errors",
    "Problem": "readiness.errors",
    "ReadinessError": "readiness.errors",
    "RubricNotFound": "readiness.errors",
    "Scorecard": "readiness.scoring.scorecard",
    "score_assessment": "readiness.scoring.scorecard",
    "ScoringResult": "readiness.scoring.batch",
    "score_batch": "readiness.scoring.batch",
    "InterventionCatalogue": "readiness.rubric.interventions",
    "load_interventions": "readiness.rubric.catalog",
    "Roadmap": "readiness.recommend.model",
    "roadmap_for": "readiness.recommend.engine",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    if name == "__version__":
        from .files import version

        return version()
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'readiness' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
