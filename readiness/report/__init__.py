"""Reports: one scorecard per agency-round as a standalone HTML page and a PDF/A-3b document.

:mod:`.context` turns a :class:`~readiness.report.model.ReportInput` (a scorecard, its roadmap, the
previous round and the evidence cited) into what the templates show; :mod:`.charts` draws the SVG
charts; :mod:`.render` fills the Jinja2 templates of ``templates/`` and prints the page with WeasyPrint
through :mod:`.fetcher`, which lets a report reach only its own template folder; :mod:`.batch`
renders many, in parallel processes.  Nothing here reads input files.
"""
