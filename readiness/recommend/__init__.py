"""Recommendations: from a scorecard and an intervention catalogue to a phased, explained roadmap.

:mod:`.triggers` finds the interventions a scorecard calls for; :mod:`.effects` estimates each
one's gain by re-scoring (through the scoring stage's own method); :mod:`.schedule` orders them
into phases and months; :mod:`.explain` traces each to the answers behind it; :mod:`.engine`
puts it together into a :class:`~readiness.recommend.model.Roadmap`.  Nothing here reads input
files: a roadmap is computed from a scorecard, whatever the assessment's format.
"""
