import time

import pytest

from core.markdown import _render, markdown_to_text, render_markdown


def test_markdown_renders_emphasis_lists_and_links():
    html = render_markdown("**bold** and [a link](https://example.com)\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.com" rel="nofollow noopener noreferrer">a link</a>' in html
    assert "<li>one</li>" in html


def test_script_tags_are_removed():
    html = render_markdown("Hello <script>alert('x')</script> world")
    assert "<script" not in html
    assert "alert(" not in html  # the script's content goes too, not only the tags
    assert "Hello" in html and "world" in html


def test_event_handler_attributes_are_removed():
    html = render_markdown('<img src="x" onerror="alert(1)"> <a href="#" onclick="steal()">x</a>')
    assert "onerror" not in html and "onclick" not in html
    assert "<img" not in html  # images are not in the allow-list at all


def test_javascript_urls_are_removed():
    html = render_markdown("[click](javascript:alert(1)) and <a href='data:text/html,boom'>d</a>")
    assert "javascript:" not in html and "data:text/html" not in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""


# Inputs that sent the previous parser (Python-Markdown) into seconds of regex backtracking or
# past the recursion limit, each at the comment's 5,000-character limit.
SLOW_INPUTS = {
    "open brackets and a counter": "[" * 4990 + "1",
    "open brackets": "[" * 4990,
    "nested images": "![" * 2495 + "x",
}


@pytest.mark.parametrize("text", SLOW_INPUTS.values(), ids=SLOW_INPUTS.keys())
def test_pathological_markdown_renders_within_a_bound(text):
    _render.cache_clear()  # time the parser, not a result another test left in the cache
    started = time.perf_counter()
    render_markdown(text)
    assert time.perf_counter() - started < 0.75


def test_deeply_nested_lists_and_quotes_render_instead_of_exhausting_the_stack():
    # Nesting stops at the parser's bound; what is deeper is not shown, and nothing fails.
    assert render_markdown("- " * 2500 + "deep").startswith("<ul>\n<li>")
    assert render_markdown("> " * 2500 + "quoted").startswith("<blockquote>")


def test_tables_and_strikethrough_still_render():
    html = render_markdown("| a | b |\n| --- | --- |\n| 1 | ~~2~~ |")
    assert "<table>" in html and "<td>1</td>" in html and "<s>2</s>" in html


def test_quotes_and_apostrophes_are_typographic_except_in_code():
    html = render_markdown('She said "it\'s the makers\' market" and `print("hi")`')
    assert "She said “it’s the makers’ market”" in html
    assert '<code>print("hi")</code>' in html  # code is copied, so it keeps straight quotes
    assert 'href="https://example.com/a\'b"' in render_markdown("[link](https://example.com/a'b)")  # URLs untouched


def test_markdown_to_text_keeps_the_words_and_drops_the_markup():
    text = "Has **bold**, [a link](https://example.com/?a=1&b=2) & `code <x>`\n\nSecond *paragraph*.<script>x()</script>"
    assert markdown_to_text(text) == "Has bold, a link & code <x> Second paragraph."
    assert markdown_to_text("") == ""
