"""HTML to PDF with WeasyPrint, safely.

Everything WeasyPrint would load (stylesheets, images) goes through SafeURLFetcher, which
serves only our own static files and media files, read from disk or storage. Nothing else is
fetched: no file:// (an answer can never pull /etc/passwd into a PDF), no http(s) (no
server-side requests to the network), no data: URLs. Rendering also has a hard time limit.
"""

import io
import logging
import mimetypes
import posixpath
import signal
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Relative URLs in our templates ("/static/…", "/media/…") resolve against this origin. The
# .invalid top-level domain never resolves, and only SafeURLFetcher ever sees these URLs.
BASE_URL = "https://pdf-assets.invalid/"
MAX_ASSET_BYTES = 10 * 1024 * 1024
DEFAULT_TIME_LIMIT = 30.0


class PdfRenderError(Exception):
    """The PDF could not be made (too slow, or WeasyPrint failed)."""


class _OutOfTime(BaseException):
    # BaseException: WeasyPrint catches Exception around fetches and layout steps; this must get through.
    pass


class RefusedURL(ValueError):
    pass


def _local_asset(url: str) -> tuple[str, str] | None:
    """("static"|"media", relative path) for one of our asset URLs, or None."""
    for kind, prefix in (("static", settings.STATIC_URL), ("media", settings.MEDIA_URL)):
        root = urljoin(BASE_URL, prefix)
        if url.startswith(root):
            relative = unquote(urlsplit(url[len(root):]).path)
            normal = posixpath.normpath(relative)
            if not relative or normal.startswith(("..", "/")) or "\\" in relative or "\x00" in relative or normal != relative:
                return None
            return kind, relative
    return None


class SafeURLFetcher(URLFetcher):
    """Serves /static/… and /media/… from our own files and refuses every other URL.

    `refused` lists what was turned away (for logs and tests); `deadline` (time.monotonic())
    stops rendering once passed, even when the signal-based limit is unavailable (threads).
    """

    def __init__(self, deadline: float | None = None):
        super().__init__(timeout=1, allowed_protocols=["https"], allow_redirects=False, fail_on_errors=False)
        self.deadline = deadline
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise _OutOfTime()
        asset = _local_asset(url)
        if asset is None:
            self.refused.append(url)
            logger.warning("PDF renderer refused to fetch %s", url[:200])
            raise RefusedURL(f"Only our own static and media files may be used in a PDF, not {url[:100]}")
        kind, path = asset
        data = self._read(kind, path)
        mime, _ = mimetypes.guess_type(path)
        return URLFetcherResponse(url, data, {"Content-Type": mime or "application/octet-stream"})

    def _read(self, kind: str, path: str) -> bytes:
        if kind == "static":
            data = read_static(path, limit=MAX_ASSET_BYTES + 1)
        else:
            with default_storage.open(path, "rb") as handle:
                data = handle.read(MAX_ASSET_BYTES + 1)
        if len(data) > MAX_ASSET_BYTES:
            raise RefusedURL(f"{path} is too large for a PDF")
        return data


def read_static(path: str, *, limit: int = -1) -> bytes:
    """One of our static files (found as in development, else from STATIC_ROOT), up to `limit` bytes."""
    found = finders.find(path)
    if not found and settings.STATIC_ROOT and (Path(settings.STATIC_ROOT) / path).is_file():
        found = str(Path(settings.STATIC_ROOT) / path)
    if not found:
        raise RefusedURL(f"No static file {path}")
    with open(found, "rb") as handle:
        return handle.read(limit)


# PDF/UA-1: a tagged PDF (headings, lists, tables and images in a structure tree that screen
# readers follow) whose language comes from the document's <html lang>.
ACCESSIBLE_VARIANT = "pdf/ua-1"


def html_to_pdf(
    html: str,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    url_fetcher: SafeURLFetcher | None = None,
    attachments: dict[str, bytes] | None = None,
    tagged: bool = True,
) -> bytes:
    """Render HTML to PDF bytes, fetching only our own assets, within `time_limit` seconds.

    The PDF is tagged for accessibility (PDF/UA-1) unless `tagged` is False; give the HTML a
    <title> and <html lang="…">, which the PDF carries as its title and language.
    `attachments` (file name → bytes) are embedded as PDF file attachments.

    In a process's main thread (Celery's prefork children, scripts) a SIGALRM timer interrupts
    even a runaway layout; in other threads the fetcher's deadline check applies. Celery's
    hard time_limit on the task is the last line of defence.
    """
    deadline = time.monotonic() + time_limit
    fetcher = url_fetcher or SafeURLFetcher()
    fetcher.deadline = deadline
    use_alarm = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    previous = None
    if use_alarm:

        def _alarm(signum, frame):
            # Fire again shortly in case this exception lands somewhere that swallows it
            # (a __del__ or weakref callback); the finally below switches the timer off.
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            raise _OutOfTime()

        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        files = [Attachment(file_obj=io.BytesIO(data), name=name) for name, data in (attachments or {}).items()]
        return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(
            attachments=files, pdf_variant=ACCESSIBLE_VARIANT if tagged else None
        )
    except _OutOfTime:
        raise PdfRenderError(f"Rendering took longer than {time_limit:.0f} seconds.") from None
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
