"""The portfolio: many agencies and rounds compared, every comparison with its uncertainty (DESIGN.md §4.11).

:func:`~.build.compare` turns assessments (already read) into a :class:`~.model.Comparison`:
rankings with rank intervals and groups of units not distinguishable from each other, a heatmap of
dimensions, changes since a baseline round called significant only when their paired interval
excludes zero, the spread of each dimension, the interventions recommended most often, and
whether last round's roadmap moved its dimensions.  Rounds answered with different rubric
versions are compared through the newer version's crosswalk.  :mod:`.ranks` and :mod:`.changes`
hold the arithmetic on the joint draws; :mod:`.tables` lays a comparison out as flat views for
CSV, Excel and SQLite (:mod:`.export`).  Nothing here reads input files.
"""
