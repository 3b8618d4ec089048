"""templates/portfolios/includes/compiled.html draws a compiled portfolio the same way wherever it is
shown: the learner's page (owner), the gallery entry (a stored snapshot), the admin and the PDF (every_prompt)."""

import json

from django.core.files.storage import default_storage
from django.template.loader import render_to_string

from tests.gallery.conftest import entry, portfolio, worksheets  # noqa: F401 - the fixtures


def draw(compiled, **context) -> str:
    return render_to_string("portfolios/includes/compiled.html", {"compiled": compiled, **context})


def test_a_gallery_snapshot_shows_only_answers_with_safe_links_and_its_images(entry):  # noqa: F811
    snapshot = json.loads(json.dumps(entry.snapshot))  # as stored: JSON
    html = draw(snapshot)
    assert "Step 1: Your audience" in html and "Step 2: Your content plan" in html
    assert "Emerging illustrators in Melbourne." in html and "Instagram, LinkedIn" in html
    assert '<a href="https://lee.example.com" rel="nofollow noopener noreferrer">https://lee.example.com</a>' in html
    image = next(p["image"] for w in snapshot["worksheets"] for p in w["prompts"] if p["image"])
    assert f'src="{default_storage.url(image)}"' in html
    assert "Not answered" not in html and "answered ·" not in html and "Edit “" not in html


def test_a_web_address_is_a_link_only_when_it_is_http(entry):  # noqa: F811
    snapshot = json.loads(json.dumps(entry.snapshot))
    site = next(p for w in snapshot["worksheets"] for p in w["prompts"] if p["kind"] == "url")
    site["display"] = site["value"] = "javascript:alert(1)"
    html = draw(snapshot)
    assert "javascript:alert(1)" in html and 'href="javascript' not in html


def test_the_admin_and_the_pdf_list_every_prompt_and_the_pdf_uses_media_url(entry, portfolio):  # noqa: F811
    snapshot = entry.snapshot
    first = snapshot["worksheets"][0]
    first["prompts"][0]["display"] = ""  # an unanswered prompt
    html = draw(snapshot, every_prompt=True, media_url="/media/")
    assert "Not answered" in html and f"Session 1 · {first['answered']} of {first['total']} answered" in html
    image = next(p["image"] for w in snapshot["worksheets"] for p in w["prompts"] if p["image"])
    assert f'src="/media/{image}"' in html
    assert '<h2 id="worksheet-' in draw(snapshot, heading_level=2)


def test_the_learners_own_page_shows_progress_and_links_to_edit(entry):  # noqa: F811
    html = draw(entry.snapshot, owner=True)
    assert "In progress" in html or "Not started" in html
    assert f'href="/portfolio/{entry.course.slug}/worksheets/audience/"' in html
    assert "Edit “Your audience”" in html
