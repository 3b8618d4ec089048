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
from courses import art as course_art

# What the PDF is drawn from: a change to any of them makes every stored PDF out of date.
TEMPLATES = ("pdf/portfolio.html", "portfolios/includes/compiled.html")
# The course's own illustration, the portfolio's cover when the learner has chosen no image of their work.
COVER_ART = "img/course/cover.svg"
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


def cover_of(compiled: dict) -> dict:
    """What the cover shows besides the name: the learner's own words about their practice (the
    first answer of the first worksheet, which asks for it in one sentence) and the first image of
    their work (the set-up worksheet asks for one early), each "" when not answered yet."""
    practice = image = ""
    for worksheet in compiled["worksheets"]:
        for prompt in worksheet["prompts"]:
            if not practice and worksheet is compiled["worksheets"][0] and prompt["kind"] in ("short_text", "long_text"):
                practice = prompt["display"] or ""
            if not image and prompt["image"]:
                image = prompt["image"]
    return {"practice": practice, "image": image}


def still_to_do(compiled: dict) -> list[dict]:
    """The worksheets not submitted yet, with how many of their questions are unanswered, for the
    PDF's short to-do note; empty once every worksheet is submitted (a finished portfolio prints no
    note, even with optional questions left blank)."""
    return [
        {"title": worksheet["title"], "step": worksheet["step"], "missing": worksheet["total"] - worksheet["answered"]}
        for worksheet in compiled["worksheets"]
        if not worksheet["submitted_at"]
    ]


def render_portfolio_pdf_bytes(compiled: dict, *, time_limit: float = 30.0) -> bytes:
    """Cover, contents with page numbers, one section per answered worksheet (answered questions
    only), images, summary and evaluation; what is still to do in a short note after the contents."""
    html = render_to_string(
        "pdf/portfolio.html",
        {
            "compiled": compiled, "compiled_on": _compiled_date(compiled), "media_url": settings.MEDIA_URL,
            "cover": cover_of(compiled), "to_do": still_to_do(compiled),
            "cover_art": COVER_ART, "cover_art_alt": course_art.COVER_ALT,
        },
    )
    return html_to_pdf(html, time_limit=time_limit)
