"""Video lessons: captions checked on upload, the transcript, the saved place, the admin."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from courses.captions import read_cues, transcript_paragraphs, write_vtt
from courses.models import Lesson, LessonCaption, VideoPosition
from tests import factories

# ftyp at byte 4: what an MP4 starts with (the rest does not matter to the checks here).
MP4_BYTES = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + bytes(2048)
CAPTIONS = """WEBVTT

00:00:00.500 --> 00:00:04.000
Welcome to the <i>networks</i> session.

00:00:04.200 --> 00:00:08.000
<v Narrator>Size is the easy number.

00:00:10.000 --> 00:00:13.500
Quality asks who those people are.
"""


def vtt(text: str, name: str = "captions.vtt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode())


@pytest.fixture
def video_lesson(course):
    lesson = Lesson.objects.select_related("session").get(session__course=course, session__number=1, kind="video")
    lesson.video_file.save("talk.mp4", ContentFile(MP4_BYTES))
    return lesson


@pytest.fixture
def captioned_lesson(video_lesson):
    LessonCaption.objects.create(lesson=video_lesson, language="en", label="English", file=vtt(CAPTIONS))
    return video_lesson


def url(name, lesson, *extra):
    return reverse(f"learn:{name}", args=[lesson.session.course.slug, lesson.session.number, lesson.slug, *extra])


# --- reading captions -------------------------------------------------------------------------


def test_captions_are_read_into_timed_cues_without_their_markup():
    cues = read_cues(vtt(CAPTIONS))
    assert cues == [
        {"start": 0.5, "end": 4.0, "text": "Welcome to the networks session."},
        {"start": 4.2, "end": 8.0, "text": "Size is the easy number."},
        {"start": 10.0, "end": 13.5, "text": "Quality asks who those people are."},
    ]


def test_a_pause_in_the_speech_starts_a_new_transcript_paragraph():
    paragraphs = transcript_paragraphs(read_cues(vtt(CAPTIONS)))
    assert [[cue["text"] for cue in p] for p in paragraphs] == [
        ["Welcome to the networks session.", "Size is the easy number."],
        ["Quality asks who those people are."],
    ]
    assert [p[0]["clock"] for p in paragraphs] == ["0:00", "0:10"]


def test_captions_written_by_the_build_read_back_the_same():
    cues = [{"start": 0.0, "end": 2.25, "text": "One."}, {"start": 3725.5, "end": 3727.0, "text": "Two."}]
    text = write_vtt(cues)
    assert "01:02:05.500 --> 01:02:07.000" in text
    assert read_cues(vtt(text)) == cues


@pytest.mark.parametrize(
    "text, message",
    [
        ("Hello\n\n00:00:01.000 --> 00:00:02.000\nHi\n", "first line must be WEBVTT"),
        ("1\n00:00:01,000 --> 00:00:02,000\nHi\n", "looks like an SRT"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n\n00:00:03.000 --> 00:00:0x.500\nHo\n", "Line 6"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nHi\n", "ends before it starts"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nHi\n\n00:00:01.000 --> 00:00:02.000\nHo\n", "time order"),
        ("WEBVTT\n\n", "no captions"),
    ],
)
def test_a_broken_captions_file_is_refused_with_a_message_that_says_where(text, message):
    with pytest.raises(ValidationError) as error:
        read_cues(vtt(text))
    assert message in error.value.messages[0]


def test_captions_that_are_not_utf8_are_refused():
    with pytest.raises(ValidationError, match="UTF-8"):
        read_cues(SimpleUploadedFile("c.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nCafé\n".encode("latin-1")))


# --- the lesson page --------------------------------------------------------------------------


def test_the_player_has_a_captions_track_and_a_transcript_whose_lines_seek(enrolled_client, captioned_lesson):
    html = enrolled_client.get(captioned_lesson.get_absolute_url()).content.decode()
    captions_url = url("captions", captioned_lesson, "en")
    assert f'<track kind="captions" src="{captions_url}" srclang="en" label="English">' in html
    assert f'<a class="cue" href="{url("video", captioned_lesson)}#t=4.2" data-start="4.2" data-end="8.0">Size is the easy number.</a>' in html
    assert 'data-player' in html and 'js/player.js" defer' in html
    assert "<option value=\"en\">English</option>" in html
    assert 'data-resume-at="0.0"' in html


def test_several_caption_languages_each_get_a_track_and_a_transcript(enrolled_client, captioned_lesson):
    LessonCaption.objects.create(
        lesson=captioned_lesson, order=1, language="fr", label="Français",
        file=vtt("WEBVTT\n\n00:00:00.500 --> 00:00:04.000\nBienvenue.\n"),
    )
    html = enrolled_client.get(captioned_lesson.get_absolute_url()).content.decode()
    assert 'srclang="fr" label="Français"' in html
    assert 'data-transcript-lang="fr" hidden' in html
    assert ">Bienvenue.</a>" in html


def test_a_written_transcript_is_shown_instead_of_the_one_from_the_captions(enrolled_client, captioned_lesson):
    captioned_lesson.transcript = "**Narrator:** Welcome to the networks session."
    captioned_lesson.save()
    html = enrolled_client.get(captioned_lesson.get_absolute_url()).content.decode()
    assert "<strong>Narrator:</strong> Welcome to the networks session." in html
    assert 'class="cue"' not in html


def test_an_embedded_video_keeps_its_player_and_shows_our_transcript(enrolled_client, course):
    lesson = Lesson.objects.select_related("session").get(session__course=course, session__number=2, kind="video")
    lesson.video_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    lesson.transcript = "What the video says, in words."
    lesson.save()
    html = enrolled_client.get(lesson.get_absolute_url()).content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert "What the video says, in words." in html
    assert "player.js" not in html


def test_captions_are_served_as_webvtt_to_enrolled_learners_only(enrolled_client, client, other_learner, captioned_lesson):
    response = enrolled_client.get(url("captions", captioned_lesson, "en"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert b"".join(response.streaming_content).startswith(b"WEBVTT")
    assert enrolled_client.get(url("captions", captioned_lesson, "de")).status_code == 404
    client.force_login(other_learner)
    assert client.get(url("captions", captioned_lesson, "en")).status_code == 404


# --- the saved place ------------------------------------------------------------------------


def test_the_place_in_the_video_is_saved_and_the_next_visit_starts_there(enrolled_client, enrollment, video_lesson):
    assert enrolled_client.post(url("position", video_lesson), {"seconds": "42.37"}).json() == {"seconds": 42.4}
    assert enrolled_client.post(url("position", video_lesson), {"seconds": "97"}).json() == {"seconds": 97.0}
    assert VideoPosition.objects.get(enrollment=enrollment, lesson=video_lesson).seconds == 97.0
    assert VideoPosition.objects.count() == 1
    html = enrolled_client.get(video_lesson.get_absolute_url()).content.decode()
    assert 'data-resume-at="97.0"' in html


def test_the_place_follows_the_learner_to_another_browser(client, learner, enrollment, video_lesson):
    client.force_login(learner)
    client.post(url("position", video_lesson), {"seconds": "61.5"})
    client.logout()
    other_browser = Client()
    other_browser.force_login(learner)
    assert 'data-resume-at="61.5"' in other_browser.get(video_lesson.get_absolute_url()).content.decode()


def test_a_place_that_is_not_a_number_of_seconds_is_refused(enrolled_client, video_lesson):
    for bad in ["", "soon", "-3", "1e9"]:
        response = enrolled_client.post(url("position", video_lesson), {"seconds": bad})
        assert response.status_code == 400, bad
    assert not VideoPosition.objects.exists()


def test_only_the_learner_saves_a_place_and_only_by_post(client, enrolled_client, other_learner, video_lesson):
    assert enrolled_client.get(url("position", video_lesson)).status_code == 405
    client.force_login(other_learner)
    assert client.post(url("position", video_lesson), {"seconds": "5"}).status_code == 404
    assert not VideoPosition.objects.exists()


def test_a_lesson_without_an_uploaded_video_has_no_place_to_save(enrolled_client, course):
    lesson = Lesson.objects.select_related("session").get(session__course=course, session__number=2, kind="video")
    assert enrolled_client.post(url("position", lesson), {"seconds": "5"}).status_code == 404


def test_after_access_ends_the_place_is_no_longer_saved(enrolled_client, enrollment, video_lesson):
    enrollment.access_expires_at = timezone.now() - timedelta(days=1)
    enrollment.save()
    response = enrolled_client.post(url("position", video_lesson), {"seconds": "5"})
    assert response.status_code == 403
    assert not VideoPosition.objects.exists()
    assert 'data-can-save="false"' in enrolled_client.get(video_lesson.get_absolute_url()).content.decode()


def test_each_learner_has_their_own_place(enrollment, course, video_lesson):
    other = factories.enroll(factories.make_user(), course)
    enrollment.save_video_position(video_lesson, 30)
    other.save_video_position(video_lesson, 200)
    assert enrollment.video_position(video_lesson).seconds == 30
    assert other.video_position(video_lesson).seconds == 200


# --- authoring in the admin -----------------------------------------------------------------


def lesson_form(lesson, **changes):
    data = {
        "session": lesson.session_id, "order": lesson.order, "title": lesson.title, "slug": lesson.slug,
        "kind": "video", "estimated_minutes": 20, "is_required": "on", "body": lesson.body, "video_url": "",
        "transcript": "", "document_text": "",
        "captions-TOTAL_FORMS": 1, "captions-INITIAL_FORMS": 0,
        "captions-0-order": 0, "captions-0-language": "en", "captions-0-label": "English",
        "captions-0-file": vtt(CAPTIONS),
    }
    data.update(changes)
    return data


def poster_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), (91, 42, 134)).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_instructor_uploads_a_video_its_captions_and_a_poster(client, instructor, course):
    client.force_login(instructor)
    lesson = Lesson.objects.get(session__course=course, session__number=3, kind="video")
    response = client.post(
        f"/admin/courses/lesson/{lesson.pk}/change/",
        lesson_form(lesson, video_file=SimpleUploadedFile("talk.mp4", MP4_BYTES),
                    video_poster=SimpleUploadedFile("still.png", poster_bytes())),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    lesson.refresh_from_db()
    assert lesson.video_file.name.startswith("lessons/video/")
    assert lesson.video_poster.name.endswith(".jpg")  # decoded and saved afresh
    caption = lesson.captions.get()
    assert caption.language == "en" and len(caption.cues) == 3


def test_a_captions_file_that_is_not_webvtt_is_refused_in_the_admin_and_nothing_is_saved(client, instructor, course):
    client.force_login(instructor)
    lesson = Lesson.objects.get(session__course=course, session__number=3, kind="video")
    response = client.post(
        f"/admin/courses/lesson/{lesson.pk}/change/",
        lesson_form(lesson, title="Renamed", **{"captions-0-file": vtt("1\n00:00:01,000 --> 00:00:02,000\nHi\n")}),
    )
    assert response.status_code == 200
    assert "looks like an SRT subtitle file" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.title != "Renamed" and not lesson.captions.exists()


def test_a_file_that_is_not_a_video_is_refused_in_the_admin(client, instructor, course):
    client.force_login(instructor)
    lesson = Lesson.objects.get(session__course=course, session__number=3, kind="video")
    response = client.post(
        f"/admin/courses/lesson/{lesson.pk}/change/",
        lesson_form(lesson, video_file=SimpleUploadedFile("talk.mp4", b"<html>not a video</html>")),
    )
    assert response.status_code == 200
    assert "is not an MP4, WebM or Ogg video" in response.content.decode()
    lesson.refresh_from_db()
    assert not lesson.video_file


def test_a_poster_that_is_not_an_image_is_refused_in_the_admin(client, instructor, course):
    client.force_login(instructor)
    lesson = Lesson.objects.get(session__course=course, session__number=3, kind="video")
    response = client.post(
        f"/admin/courses/lesson/{lesson.pk}/change/",
        lesson_form(lesson, video_poster=SimpleUploadedFile("still.png", b"GIF89a not really")),
    )
    assert response.status_code == 200
    lesson.refresh_from_db()
    assert not lesson.video_poster


# --- the document as a page ---------------------------------------------------------------


def test_a_document_lesson_can_also_be_read_as_a_page(enrolled_client, course):
    lesson = Lesson.objects.select_related("session").get(session__course=course, session__number=1, order=1)
    lesson.kind = Lesson.Kind.DOCUMENT
    lesson.document.save("notes.pdf", ContentFile(b"%PDF-1.4 stand-in"), save=False)
    lesson.document_text = "## Network size\n\nFollower counts are easy to read and easy to inflate."
    lesson.save()
    html = enrolled_client.get(lesson.get_absolute_url()).content.decode()
    assert f'href="{url("page", lesson)}">Read it as a web page</a>' in html
    page = enrolled_client.get(url("page", lesson)).content.decode()
    assert "<h2>Network size</h2>" in page and f"<h1 id=\"document-title\">{lesson.title}</h1>" in page


def test_a_document_without_a_page_version_has_no_link_and_no_page(enrolled_client, course):
    lesson = Lesson.objects.select_related("session").get(session__course=course, session__number=1, order=1)
    html = enrolled_client.get(lesson.get_absolute_url()).content.decode()
    assert "Read it as a web page" not in html
    assert enrolled_client.get(url("page", lesson)).status_code == 404
