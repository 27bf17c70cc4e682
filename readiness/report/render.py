"""Rendering one report: Jinja2 templates to a standalone HTML page, and that page to PDF/A-3b by WeasyPrint.

Autoescape is on and undefined variables are errors; the PDF gets its metadata from the page, its
fonts from the template folder (through :mod:`.fetcher`, which reaches nothing else), the
scorecard's JSON as an attachment, and an identifier and dates derived from its content, so the same
input gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from ..errors import ReadinessError
from ..files import shipped_data_dir
from .context import build_context
from .model import ReportInput

#: The page template and the stylesheets a template folder may override, by file name.
PAGE = "scorecard.html"
STYLESHEET = "scorecard.css"
PRINT_STYLESHEET = "print.css"
#: A template folder's own additions, read after the stylesheets above (the shipped templates have none).
CUSTOM_STYLESHEET = "custom.css"
ATTACHMENT = "scorecard.json"


def template_roots(template_dir: Path | None = None) -> list[Path]:
    """Where templates and their assets are looked up: a custom folder first, then the shipped one."""
    shipped = shipped_data_dir("templates")
    return [Path(template_dir), shipped] if template_dir else [shipped]


@lru_cache(maxsize=8)
def _environment(roots: tuple[Path, ...]):
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from .assets import template_file

    class TemplateLoader(jinja2.BaseLoader):
        """Templates from the template folders only: a custom folder's first, no link leading out of one."""

        def get_source(self, environment, template):
            path = template_file(list(roots), template)
            if path is None:
                raise jinja2.TemplateNotFound(template)
            mtime = path.stat().st_mtime_ns
            return path.read_text(encoding="utf-8"), str(path), lambda: path.stat().st_mtime_ns == mtime

    # A sandbox: a template folder of one's own can lay out a page, not run code or read other files.
    return ImmutableSandboxedEnvironment(
        loader=TemplateLoader(),
        autoescape=True,  # every value is escaped, whatever the file name: agency text is never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )


class RendererMissing(ReadinessError):
    """WeasyPrint cannot run here: the system libraries it prints with (Pango) are missing."""


def check_renderer() -> None:
    """Load WeasyPrint once, so that a missing system library is one clear message rather than a failure
    per report."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        raise RendererMissing(f"WeasyPrint cannot load the system library it prints with ({exc}); install "
                              f"Pango (Debian, Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0), or "
                              f"write HTML reports only with --format html") from None


class TemplateProblem(ReadinessError):
    """A template of a ``--template`` folder cannot be used (a syntax error, a missing file)."""


def check_templates(template_dir: Path | None = None) -> None:
    """Parse the page template and read the stylesheets once, before any report is rendered, so that a
    mistake in a template of one's own is said once, with its file and line."""
    import jinja2

    roots = template_roots(template_dir)
    try:
        _environment(tuple(roots)).get_template(PAGE)
    except jinja2.TemplateSyntaxError as exc:
        where = next((str(root / (exc.name or PAGE)) for root in roots if (root / (exc.name or PAGE)).is_file()),
                     exc.filename or PAGE)
        raise TemplateProblem(f"{where}:{exc.lineno}: {exc.message}") from None
    for name in (STYLESHEET, PRINT_STYLESHEET):
        _asset_text(roots, name)


def _asset_text(roots: list[Path], name: str) -> str:
    from .assets import template_file

    path = template_file(roots, name)
    if path is not None:
        return path.read_text(encoding="utf-8")
    raise TemplateProblem(f"no {name} in the template folders ({', '.join(map(str, roots))})")


def render_html(report: ReportInput, *, template_dir: Path | None = None, for_print: bool = False) -> str:
    """The report as a standalone HTML page: its stylesheet inline, its charts inline SVG, no external requests.

    ``for_print`` adds the PDF's own stylesheet (fonts from the template folder, page header and
    footer): the page WeasyPrint prints.  Both are inline, so that they count as the page's own styles.
    """
    return render_page(PAGE, build_context(report), template_dir=template_dir, for_print=for_print)


def render_page(page: str, context: dict, *, template_dir: Path | None = None, for_print: bool = False) -> str:
    """Any page template of the template folders (``scorecard.html``, ``portfolio.html``) with ``context``,
    under the same rules: sandboxed, autoescaped, the shipped stylesheets (and a folder's custom.css) inline."""
    roots = template_roots(template_dir)
    template = _environment(tuple(roots)).get_template(page)
    from .assets import template_file

    css = _asset_text(roots, STYLESHEET)
    if for_print:
        css += "\n" + _asset_text(roots, PRINT_STYLESHEET)
    if template_file(roots, CUSTOM_STYLESHEET) is not None:
        css += "\n" + _asset_text(roots, CUSTOM_STYLESHEET)
    if not for_print:  # a page that stands alone carries its images; the PDF fetches them through the fetcher
        css = _inline_urls(css, roots)
    return template.render(**context, stylesheet=_css(css))


_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""")


def _inline_urls(css: str, roots: list[Path]) -> str:
    """Each ``url(...)`` of a stylesheet as a ``data:`` URL of the template file it names, or nothing."""
    from .assets import media_type, template_file

    def inline(match: re.Match) -> str:
        target = match[2].strip()
        if target.startswith(("data:", "#")):
            return match[0]
        path = template_file(roots, target) if ":" not in target and not target.startswith("/") else None
        if path is None:
            return 'url("data:,")'  # nothing is requested from anywhere
        return f'url("data:{media_type(path)};base64,{base64.b64encode(path.read_bytes()).decode()}")'

    return _URL.sub(inline, css)


def _css(text: str):
    from markupsafe import Markup

    # A stylesheet is the template's own, inlined in <style>: it must not close the element.
    return Markup(text.replace("</", "<\\/"))


def render_pdf(report: ReportInput, attachment: str, *, template_dir: Path | None = None,
               html: str | None = None) -> bytes:
    """The report as PDF/A-3b bytes, with ``attachment`` (the scorecard's JSON) embedded as scorecard.json.

    ``html`` is the page to print (:func:`render_html` with ``for_print``), made here when not given.
    """
    html = html if html is not None else render_html(report, template_dir=template_dir, for_print=True)
    return print_pdf(html, attachment, name=ATTACHMENT, date=report.date, template_dir=template_dir,
                     description=f"Scorecard of {report.card.agency_id} round {report.card.round} "
                                 f"(readiness score --format json)")


def print_pdf(html: str, attachment: str, *, name: str, description: str, date: str,
              template_dir: Path | None = None) -> bytes:
    """A page (rendered ``for_print``) as PDF/A-3b bytes, with ``attachment`` (JSON text) embedded as ``name``.

    Fonts and images come from the template folders only; the identifier and dates come from the
    content and ``date`` (YYYY-MM-DD), so the same page gives the same bytes.
    """
    from weasyprint import HTML, Attachment

    from .fetcher import TemplateFetcher

    roots = template_roots(template_dir)
    fetcher = TemplateFetcher(roots)
    base = roots[0].resolve().as_uri() + "/"
    stamp = datetime.fromisoformat(date).replace(tzinfo=timezone.utc)
    identifier = hashlib.sha256((html + attachment).encode("utf-8")).hexdigest()[:32].encode("ascii")
    with _quiet_weasyprint():
        document = HTML(string=html, base_url=base, url_fetcher=fetcher)
        data = Attachment(string=attachment.encode("utf-8"), base_url=base, url_fetcher=fetcher, name=name,
                          description=description, created=stamp, modified=stamp, relationship="Data")
        return document.write_pdf(attachments=[data], pdf_variant="pdf/a-3b", pdf_identifier=identifier)


class _quiet_weasyprint:
    """WeasyPrint logs every refused resource and unsupported CSS property as a warning; a report is
    checked by its tests, so those lines would only alarm users."""

    def __enter__(self):
        self.logger = logging.getLogger("weasyprint")
        self.level = self.logger.level
        self.logger.setLevel(logging.ERROR)

    def __exit__(self, *exc):
        self.logger.setLevel(self.level)
