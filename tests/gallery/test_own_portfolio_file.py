"""#16.9: a learner attaches their own portfolio file (a PDF or a slide deck) to the portfolio and the entry."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gallery.models import Entry
from portfolios.models import Portfolio
from tests.gallery.conftest import png_bytes


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def deck_bytes(kind="pptx") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as deck:
        if kind == "pptx":
            deck.writestr("[Content_Types].xml", "<Types/>")
            deck.writestr("ppt/presentation.xml", "<p:presentation/>")
        elif kind == "odp":
            deck.writestr("mimetype", "application/vnd.oasis.opendocument.presentation")
            deck.writestr("content.xml", "<office:document-content/>")
        else:
            deck.writestr("notes.txt", "just a zip")
    return buffer.getvalue()


def attach(client, course, name, content):
    return client.post(reverse("portfolios:attachment_upload", args=[course.slug]),
                       {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")})


def test_a_pdf_is_attached_and_only_its_owner_downloads_it(author_client, peer_client, course, portfolio):
    response = attach(author_client, course, "My studio portfolio.pdf", pdf_bytes())
    assert response.status_code == 302
    portfolio.refresh_from_db()
    assert portfolio.attachment.name.startswith("portfolios/files/") and portfolio.attachment_name == "My studio portfolio.pdf"
    download = author_client.get(reverse("portfolios:attachment", args=[course.slug]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    assert 'filename="My studio portfolio.pdf"' in download["Content-Disposition"]
    # A peer's own portfolio URL is theirs, with nothing attached; the stored name is not public either.
    assert peer_client.get(reverse("portfolios:attachment", args=[course.slug])).status_code == 404
    assert peer_client.get(f"/media/{portfolio.attachment.name}").status_code == 404
    page = author_client.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert "My studio portfolio.pdf" in page


@pytest.mark.parametrize(("kind", "ext"), [("pptx", "pptx"), ("odp", "odp")])
def test_a_slide_deck_is_recognised_by_its_content_whatever_its_name(author_client, course, portfolio, kind, ext):
    assert attach(author_client, course, "deck.bin", deck_bytes(kind)).status_code == 302
    portfolio.refresh_from_db()
    assert portfolio.attachment.name.endswith(f".{ext}") and portfolio.attachment_name == f"deck.{ext}"


@pytest.mark.parametrize(
    ("name", "content"),
    [("fake.pdf", b"%PDF-1.4 not really"), ("notes.pptx", deck_bytes("zip")), ("photo.pdf", png_bytes()), ("page.pdf", b"<html>")],
)
def test_other_files_are_refused_with_a_message(author_client, course, portfolio, name, content):
    response = attach(author_client, course, name, content)
    assert response.status_code == 302
    portfolio.refresh_from_db()
    assert not portfolio.attachment
    page = author_client.get(response.url).content.decode()
    assert "PDF" in page and ("could not" in page or "not a PDF" in page)


def test_a_file_over_the_limit_is_refused(author_client, course, portfolio, settings):
    settings.MAX_PORTFOLIO_FILE_BYTES = 1024
    attach(author_client, course, "big.pdf", pdf_bytes() + b"\0" * 2048)
    portfolio.refresh_from_db()
    assert not portfolio.attachment


def test_replacing_or_removing_the_file_deletes_the_old_one(author_client, course, portfolio, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attach(author_client, course, "one.pdf", pdf_bytes())
    first = Portfolio.objects.get(pk=portfolio.pk).attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        attach(author_client, course, "two.pptx", deck_bytes())
    second = Portfolio.objects.get(pk=portfolio.pk).attachment.name
    assert not default_storage.exists(first) and default_storage.exists(second)
    with django_capture_on_commit_callbacks(execute=True):
        author_client.post(reverse("portfolios:attachment_upload", args=[course.slug]), {"remove": "1"})
    assert not Portfolio.objects.get(pk=portfolio.pk).attachment and not default_storage.exists(second)


def test_the_file_is_published_with_the_entry_when_included(author_client, peer_client, course, portfolio, learner):
    attach(author_client, course, "Deck.pptx", deck_bytes())
    form = author_client.get(reverse("gallery:publish", args=[course.slug])).content.decode()
    assert 'name="include_attachment"' in form and "Deck.pptx" in form
    data = {"title": "Mine", "accept_rules": "on", "include_attachment": "on"}
    assert author_client.post(reverse("gallery:publish", args=[course.slug]), data).status_code == 302
    entry = Entry.objects.get()
    assert entry.attachment.name.startswith("gallery/files/") and entry.attachment_name == "Deck.pptx"
    url = reverse("gallery:entry_file", args=[course.slug, entry.pk, entry.attachment.name])
    assert url in peer_client.get(entry.get_absolute_url()).content.decode()
    download = peer_client.get(url)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    # Left out on the next publish: the entry no longer has it, and its copy is out of reach.
    author_client.post(reverse("gallery:publish", args=[course.slug]), {"title": "Mine"})
    entry.refresh_from_db()
    assert not entry.attachment
    assert peer_client.get(url).status_code == 404


def test_the_data_export_holds_the_own_file_and_the_image_descriptions(author_client, course, portfolio, learner):
    from accounts.exports import ExportArchive
    from portfolios.models import Answer
    from portfolios.services import export_personal_data

    deck = deck_bytes()
    attach(author_client, course, "My deck.pptx", deck)
    Answer.objects.filter(portfolio=portfolio).exclude(image="").update(image_alt="A mood board of blue glazes")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zip_file:
        export_personal_data(learner, ExportArchive(zip_file))
    archive = zipfile.ZipFile(buffer)
    folder = f"portfolios/{course.slug}"
    assert archive.read(f"{folder}/own-file/My_deck.pptx") == deck
    answers = json.loads(archive.read(f"{folder}/answers.json"))
    board = next(a for w in answers["worksheets"] for a in w["answers"] if a["question"] == "Your mood board")
    assert board["description"] == "A mood board of blue glazes"
