"""Rubrics: the model (pillars, dimensions, indicators, weights) and the catalogue of data files."""

from .catalog import Catalog, load_rubric
from .model import Dimension, Indicator, Pillar, Rubric

__all__ = ["Catalog", "Dimension", "Indicator", "Pillar", "Rubric", "load_rubric"]
