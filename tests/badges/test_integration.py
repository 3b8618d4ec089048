"""Badges with the real services: PostgreSQL concurrency, a Celery worker on Redis, Chromium."""

import io
import json
import threading
import time

import pytest
from django.db import connection, connections
from PIL import Image

from badges.models import Award
from badges.services import evaluate_badges_for, queue_badge_evaluation
from courses.models import Lesson
from courses.services import complete_lesson
from tests.badges.conftest import complete_session
from tests.conftest import login_in_browser, screenshot, wait_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_evaluations_award_the_badge_once(enrollment, learner, course, session_badge):
    complete_session(enrollment, 1)
    workers = 6
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def evaluate():
        try:
            barrier.wait()
            results.append(len(evaluate_badges_for(learner.pk, course.pk)))
        except Exception as exc:  # collected and reported by the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=evaluate) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert connection.vendor == "postgresql"
    assert errors == []
    assert sorted(results) == [0] * (workers - 1) + [1]
    assert Award.objects.filter(recipient=learner, badge=session_badge).count() == 1


@pytest.mark.redis
def test_a_real_worker_awards_the_badge_after_the_session_is_completed(
    celery_worker, learner, course, enrollment, session_badge
):
    started = time.monotonic()
    for lesson in Lesson.objects.filter(session__course=course, session__number=1):
        complete_lesson(enrollment, lesson)  # autocommit: recompute_progress goes to the worker at once

    award = wait_for(lambda: Award.objects.filter(recipient=learner, badge=session_badge).first(), timeout=30)
    latency = time.monotonic() - started
    print(f"completion → award visible with a real worker: {latency * 1000:.0f} ms")

    assert award.awarded_by is None
    wait_for(lambda: learner.notifications.filter(kind="badge").exists(), timeout=30)
    # A duplicate event is harmless: the worker runs the evaluation again and awards nothing new.
    queue_badge_evaluation(learner.pk, course.pk)
    time.sleep(1.5)
    assert Award.objects.filter(recipient=learner).count() == 1
    assert learner.notifications.filter(kind="badge").count() == 1


@pytest.mark.browser
def test_learner_sees_the_session_badge_on_my_badges_and_downloads_the_baked_png(
    page, learner, course, enrollment, session_badge, make_badge, tmp_path
):
    make_badge(course, rule="session_completed", rule_param=2, name="Network Builder",
               criteria="Complete every lesson in Session 2, *Micro-influencer networks*.")
    make_badge(course, rule="comments_given", rule_param=5, name="Generous Peer",
               criteria="Comment on the gallery entries of **five** different peers.")
    for lesson in Lesson.objects.filter(session__course=course, session__number=1):
        complete_lesson(enrollment, lesson)  # eager tasks: progress, then badge evaluation

    login_in_browser(page, learner.email)
    page.goto("/badges/")
    earned = page.locator("li.earned-badge[data-badge=micro-influence-foundations]")
    earned.wait_for()
    assert "Micro-influence Foundations" in earned.inner_text()
    screenshot(page, "badges-mine")

    earned.get_by_role("link", name="View and share").click()
    page.get_by_role("heading", level=1, name="Micro-influence Foundations").wait_for()
    assert "Earned by Lee Learner" in page.locator(".earned-by").inner_text()
    screenshot(page, "badges-award")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Badge image for Open Badges 2.0 backpacks (PNG)").click()
    path = tmp_path / "baked.png"
    download_info.value.save_as(path)
    award = Award.objects.get(recipient=learner)
    baked = json.loads(Image.open(io.BytesIO(path.read_bytes())).text["openbadges"])
    assert baked["id"].endswith(f"/badges/assertions/{award.uuid}.json")
    assert baked["recipient"]["salt"] == award.salt
