"""The one WeasyPrint pipeline for printed documents (plans, invitations, reports, sign-in sheets).

A document is a Django template that extends ``documents/base.html`` (the ND30 page skeleton)
and is printed with the one base stylesheet ``static/css/nd30.css``. Apps add templates and a
renderer in their ``documents.py`` that returns a ``Document``; they never call WeasyPrint
themselves.

Per process we keep one font configuration and the stylesheet parsed once: building a
FontConfiguration loads every system font through fontconfig, and parsing the stylesheet
(page rules, selectors) would otherwise be repeated for every PDF. WeasyPrint is imported on
first use so that loading the web application does not pay for Pango and cffi.
"""

from __future__ import annotations

import gc
import io
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

PDF_CONTENT_TYPE = "application/pdf"
STATIC_DIR = Path(settings.BASE_DIR) / "static"
BASE_STYLESHEET = STATIC_DIR / "css" / "nd30.css"
# Relative URLs in document templates (a logo, a signature image) resolve inside static/.
BASE_URL = STATIC_DIR.as_uri() + "/"

# WeasyPrint reports every layout step ("Step 5 - Creating layout - Page 3") at INFO, about fifteen
# lines per document under the root INFO level; keep them out unless LOGGING sets a level for it.
logger = logging.getLogger(__name__)
_progress_logger = logging.getLogger("weasyprint.progress")
if _progress_logger.level == logging.NOTSET:
    _progress_logger.setLevel(logging.WARNING)

# Pango's font map is not safe to share between threads; WeasyPrint holds the GIL for most of
# its work anyway, so rendering one document at a time per process costs nothing.
_render_lock = threading.Lock()


# WeasyPrint allocates millions of small objects (boxes, styles, text fragments) for a batch of
# letters. With Python's default thresholds the collector ran so often, over the whole heap of a
# warm worker, that it took a fifth of the rendering time; collecting less often while rendering
# keeps the memory in bounds (a collection every 50,000 new objects) and saves that time.
RENDER_GC_THRESHOLDS = (50_000, 20, 20)


@contextmanager
def _rendering() -> Iterator[None]:
    """One render at a time in this process, with the collector tuned for WeasyPrint."""
    with _render_lock:
        thresholds = gc.get_threshold()
        gc.set_threshold(*RENDER_GC_THRESHOLDS)
        try:
            yield
        finally:
            gc.set_threshold(*thresholds)


class Document(NamedTuple):
    """A rendered document, unpacked like pretix's ``(filename, content_type, bytes)``."""

    filename: str
    content_type: str
    content: bytes


@cache
def font_config() -> FontConfiguration:
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 (heavy: loaded on first use, see above)

    return FontConfiguration()


def static_roots() -> tuple[Path, ...]:
    """The folders whose files a document may embed: the portal's own static files."""
    roots = [STATIC_DIR, *(Path(entry) for entry in settings.STATICFILES_DIRS)]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT))
    return tuple(dict.fromkeys(root.resolve() for root in roots))


def is_allowed_resource(url: str) -> bool:
    """May a document fetch this URL? Only inline data (the QR codes and charts we generate
    as ``data:`` URIs) and files inside the static folders; never the network, never another
    file on the server (a reply's text cannot smuggle ``file:///etc/passwd`` into a PDF)."""
    scheme, _, rest = url.partition(":")
    scheme = scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file":
        return False
    path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
    return any(path.is_relative_to(root) for root in static_roots())


@cache
def url_fetcher() -> URLFetcher:
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 (heavy: loaded on first use, see above)

    class PortalURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not is_allowed_resource(url):
                logger.warning("Refused a resource outside the portal's static files: %.200s", url)
                if url.lower().startswith("file:"):
                    # WeasyPrint catches the error, skips the resource and renders the rest.
                    raise ValueError(f"File outside static/ not allowed in a document: {url[:200]}")
            # Any other scheme is refused by the base class ("disallowed protocol").
            return super().fetch(url, headers)

    return PortalURLFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)


@cache
def stylesheet_text() -> str:
    return BASE_STYLESHEET.read_text(encoding="utf-8")


@cache
def base_stylesheet() -> CSS:
    from weasyprint import CSS  # noqa: PLC0415 (heavy: loaded on first use, see above)

    return CSS(
        string=stylesheet_text(),
        base_url=BASE_URL,
        url_fetcher=url_fetcher(),
        font_config=font_config(),
    )


def render_html(template_name: str, context: dict[str, Any], *, standalone: bool = False) -> str:
    """The document as HTML.

    Without ``standalone`` the stylesheet is left out: ``render_pdf`` applies the parsed one.
    With it the stylesheet is inlined, so the file opens on its own in a browser.
    """
    context = dict(context)
    if standalone:
        context["inline_stylesheet"] = mark_safe(stylesheet_text())
    return render_to_string(template_name, context)


def html_to_pdf(html: str) -> bytes:
    """Print HTML produced by ``render_html`` with the base stylesheet."""
    from weasyprint import HTML  # noqa: PLC0415 (heavy: loaded on first use, see above)

    with _rendering():
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher())
        return document.write_pdf(stylesheets=[base_stylesheet()], font_config=font_config())


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a document template to PDF bytes."""
    return html_to_pdf(render_html(template_name, context))


def lay_out_pdf(template_name: str, context: dict[str, Any]):
    """Render a document template and return WeasyPrint's laid-out document (its pages' boxes
    say where each element went) together with its PDF bytes: for renderers that lay a page out
    once and then place variable text on copies of it (notifications.letter_press)."""
    from weasyprint import HTML  # noqa: PLC0415 (heavy: loaded on first use, see above)

    html = render_html(template_name, context)
    with _rendering():
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).render(
            stylesheets=[base_stylesheet()], font_config=font_config()
        )
        return document, document.write_pdf()


def render_pdf_in_chunks(
    template_name: str,
    context: dict[str, Any],
    *,
    items_key: str,
    chunk_size: int = 50,
    on_chunk: Callable[[int], None] | None = None,
) -> bytes:
    """Render a long run of one-page items (letters) as one PDF, `chunk_size` items at a time.

    WeasyPrint's layout of one very long document grows faster than its page count (1,000
    letters in one HTML took about twice as long per letter as 100); laying out chunks and
    joining their pages into one PDF keeps every letter at the cost of a short document.
    """
    from weasyprint import HTML  # noqa: PLC0415 (heavy: loaded on first use, see above)

    items = list(context[items_key])
    chunks = [items[i : i + chunk_size] for i in range(0, len(items), chunk_size)] or [[]]
    with _rendering():
        documents, done = [], 0
        for chunk in chunks:
            html = render_html(template_name, {**context, items_key: chunk})
            documents.append(
                HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).render(
                    stylesheets=[base_stylesheet()], font_config=font_config()
                )
            )
            done += len(chunk)
            if on_chunk is not None:
                on_chunk(done)
        pages = [page for document in documents for page in document.pages]
        return documents[0].copy(pages).write_pdf()


def join_pdfs(contents: Iterable[bytes]) -> bytes:
    """One PDF of the pages of several, in order: documents rendered in parts, possibly by
    different worker processes (the letters of a session). Each page keeps the fonts and images
    it uses. PDFium copies 1,000 pages in a tenth of a second (pypdf took over one)."""
    import pypdfium2  # noqa: PLC0415 (heavy: loaded on first use, see above)

    joined = pypdfium2.PdfDocument.new()
    try:
        for content in contents:
            part = pypdfium2.PdfDocument(content)
            try:
                joined.import_pages(part)
            finally:
                part.close()
        output = io.BytesIO()
        joined.save(output)
        return output.getvalue()
    finally:
        joined.close()
