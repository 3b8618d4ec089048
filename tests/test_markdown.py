from core.markdown import render_markdown


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
