import re

import pytest
from playwright.sync_api import expect

from courses.models import Enrollment, Lesson
from tests.conftest import login_in_browser, screenshot

LESSON_BODY = """Micro-influence is influence at a human scale: a few hundred or a few thousand people
who know your work and trust your judgement.

## What you will do

1. Read the notes below and watch the short talk.
2. Note three people in your field whose recommendations you act on.
3. Start your portfolio with a first reflection.

> Influence is shaped by deliberate and unconscious behaviour, by personality and motivation.

Take about **30 minutes**. You can come back to this lesson at any time.
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_learner_enrolls_plays_through_session_one_and_resumes(page, learner, course):
    Lesson.objects.filter(session__course=course, session__number=1).update(body=LESSON_BODY)
    login_in_browser(page, learner.email)

    # Enroll in the open offering from the course page.
    page.goto(course.get_absolute_url())
    page.get_by_role("button", name="Start now").click()
    page.wait_for_load_state()
    assert Enrollment.objects.filter(user=learner, course=course, status="active").exists()
    assert page.get_by_text("You are enrolled in").is_visible()

    # Open session 1 and its first lesson.
    page.get_by_role("link", name=re.compile("Session 1 Session topic 1")).click()
    page.get_by_role("link", name="Begin session 1").click()
    expect(page.locator("h1")).to_have_text("Lesson 1.1")

    # Next and previous, across lessons.
    page.get_by_role("link", name=re.compile("Next")).click()
    expect(page.locator("h1")).to_have_text("Lesson 1.2")
    assert page.get_by_text("The instructor has not attached a video to this lesson yet").is_visible()
    page.get_by_role("link", name=re.compile("Previous")).click()
    expect(page.locator("h1")).to_have_text("Lesson 1.1")

    # Mark it complete (the progress task runs in-process without REDIS_URL).
    page.get_by_role("button", name="Mark as complete").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Mark as not complete").is_visible()
    screenshot(page, "learn-lesson")

    # My learning shows the bar moved: 1 of 12.
    page.get_by_role("link", name="My learning").first.click()
    assert page.get_by_text("8% complete").is_visible()
    assert page.get_by_text("1 of 12 lessons").is_visible()
    assert page.locator("progress.progress-bar").first.get_attribute("value") == "8"
    screenshot(page, "learn-my-learning")

    # Open the second lesson, leave for the course page, come back and resume there.
    page.goto(Lesson.objects.get(session__course=course, slug="lesson-1-2").get_absolute_url())
    page.goto(course.get_absolute_url())
    page.get_by_role("link", name="My learning").first.click()
    page.get_by_role("link", name=re.compile("^Resume")).click()
    expect(page.locator("h1")).to_have_text("Lesson 1.2")
