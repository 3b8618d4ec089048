"""The portfolio as a PDF, made from a compiled portfolio dict alone.

The portfolio page's "Download PDF" and the gallery's published snapshot both call
render_portfolio_pdf_bytes(compiled), so a stored snapshot renders without the database.
"""

import hashlib
from datetime import datetime

from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone

from core.pdf import html_to_pdf, read_static

# What the PDF is drawn from: a change to any of them makes every stored PDF out of date.
TEMPLATES = ("pdf/portfolio.html", "portfolios/includes/compiled.html")
STYLESHEET = "css/portfolio-pdf.css"


def pdf_layout_digest() -> str:
    """A digest of the PDF's templates and stylesheet, part of every PDF's content hash."""
    digest = hashlib.sha256()
    for name in TEMPLATES:
        digest.update(engines["django"].get_template(name).template.source.encode())
    digest.update(read_static(STYLESHEET))
    return digest.hexdigest()


def _compiled_date(compiled: dict):
    try:
        moment = datetime.fromisoformat(compiled.get("compiled_at") or "")
    except ValueError:
        return timezone.localdate()
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def render_portfolio_pdf_bytes(compiled: dict, *, time_limit: float = 30.0) -> bytes:
    """Cover, contents with page numbers, one section per worksheet, images, summary and evaluation."""
    html = render_to_string(
        "pdf/portfolio.html",
        {"compiled": compiled, "compiled_on": _compiled_date(compiled), "media_url": settings.MEDIA_URL},
    )
    return html_to_pdf(html, time_limit=time_limit)
