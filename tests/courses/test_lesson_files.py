import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfWriter

from courses.models import Lesson

VIDEO_BYTES = bytes(range(256)) * 40  # 10,240 bytes standing in for an MP4


@pytest.fixture
def video_lesson(course):
    lesson = Lesson.objects.select_related("session").get(session__course=course, session__number=1, kind="video")
    lesson.video_file.save("talk.mp4", ContentFile(VIDEO_BYTES))
    return lesson


@pytest.fixture
def pdf_lesson(course):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    lesson = Lesson.objects.select_related("session").get(session__course=course, session__number=2, order=1)
    lesson.kind = Lesson.Kind.DOCUMENT
    lesson.document.save("notes.pdf", ContentFile(buffer.getvalue()))
    return lesson


def video_url(lesson):
    return reverse("learn:video", args=[lesson.session.course.slug, lesson.session.number, lesson.slug])


def document_url(lesson):
    return reverse("learn:document", args=[lesson.session.course.slug, lesson.session.number, lesson.slug])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_uploaded_video_plays_in_an_html5_player(enrolled_client, video_lesson):
    html = enrolled_client.get(video_lesson.get_absolute_url()).content.decode()
    assert f'<video controls preload="metadata" src="{video_url(video_lesson)}"' in html


def test_the_video_is_served_whole_with_accept_ranges(enrolled_client, video_lesson):
    response = enrolled_client.get(video_url(video_lesson))
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert body(response) == VIDEO_BYTES


def test_a_range_request_gets_206_with_exactly_those_bytes(enrolled_client, video_lesson):
    response = enrolled_client.get(video_url(video_lesson), HTTP_RANGE="bytes=100-299")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-299/{len(VIDEO_BYTES)}"
    assert response["Content-Length"] == "200"
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == VIDEO_BYTES[100:300]


def test_open_ended_and_suffix_ranges_are_supported(enrolled_client, video_lesson):
    size = len(VIDEO_BYTES)
    response = enrolled_client.get(video_url(video_lesson), HTTP_RANGE="bytes=10000-")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10000-{size - 1}/{size}"
    assert body(response) == VIDEO_BYTES[10000:]
    response = enrolled_client.get(video_url(video_lesson), HTTP_RANGE="bytes=-16")
    assert response["Content-Range"] == f"bytes {size - 16}-{size - 1}/{size}"
    assert body(response) == VIDEO_BYTES[-16:]


def test_a_range_beyond_the_end_gets_416(enrolled_client, video_lesson):
    response = enrolled_client.get(video_url(video_lesson), HTTP_RANGE="bytes=999999-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(VIDEO_BYTES)}"


def test_the_video_is_only_for_enrolled_learners(client, other_learner, video_lesson):
    assert client.get(video_url(video_lesson)).status_code == 302  # to log in
    client.force_login(other_learner)
    assert client.get(video_url(video_lesson)).status_code == 404


def test_a_pdf_lesson_shows_the_document_inline_with_a_download_link(enrolled_client, pdf_lesson):
    html = enrolled_client.get(pdf_lesson.get_absolute_url()).content.decode()
    assert f'<iframe class="pdf-frame" src="{document_url(pdf_lesson)}"' in html
    assert f'href="{document_url(pdf_lesson)}?download=1"' in html


def test_a_worksheet_lessons_pdf_is_its_printable_copy_offered_after_the_worksheet(enrolled_client, pdf_lesson, course):
    """The work is done in the worksheet; a large PDF viewer above it told learners to write on paper."""
    from tests.portfolios.conftest import make_worksheet

    worksheet = make_worksheet(course, session=2, order=1)
    html = enrolled_client.get(pdf_lesson.get_absolute_url()).content.decode()
    assert 'class="pdf-frame"' not in html
    worksheet_link, printable = html.index(f'href="{worksheet.get_absolute_url()}"'), html.index("Download the printable version (PDF)")
    assert worksheet_link < printable < html.index('class="prose lesson-body"')


def test_the_inline_pdf_may_be_framed_by_our_own_pages_only(enrolled_client, pdf_lesson):
    response = enrolled_client.get(document_url(pdf_lesson))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert body(response).startswith(b"%PDF-")
    # Every other page keeps the global refusal to be framed.
    page = enrolled_client.get(pdf_lesson.get_absolute_url())
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_the_pdf_download_is_an_attachment(enrolled_client, pdf_lesson):
    response = enrolled_client.get(document_url(pdf_lesson) + "?download=1")
    assert response["Content-Disposition"] == f'attachment; filename="{pdf_lesson.slug}.pdf"'


def test_a_document_lesson_without_a_pdf_says_so(enrolled_client, course):
    lesson = Lesson.objects.select_related("session").get(session__course=course, session__number=1, order=1)
    lesson.kind = Lesson.Kind.DOCUMENT
    lesson.save()
    html = enrolled_client.get(lesson.get_absolute_url()).content.decode()
    assert "has not attached the PDF" in html
    assert "<iframe" not in html


def test_a_range_with_a_number_too_long_to_parse_is_answered_not_a_500(enrolled_client, video_lesson):
    """Python refuses to turn more than 4,300 digits into an int; such a number is past any file's end."""
    size = len(VIDEO_BYTES)
    huge = "9" * 5000
    response = enrolled_client.get(video_url(video_lesson), HTTP_RANGE=f"bytes=0-{huge}")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-{size - 1}/{size}"
    assert body(response) == VIDEO_BYTES
    assert enrolled_client.get(video_url(video_lesson), HTTP_RANGE=f"bytes={huge}-").status_code == 416
    response = enrolled_client.get(video_url(video_lesson), HTTP_RANGE=f"bytes=-{huge}")
    assert response["Content-Range"] == f"bytes 0-{size - 1}/{size}"
