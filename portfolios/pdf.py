"""The portfolio as a PDF, made from a compiled portfolio dict alone.

The portfolio page's "Download PDF" and the gallery's published snapshot both call
render_portfolio_pdf_bytes(compiled), so a stored snapshot renders without the database.
"""

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from core.pdf import html_to_pdf


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
        {
            "portfolio": compiled,
            "compiled_on": _compiled_date(compiled),
            "media_url": settings.MEDIA_URL,
        },
    )
    return html_to_pdf(html, time_limit=time_limit)
