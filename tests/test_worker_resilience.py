"""A Celery pool process killed in the middle of a task: the job is redelivered and completes once.

The worker runs with acks_late and task_reject_on_worker_lost (config/settings.py), so a
task whose process dies goes back to the queue; because the tasks are idempotent the
redelivery finishes the job with no lost progress and no duplicate award.
"""

import os
import signal
import subprocess

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.db import connection

from badges.images import draw_badge_png
from badges.models import Award, BadgeClass
from courses.models import Enrollment, Lesson, LessonCompletion, SessionCompletion
from courses.tasks import recompute_progress
from tests import factories
from tests.conftest import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def pool_processes(worker_pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(worker_pid)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def waiting_on_a_lock(dbname: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", [dbname]
        )
        return cursor.fetchone()[0]


def test_killing_the_pool_process_mid_task_loses_no_progress_and_awards_once(celery_worker):
    learner = factories.make_user(email="resilient@example.com")
    course = factories.make_course(sessions=2, lessons_per_session=2)
    factories.make_offering(course)
    enrollment = factories.enroll(learner, course)
    badge = BadgeClass(course=course, slug="session-one", name="Session one", description="Finished session 1.",
                       criteria="Complete session 1.", rule=BadgeClass.Rule.SESSION_COMPLETED, rule_param=1)
    badge.image.save("b.png", ContentFile(draw_badge_png("Session one", "#1f4e79", "1")), save=False)
    badge.save()

    db = connection.settings_dict
    blocker = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"], autocommit=False
    )
    try:
        # 1. The learner completes session 1 (the rows complete_lesson writes), then we hold the
        #    enrollment row so the progress task blocks on its SELECT ... FOR UPDATE.
        for lesson in Lesson.objects.filter(session__course=course, session__number=1):
            LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)
        blocker.execute("SELECT id FROM courses_enrollment WHERE id = %s FOR UPDATE", [enrollment.pk])
        recompute_progress.delay(enrollment.pk)  # what complete_lesson enqueues, once per completion
        recompute_progress.delay(enrollment.pk)
        # 2. Wait until a task is really in the middle of its work, stuck on the lock.
        wait_for(lambda: waiting_on_a_lock(db["NAME"]) >= 1, timeout=20)
        # 3. Kill the pool processes running it, as the OOM killer would.
        children = pool_processes(celery_worker.pid)
        assert children
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        # The pool replaces its processes and the rejected messages are delivered again.
        wait_for(lambda: set(pool_processes(celery_worker.pid)) - set(children), timeout=20)
        wait_for(lambda: open(celery_worker.log_path).read().count("recompute_progress") >= 4, timeout=20)
        assert not Award.objects.filter(badge=badge, recipient=learner).exists()  # still held up
    finally:
        # 4. Let the redelivered tasks through.
        blocker.rollback()
        blocker.close()

    # The pool restarts its processes; the rejected messages come back and complete.
    wait_for(lambda: Award.objects.filter(badge=badge, recipient=learner).exists(), timeout=40)
    wait_for(lambda: Enrollment.objects.get(pk=enrollment.pk).completed_lessons == 2, timeout=20)
    refreshed = Enrollment.objects.get(pk=enrollment.pk)
    assert refreshed.progress_percent == 50
    assert SessionCompletion.objects.filter(enrollment=enrollment, session__number=1).count() == 1
    assert Award.objects.filter(badge=badge, recipient=learner).count() == 1
    log = open(celery_worker.log_path).read()
    assert "WorkerLostError" in log and "signal 9" in log
