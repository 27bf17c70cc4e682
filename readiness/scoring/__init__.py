"""Scoring: from validated assessments to scorecards, by the method of DESIGN.md §4.

The method (:mod:`.method`) is pure arithmetic on a rubric and answers; :mod:`.scorecard` assembles
one agency-round's :class:`Scorecard`; :mod:`.batch` scores many; :mod:`.export` writes JSON and
CSV.  Nothing here reads input files: scoring takes assessments, whatever format they came from.
"""
