"""Markdown to safe HTML, in one place: markdown-it-py renders, nh3 sanitises.

Authors (instructors in admin) and learners (comments) share the same allow-list; nothing else in
the project turns user text into HTML. markdown-it-py parses in time linear in the text, with a
bounded nesting depth (CommonMark preset: 20 levels), so no input can hold a worker for seconds or
exhaust the stack: a regex-backtracking parser is one comment away from a denial of service.
"""

import html
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

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

# CommonMark plus the tables and ~~strikethrough~~ of GitHub's flavour, and typographic quotes
# ("it's" reads as “it’s”; code keeps its straight ones). Raw HTML is parsed as HTML and then goes
# through nh3 like everything else; so do links of any scheme, and nh3 drops the href of those
# outside URL_SCHEMES, leaving their text.
_parser = MarkdownIt("commonmark", {"html": True, "typographer": True}).enable(["table", "strikethrough", "smartquotes"])
_parser.validateLink = lambda url: True


def render_markdown(text: str) -> str:
    """Render Markdown and return HTML that is safe to mark_safe in a template."""
    if not text:
        return ""
    return _render(text)


@lru_cache(maxsize=2048)
def _render(text: str) -> str:
    """Rendering is a pure function of the text, so each worker keeps the most recent results:
    course, session and lesson texts are shown on every page view and render once per process."""
    return sanitize_html(_parser.render(text)).strip()


def markdown_to_text(text: str) -> str:
    """The words of a Markdown text without its markup, on one line: for places that take plain
    text (a meta description, a text field of Open Badges JSON). Rendering first means the
    markup goes the way the site reads it (a link keeps its text, a code span its content)."""
    words = nh3.clean(render_markdown(text), tags=set())
    return " ".join(html.unescape(words).split())


def render_trusted_markdown(text: str) -> str:
    """Our own texts (the fixture ebooks, with their h1 titles) as HTML, unsanitised: never for user input."""
    return _parser.render(text)


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
