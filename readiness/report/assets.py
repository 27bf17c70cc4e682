"""The template folders' files: finding one safely, and its media type.  No WeasyPrint here, so that
HTML pages can be made where WeasyPrint cannot run."""

from __future__ import annotations

from pathlib import Path

#: Media types by suffix, fixed here rather than taken from the system's /etc/mime.types.
MEDIA_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
               ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
               ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp"}


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


def template_file(roots: list[Path], relative: str | Path) -> Path | None:
    """The file ``relative`` to the template folders: a custom folder's first, else the shipped one.

    Resolved (symbolic links followed) and required to stay inside its folder, so that neither a
    ``..`` nor a link can reach another file.
    """
    for root in roots:
        root = root.resolve()
        found = (root / relative).resolve()
        if found.is_relative_to(root) and found.is_file():
            return found
    return None
