"""A learner watches a video lesson in Chromium: captions, the transcript, the saved place, completing it."""

from pathlib import Path

import pytest
from django.core.files import File

from courses.models import Lesson, LessonCaption, LessonCompletion, VideoPosition
from tests import factories
from tests.browser.test_accessibility import AXE, describe, serious_violations, unlabelled_controls
from tests.conftest import SCREENSHOTS, login_in_browser, screenshot, wait_for

FIXTURE_MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"
TALK = "s2-01"  # the networks talk: its fifth slide is the network map


@pytest.fixture
def talk_lesson(course):
    """A video lesson carrying one of the course's real talks, with its captions and poster."""
    lesson = Lesson.objects.select_related("session").get(session__course=course, session__number=1, kind="video")
    with (FIXTURE_MEDIA / f"lessons/video/{TALK}.mp4").open("rb") as video:
        lesson.video_file.save("talk.mp4", File(video), save=False)
    with (FIXTURE_MEDIA / f"lessons/posters/{TALK}.jpg").open("rb") as poster:
        lesson.video_poster.save("poster.jpg", File(poster), save=False)
    lesson.save()
    with (FIXTURE_MEDIA / f"lessons/captions/{TALK}.en.vtt").open("rb") as captions:
        LessonCaption.objects.create(lesson=lesson, language="en", label="English", file=File(captions, name="talk.vtt"))
    return lesson


def current_time(page) -> float:
    return page.evaluate("document.querySelector('video').currentTime")


def wait_js(page, expression: str):
    """Poll a JavaScript expression until it is true (wait_for_function would need eval, which CSP forbids)."""
    wait_for(lambda: page.evaluate(expression))


def wait_until_ready(page):
    wait_js(page, "document.querySelector('video').readyState >= 1")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_learner_watches_with_captions_seeks_from_the_transcript_resumes_anywhere_and_completes(
    page, _playwright_browser, live_server, learner, course, talk_lesson
):
    enrollment = factories.enroll(learner, course)
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    login_in_browser(page, learner.email)
    page.goto(talk_lesson.get_absolute_url())
    wait_until_ready(page)
    assert page.get_by_role("heading", name="Transcript").is_visible()

    # Captions on, from our control: the track shows.
    page.get_by_label("Captions").select_option("en")
    assert page.evaluate("document.querySelector('video').textTracks[0].mode") == "showing"

    # The transcript can be searched without playing.
    page.get_by_label("Search the transcript").fill("bridge")
    assert "match" in page.locator("[data-transcript-count]").inner_text()
    assert page.locator(".cue.is-match").count() >= 1
    # The first line found is scrolled into the transcript's view at once, before any Enter.
    page.get_by_label("Search the transcript").fill("about shape")
    wait_js(page, """(() => { const c = document.querySelector('.cue.is-match'), b = c.closest('.transcript-body');
        const r = c.getBoundingClientRect(), v = b.getBoundingClientRect(); return r.top >= v.top && r.bottom <= v.bottom; })()""")
    page.get_by_label("Search the transcript").fill("")

    # A click on a transcript line seeks there and plays; the line is highlighted.
    cue = page.locator(".cue", has_text="Structure is about shape.")
    start = float(cue.get_attribute("data-start"))
    cue.click()
    wait_js(page, f"document.querySelector('video').currentTime > {start + 1.5}")
    assert "is-current" in page.locator(".cue.is-current").first.get_attribute("class")
    assert page.locator(".cue.is-current").first.inner_text().startswith(("Structure is about shape", "Picture yourself"))
    wait_js(page, "document.querySelector('video').textTracks[0].activeCues.length > 0")
    page.locator("[data-player]").scroll_into_view_if_needed()
    screenshot(page, "video-lesson-slide-with-caption")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".video-frame").screenshot(path=str(SCREENSHOTS / "video-frame-with-caption.png"))

    # Pause: the place is saved in the database.
    page.evaluate("document.querySelector('video').pause()")
    left_at = current_time(page)
    wait_for(lambda: VideoPosition.objects.filter(enrollment=enrollment, seconds__gte=left_at - 0.5).exists())

    # Leave for the outline and come back: the player starts where the learner stopped.
    page.goto(course.get_absolute_url())
    page.goto(talk_lesson.get_absolute_url())
    wait_until_ready(page)
    wait_js(page, "document.querySelector('video').currentTime > 1")
    assert abs(current_time(page) - left_at) < 1.0
    assert "Picking up where you left off" in page.locator("[data-player-status]").inner_text()

    # Another browser, logged in afresh: the same place.
    other = _playwright_browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        second = other.new_page()
        second.set_default_timeout(15000)
        login_in_browser(second, learner.email)
        second.goto(talk_lesson.get_absolute_url())
        wait_until_ready(second)
        wait_js(second, "document.querySelector('video').currentTime > 1")
        assert abs(current_time(second) - left_at) < 1.0
        screenshot(second, "video-lesson-resumed-in-another-browser")
    finally:
        other.close()

    # Keyboard: with the video focused, L skips ten seconds forward.
    page.locator("video").focus()
    before = current_time(page)
    page.keyboard.press("l")
    wait_js(page, f"document.querySelector('video').currentTime >= {before + 9}")

    # Complete it, as for any lesson.
    page.get_by_role("button", name="Mark as complete").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Mark as not complete").is_visible()
    assert LessonCompletion.objects.filter(enrollment=enrollment, lesson=talk_lesson).exists()
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not AXE.exists(), reason="needs node_modules/axe-core: run `npm ci` (make test does it when npm is installed)")
def test_the_video_lesson_page_passes_axe_and_labels_every_control(page, learner, course, talk_lesson):
    factories.enroll(learner, course)
    login_in_browser(page, learner.email)
    page.goto(talk_lesson.get_absolute_url())
    wait_until_ready(page)
    assert serious_violations(page) == [], describe(serious_violations(page))
    assert unlabelled_controls(page) == []
