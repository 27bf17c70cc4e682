"""The only way a report reaches anything outside itself: the template folder's own files.

WeasyPrint fetches what a page refers to (stylesheets, fonts, images, attachments).  Agency text is
escaped, so it never becomes a reference; this fetcher makes sure that a template cannot reach out
either: only files inside the template folders are served (a custom folder first, then the shipped
one), plus ``data:`` URLs; no other file, no network, no redirect.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse

from .assets import media_type, template_file


class RefusedResource(ValueError):
    """A page referred to something outside the template folders; it is left out of the report."""


class TemplateFetcher(URLFetcher):
    """Serve ``file:`` URLs inside ``roots`` (looked up by their path below the first root) and ``data:`` URLs."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, timeout=1)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedResource(f"refused {url!r}: a report only uses its template folder's files")
        # The path as written (not resolved: a link inside a folder must not lead out of it).
        wanted = Path(unquote(parts.path))
        relative = next((wanted.relative_to(root) for root in self.roots if wanted.is_relative_to(root)), None)
        if relative is None:
            raise RefusedResource(f"refused {url!r}: outside the template folders")
        found = template_file(self.roots, relative)
        if found is None:
            raise RefusedResource(f"refused {url!r}: no such file in the template folders")
        return URLFetcherResponse(found.as_uri(), body=found.read_bytes(), headers={"Content-Type": media_type(found)})
