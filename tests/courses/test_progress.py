import threading
import time

import pytest
from django.db import connection, transaction

from courses.models import Enrollment, Lesson, LessonCompletion, SessionCompletion, recompute_enrollment_progress
from courses.services import complete_lesson, uncomplete_lesson
from courses.tasks import recompute_progress, reconcile_progress
from tests import factories
from tests.conftest import wait_for


def lessons_of(course):
    return list(Lesson.objects.filter(session__course=course).select_related("session"))


def test_completing_a_lesson_enqueues_the_progress_task_on_commit(enrollment, course, django_capture_on_commit_callbacks):
    lesson = lessons_of(course)[0]
    with django_capture_on_commit_callbacks() as callbacks:
        assert complete_lesson(enrollment, lesson) is True
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        assert complete_lesson(enrollment, lesson) is False  # already complete: no second row
    assert len(callbacks) == 1  # but a recompute, in case the first one was lost
    assert LessonCompletion.objects.filter(enrollment=enrollment).count() == 1


def test_a_retried_complete_repairs_figures_whose_recompute_was_lost(enrollment, course, django_capture_on_commit_callbacks):
    lesson = lessons_of(course)[0]
    LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)  # the first click, its job lost
    with django_capture_on_commit_callbacks(execute=True):
        complete_lesson(enrollment, lesson)
    enrollment.refresh_from_db()
    assert enrollment.completed_lessons == 1


def test_the_progress_task_caches_figures_and_marks_sessions_and_the_course(enrollment, course):
    lessons = lessons_of(course)
    for lesson in lessons[:2]:
        LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)
    assert recompute_progress(enrollment.pk) == 16
    enrollment.refresh_from_db()
    assert (enrollment.completed_lessons, enrollment.total_lessons) == (2, 12)
    assert list(SessionCompletion.objects.filter(enrollment=enrollment).values_list("session__number", flat=True)) == [1]
    for lesson in lessons[2:]:
        LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)
    assert recompute_progress(enrollment.pk) == 100
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.completed_at is not None
    assert SessionCompletion.objects.filter(enrollment=enrollment).count() == 6


def test_running_the_progress_task_twice_gives_the_same_result(enrollment, course):
    lessons = lessons_of(course)
    for lesson in lessons:
        LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)
    recompute_progress(enrollment.pk)
    enrollment.refresh_from_db()
    first = (enrollment.progress_percent, enrollment.status, enrollment.completed_at)
    recompute_progress(enrollment.pk)
    enrollment.refresh_from_db()
    assert (enrollment.progress_percent, enrollment.status, enrollment.completed_at) == first
    assert SessionCompletion.objects.filter(enrollment=enrollment).count() == 6


def test_uncompleting_reopens_the_session_and_the_course(enrollment, course):
    lessons = lessons_of(course)
    for lesson in lessons:
        LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)
    recompute_progress(enrollment.pk)
    first_completed_at = Enrollment.objects.get(pk=enrollment.pk).completed_at
    uncomplete_lesson(enrollment, lessons[0])
    recompute_progress(enrollment.pk)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.completed_at == first_completed_at  # when the course was first completed
    assert enrollment.completed_lessons == 11
    assert not SessionCompletion.objects.filter(enrollment=enrollment, session=lessons[0].session).exists()


def test_optional_lessons_do_not_count_towards_progress(enrollment, course):
    lessons = lessons_of(course)
    Lesson.objects.filter(pk=lessons[0].pk).update(is_required=False)
    LessonCompletion.objects.create(enrollment=enrollment, lesson=lessons[1])
    recompute_progress(enrollment.pk)
    enrollment.refresh_from_db()
    assert (enrollment.completed_lessons, enrollment.total_lessons) == (1, 11)
    assert SessionCompletion.objects.filter(enrollment=enrollment).count() == 1


def test_the_progress_task_ignores_a_deleted_enrollment(db):
    assert recompute_progress(987654) is None


def test_withdrawn_enrollments_keep_their_status_when_recomputed(enrollment, course):
    for lesson in lessons_of(course):
        LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.WITHDRAWN)
    recompute_enrollment_progress(enrollment.pk)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN
    assert enrollment.progress_percent == 100


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_completions_are_counted_once_on_postgresql(learner):
    """Eight threads complete lessons at the same moment, two of them each lesson of session 1 twice.

    The unique constraint lets one insert win per lesson; the row lock in the progress task
    makes the last recompute see every committed completion.
    """
    course = factories.make_course(sessions=2, lessons_per_session=4)
    factories.make_offering(course)
    enrollment = factories.enroll(learner, course)
    lessons = lessons_of(course)
    targets = lessons[:4] * 2  # each lesson of session 1 twice
    barrier = threading.Barrier(len(targets))
    results, errors = [], []

    def complete(lesson):
        try:
            own = Enrollment.objects.get(pk=enrollment.pk)
            barrier.wait(timeout=10)
            results.append(complete_lesson(own, lesson))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete, args=(lesson,)) for lesson in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False] * 4 + [True] * 4
    assert LessonCompletion.objects.filter(enrollment=enrollment).count() == 4
    enrollment.refresh_from_db()
    assert (enrollment.completed_lessons, enrollment.progress_percent) == (4, 50)
    assert SessionCompletion.objects.filter(enrollment=enrollment).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_recomputes_agree_on_postgresql(learner):
    course = factories.make_course(sessions=2, lessons_per_session=3)
    factories.make_offering(course)
    enrollment = factories.enroll(learner, course)
    for lesson in lessons_of(course)[:3]:
        LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)
    barrier = threading.Barrier(6)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            recompute_enrollment_progress(enrollment.pk)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    enrollment.refresh_from_db()
    assert enrollment.progress_percent == 50
    assert SessionCompletion.objects.filter(enrollment=enrollment).count() == 1


@pytest.mark.redis
def test_a_real_celery_worker_recomputes_progress_after_a_completion(celery_worker, learner):
    course = factories.make_course(sessions=2, lessons_per_session=2)
    factories.make_offering(course)
    enrollment = factories.enroll(learner, course)
    lessons = lessons_of(course)
    complete_lesson(enrollment, lessons[0])  # autocommit: enqueued at once, runs in the worker
    complete_lesson(enrollment, lessons[1])

    def progressed():
        enrollment.refresh_from_db()
        return enrollment.completed_lessons == 2 and enrollment.progress_percent == 50

    wait_for(progressed, timeout=30)
    assert SessionCompletion.objects.filter(enrollment=enrollment).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_recompute_waits_for_a_running_one_and_sees_what_it_committed(learner):
    """The interleaving that loses a completion without the row lock, made deterministic.

    The test holds the enrollment's row lock (as a running recompute or completion would),
    starts a recompute, then commits a new completion; the recompute must count it.
    """
    course = factories.make_course(sessions=2, lessons_per_session=2)
    factories.make_offering(course)
    enrollment = factories.enroll(learner, course)
    lessons = lessons_of(course)
    LessonCompletion.objects.create(enrollment=enrollment, lesson=lessons[0])

    def run():
        try:
            recompute_enrollment_progress(enrollment.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    with transaction.atomic():
        Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        thread.start()
        time.sleep(0.5)  # the recompute is now waiting for the lock
        LessonCompletion.objects.create(enrollment=enrollment, lesson=lessons[1])
    thread.join(timeout=10)
    enrollment.refresh_from_db()
    assert enrollment.completed_lessons == 2


def test_the_reconciler_repairs_every_enrollment_whose_figures_disagree_and_badges_follow(
    enrollment, course, other_learner, django_capture_on_commit_callbacks
):
    """A lost job (a killed worker, a refused send) leaves stored figures behind the completions."""
    from badges.models import Award, BadgeClass

    BadgeClass.objects.create(course=course, slug="s1", name="Session one", description="d", criteria="c",
                              rule=BadgeClass.Rule.SESSION_COMPLETED, rule_param=1, image="badges/s1.png")
    in_step = factories.enroll(other_learner, course)
    for lesson in Lesson.objects.filter(session__course=course, session__number=1):
        LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)  # jobs never ran
    recompute_progress(in_step.pk)
    assert list(Enrollment.objects.with_stale_progress().values_list("pk", flat=True)) == [enrollment.pk]

    with django_capture_on_commit_callbacks(execute=True):
        assert reconcile_progress() == 1
    enrollment.refresh_from_db()
    assert (enrollment.completed_lessons, enrollment.total_lessons) == (2, 12)
    assert Award.objects.filter(recipient=enrollment.user, badge__slug="s1").exists()
    assert reconcile_progress() == 0  # nothing left to repair



@pytest.mark.parametrize("status", [Enrollment.Status.EXPIRED, Enrollment.Status.WITHDRAWN])
def test_the_reconciler_also_repairs_ended_enrollments_and_keeps_their_status(enrollment, course, status):
    """Learners whose access ended or who withdrew still see their figures on My learning and the
    course page: a job lost before the status changed must not leave them wrong for good."""
    for lesson in Lesson.objects.filter(session__course=course, session__number=1):
        LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)  # the job never ran
    Enrollment.objects.filter(pk=enrollment.pk).update(status=status)

    assert reconcile_progress() == 1
    enrollment.refresh_from_db()
    assert (enrollment.completed_lessons, enrollment.status) == (2, status)
    assert reconcile_progress() == 0

def test_adding_a_required_lesson_recomputes_the_course_and_recompleting_keeps_the_first_date(
    transactional_db, enrollment, course
):
    for lesson in lessons_of(course):
        LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)
    recompute_progress(enrollment.pk)
    first_completed_at = Enrollment.objects.get(pk=enrollment.pk).completed_at
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.COMPLETED

    new = Lesson.objects.create(session=course.sessions.get(number=6), order=9, slug="added", title="Added", body="b")
    enrollment.refresh_from_db()
    assert (enrollment.completed_lessons, enrollment.total_lessons) == (12, 13)  # recomputed on the commit
    assert enrollment.status == Enrollment.Status.ACTIVE

    complete_lesson(enrollment, new)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.completed_at == first_completed_at
