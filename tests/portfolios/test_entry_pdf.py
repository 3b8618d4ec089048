"""The gallery entry's PDF goes through the portfolio's PDF design (portfolios.models.WithPdf,
portfolios.services.request_pdf and render_pdf): one job at a time, the claim in the database."""

from django.urls import reverse

from gallery.models import Entry
from gallery.tasks import render_entry_pdf
from portfolios.services import request_pdf
from tests.gallery.conftest import entry, peer, peer_client, portfolio, worksheets  # noqa: F401 - the fixtures
from tests.portfolios.test_pdf import pdf_text


def pdf_url(published) -> str:
    return reverse("gallery:entry_pdf", args=[published.course.slug, published.pk])


def test_the_entry_pdf_is_asked_for_once_and_then_downloaded(peer_client, entry, django_capture_on_commit_callbacks):  # noqa: F811
    assert entry.pdf_status == Entry.PdfStatus.QUEUED  # publishing asked for it
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for _ in range(3):
            response = peer_client.get(pdf_url(entry))
            assert response.status_code == 302 and response.url == entry.get_absolute_url()
    assert callbacks == []  # the job publishing queued is still on its way
    assert Entry.objects.get(pk=entry.pk).pdf_status == Entry.PdfStatus.QUEUED
    assert render_entry_pdf(entry.pk) is True
    download = peer_client.get(pdf_url(entry))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")
    text = pdf_text(b"".join(download.streaming_content))
    assert "Emerging illustrators in Melbourne." in text and "Your audience" in text


def test_a_second_request_while_one_is_queued_queues_nothing(entry, django_capture_on_commit_callbacks):  # noqa: F811
    Entry.objects.filter(pk=entry.pk).update(pdf_status=Entry.PdfStatus.NONE)
    entry.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert request_pdf(entry, entry.snapshot, render_entry_pdf) == Entry.PdfStatus.QUEUED
        again = Entry.objects.get(pk=entry.pk)
        assert request_pdf(again, again.snapshot, render_entry_pdf) == Entry.PdfStatus.QUEUED
    assert len(callbacks) == 1


def test_an_unchanged_snapshot_keeps_its_pdf(entry):  # noqa: F811
    assert render_entry_pdf(entry.pk) is True
    first = Entry.objects.get(pk=entry.pk)
    assert render_entry_pdf(entry.pk) is True
    again = Entry.objects.get(pk=entry.pk)
    assert (again.pdf.name, again.pdf_rendered_at) == (first.pdf.name, first.pdf_rendered_at)
    assert request_pdf(again, again.snapshot, render_entry_pdf) == Entry.PdfStatus.READY
