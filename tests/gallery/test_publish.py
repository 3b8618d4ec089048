import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from gallery.models import Comment, Entry, RulesAcceptance
from gallery.tasks import render_entry_pdf
from portfolios.models import Answer
from tests.gallery.conftest import EVALUATION, SUMMARY, png_bytes


def publish_url(course):
    return reverse("gallery:publish", args=[course.slug])


def form_data(**overrides):
    data = {"title": "My portfolio", "summary": SUMMARY, "critical_evaluation": EVALUATION, "accept_rules": "on", "cover_alt": "A sketchbook"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_publish_page_prefills_summary_and_evaluation_from_the_portfolio_and_shows_the_rules(author_client, course, portfolio):
    html = author_client.get(publish_url(course)).content.decode()
    assert "My strategy connects illustrators" in html
    assert "The audience research worked well" in html
    assert "Community rules" in html
    assert "Be kind." in html
    assert 'name="accept_rules"' in html


def test_first_publish_needs_the_community_rules_accepted(author_client, course, portfolio):
    response = author_client.post(publish_url(course), form_data(accept_rules=None))
    assert response.status_code == 200
    assert "Please accept the community rules to publish" in response.content.decode()
    assert not Entry.objects.exists()


def test_publishing_records_the_rules_and_creates_the_entry(author_client, course, portfolio, learner):
    response = author_client.post(publish_url(course), form_data())
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response.url == entry.get_absolute_url()
    assert RulesAcceptance.objects.filter(user=learner, course=course).exists()
    assert entry.author == learner and entry.course == course and entry.is_published
    assert entry.first_published_at == entry.published_at


def test_rules_are_not_asked_again_after_they_were_accepted(author_client, course, entry):
    html = author_client.get(publish_url(course)).content.decode()
    assert 'name="accept_rules"' not in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("summary", "Too short.", "Your summary is 10 characters; a summary of at least 150 characters helps peers"),
        ("critical_evaluation", "Short.", "Your critical evaluation is 6 characters; a critical evaluation of at least 300 characters"),
        ("summary", "", "Your summary is 0 characters"),
    ],
)
def test_the_portfolios_summary_and_evaluation_must_be_long_enough_to_publish(author_client, course, portfolio, field, value, message):
    """#16.10: the texts are the portfolio's; a short one is named, with the way to where it is written."""
    setattr(portfolio, field, value)
    portfolio.save(update_fields=[field])
    response = author_client.post(publish_url(course), form_data(title="Typed title"))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert not Entry.objects.exists()
    # What was typed on the form is kept, and the link leads to where the texts are written.
    assert 'value="Typed title"' in html
    assert reverse("portfolios:portfolio", args=[course.slug]) + "#reflection-heading" in html


def test_the_publish_page_says_how_long_each_text_must_be_before_the_first_try(author_client, course, portfolio):
    portfolio.summary = "Too short."
    portfolio.save(update_fields=["summary"])
    html = author_client.get(publish_url(course)).content.decode()
    assert "At least 150 characters to publish; it has 10." in html
    assert f"{len(portfolio.critical_evaluation.strip())} characters: long enough to publish." in html
    # And where the texts are written.
    texts = author_client.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert "At least 150 characters to publish it in the gallery." in texts
    assert "At least 300 characters to publish it in the gallery." in texts


def test_the_title_is_required(author_client, course, portfolio):
    response = author_client.post(publish_url(course), form_data(title=""))
    assert "This field is required." in response.content.decode()
    assert not Entry.objects.exists()


def test_the_publish_form_no_longer_asks_for_the_texts_and_publishes_the_portfolios(author_client, course, portfolio):
    """#16.10: one source of truth. Posting other texts (an old form) does not change what is published."""
    html = author_client.get(publish_url(course)).content.decode()
    assert 'name="summary"' not in html and 'name="critical_evaluation"' not in html
    author_client.post(publish_url(course), form_data(summary="Something else typed in an old tab." * 10))
    assert Entry.objects.get().summary == SUMMARY


def test_snapshot_keeps_the_published_answers_when_the_portfolio_changes_later(portfolio, entry, worksheets):
    answer = Answer.objects.get(portfolio=portfolio, prompt=worksheets["who"])
    answer.value = "A completely different audience."
    answer.save()
    entry.refresh_from_db()
    labels = {p["label"]: p["display"] for w in entry.snapshot["worksheets"] for p in w["prompts"]}
    assert labels["Who is your audience?"] == "Emerging illustrators in Melbourne."
    assert labels["Channels"] == "Instagram, LinkedIn"


def test_snapshot_copies_answer_images_so_replacing_them_does_not_change_the_entry(portfolio, entry, worksheets):
    board = Answer.objects.get(portfolio=portfolio, prompt=worksheets["moodboard"])
    snapshot_image = next(p["image"] for w in entry.snapshot["worksheets"] for p in w["prompts"] if p["image"])
    assert snapshot_image != board.image.name
    assert snapshot_image.startswith("gallery/snapshots/")
    board.image.delete()
    assert default_storage.exists(snapshot_image)


def test_entry_page_shows_the_snapshot_not_the_live_portfolio(peer_client, portfolio, entry, worksheets):
    Answer.objects.filter(portfolio=portfolio, prompt=worksheets["who"]).update(value="Edited after publishing.")
    html = peer_client.get(entry.get_absolute_url()).content.decode()
    assert "Emerging illustrators in Melbourne." in html
    assert "Edited after publishing." not in html
    assert '<a href="https://lee.example.com" rel="nofollow noopener noreferrer">' in html
    assert "Step 1: Your audience" in html


def test_republishing_updates_the_snapshot_and_date_and_keeps_comments(author_client, course, portfolio, entry, worksheets, peer):
    Comment.objects.create(entry=entry, author=peer, body="Nice", body_html="<p>Nice</p>")
    first_published = entry.first_published_at
    Answer.objects.filter(portfolio=portfolio, prompt=worksheets["who"]).update(value="Updated audience.")
    response = author_client.post(publish_url(course), form_data(title="Second take", accept_rules=None))
    assert response.status_code == 302
    updated = Entry.objects.get(pk=entry.pk)
    assert updated.title == "Second take"
    assert updated.published_at > entry.published_at
    assert updated.first_published_at == first_published
    assert "Updated audience." in str(updated.snapshot)
    assert updated.comments.count() == 1


def test_unpublishing_hides_the_entry_from_peers_and_keeps_comments(author_client, peer_client, course, entry, peer):
    Comment.objects.create(entry=entry, author=peer, body="Nice", body_html="<p>Nice</p>")
    response = author_client.post(reverse("gallery:unpublish", args=[course.slug]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert not entry.is_published
    assert entry.comments.count() == 1
    assert peer_client.get(entry.get_absolute_url()).status_code == 404


def test_unpublish_is_post_only(author_client, course, entry):
    assert author_client.get(reverse("gallery:unpublish", args=[course.slug])).status_code == 405


def test_cover_image_is_reencoded_into_two_thumbnail_sizes(author_client, course, portfolio, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("cover.png", png_bytes(size=(1600, 900)), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):  # the thumbnails are made after the commit
        response = author_client.post(publish_url(course), {**form_data(), "cover": upload})
    assert response.status_code == 302
    entry = Entry.objects.get()
    with Image.open(entry.cover_small.path) as small:
        assert small.size == (480, 480)
        assert small.format == "JPEG"
    with Image.open(entry.cover_large.path) as large:
        assert max(large.size) == 1400
    assert entry.cover


def test_removing_the_cover_on_republish(author_client, course, portfolio):
    upload = SimpleUploadedFile("cover.png", png_bytes(), content_type="image/png")
    author_client.post(publish_url(course), {**form_data(), "cover": upload})
    author_client.post(publish_url(course), form_data(accept_rules=None, remove_cover="on"))
    entry = Entry.objects.get()
    assert not entry.cover and not entry.cover_small and not entry.cover_large


def test_publish_include_for_the_portfolio_page_links_to_publishing(rf, course, portfolio, entry):
    html = render_to_string("gallery/includes/portfolio_publish.html", {"course": course, "portfolio": portfolio, "entry": entry})
    assert reverse("gallery:publish", args=[course.slug]) in html
    assert entry.get_absolute_url() in html
    html = render_to_string("gallery/includes/portfolio_publish.html", {"course": course, "portfolio": portfolio})
    assert "Publish to the gallery" in html


def test_render_entry_pdf_stores_the_snapshot_pdf(entry):
    assert render_entry_pdf(entry.pk) is True
    entry.refresh_from_db()
    assert entry.pdf.read(5) == b"%PDF-"


def test_the_publish_page_lists_each_worksheet_that_goes_in_and_whether_it_is_submitted(author_client, course, portfolio, worksheets):
    html = author_client.get(publish_url(course)).content.decode()
    assert "What goes in: every worksheet, as it is now" in html
    assert "<li>Your audience: not submitted yet, 2 of 2 answered</li>" in html
    assert "<li>Your content plan: not submitted yet, 2 of 2 answered</li>" in html
    assert "including worksheets you have not submitted" in html
