"""Markdown to safe HTML, in one place: Python-Markdown renders, nh3 sanitises.

Authors (instructors in admin) and learners (comments, answers) share the same
allow-list; nothing else in the project turns user text into HTML.
"""

from functools import lru_cache

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """Render Markdown and return HTML that is safe to mark_safe in a template."""
    if not text:
        return ""
    return _render(text)


@lru_cache(maxsize=2048)
def _render(text: str) -> str:
    """Rendering is a pure function of the text, so each worker keeps the most recent results:
    course, session and lesson texts are shown on every page view and render once per process."""
    html = md.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return sanitize_html(html)


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
