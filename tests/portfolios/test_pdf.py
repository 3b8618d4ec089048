import io
import json
import logging
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.pdf import PdfRenderError, SafeURLFetcher, html_to_pdf
from portfolios import pdf as portfolio_pdf
from portfolios.models import Portfolio
from portfolios.pdf import render_portfolio_pdf_bytes
from portfolios.services import compile_portfolio, pdf_content_hash, request_pdf
from portfolios.tasks import render_portfolio_pdf
from tests.conftest import wait_for
from tests.portfolios.conftest import png_upload


def save(client, course, prompt, value, version=0):
    response = client.post(
        reverse("portfolios:autosave_answer", args=[course.slug, prompt.pk]),
        {f"prompt_{prompt.pk}": value, f"version_{prompt.pk}": version,
         **({f"alt_{prompt.pk}": "A stoneware bowl"} if hasattr(value, "read") else {})},
    )
    assert response.status_code == 200, response.content
    return response.json()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def filled(enrolled_client, course, prompts):
    save(enrolled_client, course, prompts["short_text"], "I weave tapestries for hotels.")
    save(enrolled_client, course, prompts["long_text"], "Two studio posts a week.\nOne newsletter a month.")
    save(enrolled_client, course, prompts["multiple_choice"], ["Instagram", "Newsletter"])
    save(enrolled_client, course, prompts["number"], "5")
    save(enrolled_client, course, prompts["image"], png_upload())
    return enrolled_client


@pytest.fixture
def ask_for_pdf(django_capture_on_commit_callbacks):
    """POST "Prepare PDF" and run what it queued on commit (the render task, in-process)."""

    def ask(client, course):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("portfolios:pdf_request", args=[course.slug]))
        assert response.status_code == 302
        return response

    return ask


def portfolio_of(enrollment) -> Portfolio:
    return Portfolio.objects.get(enrollment=enrollment)


def test_requesting_the_pdf_renders_it_with_the_learners_answers(filled, course, enrollment, learner, ask_for_pdf):
    ask_for_pdf(filled, course)
    portfolio = portfolio_of(enrollment)
    assert portfolio.pdf_status == Portfolio.PdfStatus.READY
    assert len(portfolio.pdf_hash) == 64
    download = filled.get(reverse("portfolios:pdf_download", args=[course.slug]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    data = b"".join(download.streaming_content)
    text = pdf_text(data)
    for expected in ("Lee Learner", course.title, "Contents", "Strategy Step #1: Micro-Influence Plan",
                     "I weave tapestries for hotels.", "One newsletter a month.", "Instagram", "Newsletter", "Page 2 of"):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(data))
    assert any(page.images for page in reader.pages), "the uploaded image is in the PDF"
    status = filled.get(reverse("portfolios:pdf_status", args=[course.slug])).json()
    assert status == {"status": "ready", "ready": True, "download_url": reverse("portfolios:pdf_download", args=[course.slug]), "error": ""}
    page = filled.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert "Your PDF is ready" in page


def test_the_portfolio_pdf_is_tagged_for_screen_readers_with_its_language(filled, course, enrollment, ask_for_pdf):
    ask_for_pdf(filled, course)
    reader = PdfReader(default_storage.open(portfolio_of(enrollment).pdf.name))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert catalog["/MarkInfo"]["/Marked"]
    assert "Lee Learner" in reader.metadata.title


def test_a_pdf_can_still_be_made_untagged():
    reader = PdfReader(io.BytesIO(html_to_pdf("<html lang='en'><title>t</title><p>Hi</p>", tagged=False)))
    assert "/StructTreeRoot" not in reader.trailer["/Root"]


def test_contents_page_numbers_point_at_the_sections(filled, course, enrollment, ask_for_pdf):
    ask_for_pdf(filled, course)
    reader = PdfReader(default_storage.open(portfolio_of(enrollment).pdf.name))
    contents = reader.pages[1].extract_text()
    line = next(line for line in contents.splitlines() if "Micro-Influence Plan" in line)
    number = int(line.rstrip(". ").split()[-1])
    assert "I weave tapestries" in reader.pages[number - 1].extract_text()


def test_unchanged_portfolio_is_not_rendered_twice(filled, course, enrollment, ask_for_pdf):
    ask_for_pdf(filled, course)
    first = portfolio_of(enrollment)
    ask_for_pdf(filled, course)
    second = portfolio_of(enrollment)
    assert (second.pdf.name, second.pdf_rendered_at, second.pdf_hash) == (first.pdf.name, first.pdf_rendered_at, first.pdf_hash)
    # A task delivered again finds the same content hash and keeps the file.
    Portfolio.objects.filter(pk=first.pk).update(pdf_status=Portfolio.PdfStatus.QUEUED)
    assert render_portfolio_pdf(first.pk) == "unchanged"
    assert portfolio_of(enrollment).pdf.name == first.pdf.name
    assert portfolio_of(enrollment).pdf_status == Portfolio.PdfStatus.READY


def test_a_changed_answer_renders_a_new_pdf_and_drops_the_old_file(filled, course, enrollment, prompts, ask_for_pdf):
    ask_for_pdf(filled, course)
    old = portfolio_of(enrollment)
    save(filled, course, prompts["short_text"], "I weave rugs now.", version=1)
    page = filled.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert "before your latest changes" in page
    ask_for_pdf(filled, course)
    new = portfolio_of(enrollment)
    assert new.pdf_hash != old.pdf_hash and new.pdf.name != old.pdf.name
    assert not default_storage.exists(old.pdf.name)
    assert "I weave rugs now." in pdf_text(default_storage.open(new.pdf.name).read())


def request(portfolio) -> str:
    return request_pdf(portfolio, compile_portfolio(portfolio), render_portfolio_pdf)


def test_two_requests_queue_one_render(filled, course, enrollment, django_capture_on_commit_callbacks):
    portfolio = Portfolio.objects.get(enrollment=enrollment)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert request(portfolio) == Portfolio.PdfStatus.QUEUED
        assert request(Portfolio.objects.get(pk=portfolio.pk)) == Portfolio.PdfStatus.QUEUED
    assert len(callbacks) == 1
    page = filled.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert "Preparing your PDF…" in page
    assert filled.get(reverse("portfolios:pdf_status", args=[course.slug])).json()["ready"] is False


def test_a_render_claimed_by_another_worker_is_skipped(filled, enrollment):
    portfolio = Portfolio.objects.get(enrollment=enrollment)
    Portfolio.objects.filter(pk=portfolio.pk).update(pdf_status=Portfolio.PdfStatus.RENDERING, pdf_requested_at=timezone.now())
    assert render_portfolio_pdf(portfolio.pk) == "skipped"
    assert not portfolio_of(enrollment).pdf
    assert render_portfolio_pdf(999999) == "missing"


def test_a_job_past_its_deadline_can_be_requested_again(filled, course, enrollment, django_capture_on_commit_callbacks):
    portfolio = Portfolio.objects.get(enrollment=enrollment)
    stuck = timezone.now() - Portfolio.PDF_DEADLINE - timedelta(seconds=1)
    Portfolio.objects.filter(pk=portfolio.pk).update(pdf_status=Portfolio.PdfStatus.RENDERING, pdf_requested_at=stuck)
    page = filled.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert "Preparing your PDF" not in page and "Prepare PDF" in page
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert request(portfolio) == Portfolio.PdfStatus.QUEUED
    assert len(callbacks) == 1
    assert portfolio_of(enrollment).pdf_status == Portfolio.PdfStatus.READY


def test_an_interrupted_render_is_taken_again_by_its_redelivered_job_and_the_page_says_so(filled, course, enrollment, settings):
    """A worker killed mid-render leaves the job "rendering"; Redis hands the job out again after the
    visibility timeout, which is longer than the deadline, so the redelivery renders it."""
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > Portfolio.PDF_DEADLINE.total_seconds()
    portfolio = Portfolio.objects.get(enrollment=enrollment)
    interrupted = timezone.now() - timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])
    Portfolio.objects.filter(pk=portfolio.pk).update(pdf_status=Portfolio.PdfStatus.RENDERING, pdf_requested_at=interrupted)
    page = filled.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert "took longer than it should have" in page and "Prepare PDF" in page  # a way forward, and why
    status = filled.get(reverse("portfolios:pdf_status", args=[course.slug])).json()
    assert status["status"] == "failed" and "Please try again" in status["error"]
    assert render_portfolio_pdf(portfolio.pk) == "rendered"  # the redelivered job
    assert portfolio_of(enrollment).pdf_status == Portfolio.PdfStatus.READY


def test_a_worker_whose_job_was_taken_over_keeps_nothing(filled, enrollment):
    portfolio = Portfolio.objects.select_related("enrollment__user", "enrollment__course").get(enrollment=enrollment)
    started_at = portfolio.start_pdf_render()
    Portfolio.objects.filter(pk=portfolio.pk).update(pdf_requested_at=timezone.now() + timedelta(seconds=1))  # another worker's claim
    assert not portfolio.store_pdf("portfolios/pdf/late.pdf", "hash", started_at)
    assert not portfolio_of(enrollment).pdf
    assert portfolio_of(enrollment).pdf_status == Portfolio.PdfStatus.RENDERING


def test_a_pdf_made_with_other_templates_is_out_of_date(filled, course, enrollment, ask_for_pdf, monkeypatch):
    ask_for_pdf(filled, course)
    compiled = compile_portfolio(portfolio_of(enrollment))
    before = pdf_content_hash(compiled)
    assert portfolio_of(enrollment).pdf_hash == before
    monkeypatch.setattr(portfolio_pdf, "read_static", lambda path: b"/* a new stylesheet */")
    assert pdf_content_hash(compiled) != before
    page = filled.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert "before your latest changes" in page and "Prepare an up-to-date PDF" in page


def test_download_before_any_pdf_is_404(enrolled_client, course, enrollment):
    assert enrolled_client.get(reverse("portfolios:pdf_download", args=[course.slug])).status_code == 404


def test_the_pdf_renders_from_a_stored_snapshot_dict_alone(filled, enrollment):
    snapshot = json.loads(json.dumps(compile_portfolio(portfolio_of(enrollment))))
    Portfolio.objects.all().delete()
    assert "I weave tapestries for hotels." in pdf_text(render_portfolio_pdf_bytes(snapshot))


# --- the url_fetcher: nothing but our own static and media files ------------------------


def test_answers_with_html_are_text_and_nothing_outside_is_fetched(enrolled_client, course, enrollment, prompts, caplog, ask_for_pdf):
    hostile = '<img src="file:///etc/passwd"> <img src="https://attacker.example/track.png"> <link rel=stylesheet href="http://169.254.169.254/">'
    save(enrolled_client, course, prompts["long_text"], hostile)
    with caplog.at_level(logging.WARNING, logger="core.pdf"):
        ask_for_pdf(enrolled_client, course)
    text = pdf_text(default_storage.open(portfolio_of(enrollment).pdf.name).read())
    assert 'src="file:///etc/passwd"' in text  # shown as the text the learner typed
    assert "root:" not in text
    assert "refused" not in caplog.text  # escaped text is never even a URL to the renderer


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/image.png",
        "https://attacker.example/x.css",
        "http://169.254.169.254/latest/meta-data/",
        "data:image/png;base64,iVBORw0KGgo=",
        "https://pdf-assets.invalid/media/%2e%2e/%2e%2e/etc/passwd",
        "https://pdf-assets.invalid/static/..%2f..%2fconfig/settings.py",
        "https://pdf-assets.invalid/etc/passwd",
    ],
)
def test_the_url_fetcher_refuses_everything_but_our_assets(url):
    with pytest.raises(ValueError):
        SafeURLFetcher().fetch(url)


def test_the_url_fetcher_serves_our_static_and_media_files():
    name = default_storage.save("answers/fetch-test.png", png_upload())
    fetcher = SafeURLFetcher()
    assert fetcher.fetch(f"https://pdf-assets.invalid/media/{name}").read().startswith(b"\x89PNG")
    assert b"@page" in fetcher.fetch("https://pdf-assets.invalid/static/css/portfolio-pdf.css").read()


def test_raw_html_pointing_outside_still_renders_and_every_fetch_is_refused():
    fetcher = SafeURLFetcher()
    html = (
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<style>@import url("https://attacker.example/a.css"); body { background: url("http://example.com/bg.png") }</style>'
        '<p>Still here</p><img src="file:///etc/passwd"><img src="https://example.com/pixel.png"><img src="/media/../../etc/passwd">'
    )
    data = html_to_pdf(html, url_fetcher=fetcher)
    assert "Still here" in pdf_text(data)
    assert "file:///etc/passwd" in fetcher.refused
    assert "https://example.com/pixel.png" in fetcher.refused
    assert "https://attacker.example/a.css" in fetcher.refused
    assert "http://example.com/bg.png" in fetcher.refused


# The interrupt may first land in a weakref finaliser (reported as "unraisable"); it fires again.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_rendering_has_a_hard_time_limit():
    long_html = "<table>" + "".join(f"<tr><td>row {i}</td><td>{'word ' * 40}</td></tr>" for i in range(4000)) + "</table>"
    with pytest.raises(PdfRenderError, match="longer than"):
        html_to_pdf(long_html, time_limit=0.2)


# --- a real Celery worker ---------------------------------------------------------------


@pytest.mark.redis
def test_a_real_worker_renders_the_pdf(celery_worker, client, learner, course, worksheet, prompts):
    from tests import factories

    enrollment = factories.enroll(learner, course)
    client.force_login(learner)
    save(client, course, prompts["short_text"], "Rendered by the worker.")
    client.post(reverse("portfolios:pdf_request", args=[course.slug]))
    portfolio = wait_for(
        lambda: Portfolio.objects.filter(enrollment=enrollment, pdf_status=Portfolio.PdfStatus.READY).first(), timeout=60
    )
    assert "Rendered by the worker." in pdf_text(default_storage.open(portfolio.pdf.name).read())
    assert client.get(reverse("portfolios:pdf_status", args=[course.slug])).json()["ready"] is True
