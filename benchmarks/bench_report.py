"""Benchmark: PDF scorecards, against WeasyPrint's own time, and the throughput of --jobs.

    .venv/bin/python benchmarks/bench_report.py [--reports 20] [--repeat 3]

Writes --reports synthetic assessments of the default rubric (bench_yaml_scoring.py's generator) and:

* in one process, per report: readiness's whole PDF path (context, charts, templates, WeasyPrint with
  the fetcher, fonts, PDF/A and the attachment), against WeasyPrint alone rendering the final HTML
  with the same options (goal of issue 9: at most 1.2x);
* as a user runs it: `readiness report DIR -o OUT --jobs 1` against `--jobs 2`, whole processes,
  printed as throughput (goal: --jobs 2 at least 1.6x --jobs 1).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_yaml_scoring import synthetic_round
from timing import best_interleaved

from readiness.recommend.engine import roadmap_for
from readiness.report.model import ReportInput
from readiness.report.render import render_html, render_pdf, template_roots
from readiness.scoring.batch import score_batch
from readiness.scoring.export import to_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from weasyprint import HTML, Attachment

    from readiness.report.fetcher import TemplateFetcher

    readiness = Path(sys.executable).with_name("readiness")
    with tempfile.TemporaryDirectory() as folder:
        _, rubric, catalogue, inputs, groups = synthetic_round(Path(folder), args.reports)
        cards = score_batch(groups, draws=1000).scorecards
        report = ReportInput(card=cards[0], rubric=rubric, roadmap=roadmap_for(cards[0], rubric, catalogue),
                             date="2026-11-29")
        attachment = to_json([report.card])
        final_html = render_html(report, for_print=True)
        roots = template_roots()
        base = roots[0].resolve().as_uri() + "/"

        def weasyprint_alone():
            data = Attachment(string=attachment.encode(), name="scorecard.json", relationship="Data")
            return HTML(string=final_html, base_url=base, url_fetcher=TemplateFetcher(roots)).write_pdf(
                attachments=[data], pdf_variant="pdf/a-3b", pdf_identifier=b"0" * 32)

        best = best_interleaved({"ours": lambda: render_pdf(report, attachment),
                                 "weasyprint": weasyprint_alone}, args.repeat)
        from io import BytesIO

        from pypdf import PdfReader

        pages = len(PdfReader(BytesIO(render_pdf(report, attachment))).pages)
        print(f"one report ({pages} pages), in one process, best of {args.repeat}:")
        print(f"  WeasyPrint alone, the final HTML: {best['weasyprint']:6.2f} s")
        print(f"  readiness's whole PDF path:       {best['ours']:6.2f} s  "
              f"({best['ours'] / best['weasyprint']:.2f}x WeasyPrint)")

        runs = {}
        for jobs in (1, 2):
            start = time.perf_counter()
            subprocess.run([str(readiness), "report", str(inputs), "-o", str(Path(folder, f"out{jobs}")),
                            "--jobs", str(jobs)], check=True, capture_output=True)
            runs[jobs] = time.perf_counter() - start
        print(f"whole process, {args.reports} reports (PDF):")
        print(f"  --jobs 1: {runs[1]:6.1f} s ({args.reports / runs[1]:.2f} reports/s)")
        print(f"  --jobs 2: {runs[2]:6.1f} s ({args.reports / runs[2]:.2f} reports/s, "
              f"{runs[1] / runs[2]:.2f}x the throughput of --jobs 1)")


if __name__ == "__main__":
    main()
