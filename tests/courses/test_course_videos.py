"""The course's eleven video lessons: real talks that ship with the fixture, captioned from end to end.

The length of each MP4 is read from the file itself (its movie header box), in Python, so the
test needs none of the tools that built the videos.
"""

import struct
from pathlib import Path

import pytest
from django.core.management import call_command

from courses.captions import read_cues
from courses.models import Lesson, LessonCaption
from tests import factories

MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"
VIDEO_LESSONS = 11


def mp4_seconds(path: Path) -> float:
    """Duration from the 'mvhd' box inside 'moov' (ISO/IEC 14496-12, versions 0 and 1)."""
    data = path.read_bytes()

    def boxes(start: int, end: int):
        offset = start
        while offset + 8 <= end:
            size, kind = struct.unpack(">I4s", data[offset:offset + 8])
            header = 8
            if size == 1:
                size = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
                header = 16
            elif size == 0:
                size = end - offset
            yield kind, offset + header, offset + size
            offset += size

    for kind, body, end in boxes(0, len(data)):
        if kind == b"moov":
            for inner, start, _ in boxes(body, end):
                if inner == b"mvhd":
                    version = data[start]
                    if version == 1:
                        timescale, duration = struct.unpack(">IQ", data[start + 20:start + 32])
                    else:
                        timescale, duration = struct.unpack(">II", data[start + 12:start + 20])
                    return duration / timescale
    raise ValueError(f"{path} has no movie header")


@pytest.fixture
def course_videos(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_course", verbosity=0)
    return list(Lesson.objects.filter(kind="video").order_by("session__number", "order"))


def test_every_video_lesson_of_the_course_has_a_video_a_poster_and_english_captions(course_videos):
    assert len(course_videos) == VIDEO_LESSONS
    for lesson in course_videos:
        assert lesson.video_file.name.endswith(".mp4") and lesson.video_poster, lesson.title
        assert (MEDIA / lesson.video_file.name).read_bytes()[4:8] == b"ftyp"
        assert lesson.captions.get().language == "en"


def test_each_video_lasts_three_to_six_minutes_and_its_captions_cover_all_of_it(course_videos):
    for lesson in course_videos:
        seconds = mp4_seconds(MEDIA / lesson.video_file.name)
        assert 180 <= seconds <= 360, (lesson.title, seconds)
        caption = lesson.captions.get()
        with (MEDIA / caption.file.name).open("rb") as handle:
            cues = read_cues(handle)
        assert cues == caption.cues  # the fixture's cues are the file's
        assert cues[0]["start"] < 1.5, lesson.title
        assert cues[-1]["end"] > seconds - 3, (lesson.title, cues[-1]["end"], seconds)
        assert cues[-1]["end"] <= seconds + 0.5
        # No stretch of the talk longer than a slide change goes uncaptioned.
        gaps = [later["start"] - earlier["end"] for earlier, later in zip(cues, cues[1:], strict=False)]
        assert max(gaps) < 2.0, lesson.title


def test_the_eleven_videos_together_stay_under_30_mb(course_videos):
    total = sum((MEDIA / lesson.video_file.name).stat().st_size for lesson in course_videos)
    assert total < 30 * 1024 * 1024, total


def test_a_course_video_page_shows_the_talk_with_its_transcript(course_videos, client):
    lesson = course_videos[2]
    course = lesson.session.course
    learner = factories.make_user(country="AU")
    factories.enroll(learner, course, offering=course.offerings.get(title="Self-paced: start today"))
    client.force_login(learner)
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert '<track kind="captions"' in html and 'class="cue"' in html
    assert "The instructor has not attached a video" not in html
    assert LessonCaption.objects.count() == VIDEO_LESSONS
