"""Intake: from files (YAML, Excel workbooks, survey exports) to validated :class:`Assessment` objects.

Readers turn each format into the same located document; format-neutral checks turn that into an
``Assessment``; :func:`readiness.intake.batch.load_assessments` reads many files at once and
checks them together.  Modules are imported where used, so that no command pays for formats it
does not read.
"""
