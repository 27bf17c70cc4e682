"""Scoring: from validated assessments to scorecards, by the method of DESIGN.md §4.

The method (:mod:`.method`) is pure arithmetic on a rubric and answers; :mod:`.scorecard` assembles
one agency-round's :class:`Scorecard`; :mod:`.agreement` measures how far respondents agree;
:mod:`.uncertainty` re-runs the method under plausible changes (numpy); :mod:`.batch` scores many;
:mod:`.export` writes JSON and CSV.  Nothing here reads input files: scoring takes assessments,
whatever format they came from.
"""

#: How many times the method is re-run for the intervals, unless told otherwise (0: not at all).
DEFAULT_DRAWS = 1000
#: The seed of those draws, unless told otherwise: the same seed gives the same intervals.
DEFAULT_SEED = 20261129
#: A stage, risk band or quadrant held in fewer draws than this is shown as uncertain ("?").
CONFIDENT = 0.8
