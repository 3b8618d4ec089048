"""A required lesson added after learners finished: every enrollment's figures are recomputed, and those
who had finished are told which lesson is new (a notification, and a note on My learning and the outline)."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Notification
from courses.models import Enrollment, Lesson, LessonCompletion, Session
from courses.services import complete_lesson, uncomplete_lesson
from tests import factories

pytestmark = pytest.mark.django_db


def finish(enrollment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in Lesson.objects.filter(session__course=enrollment.course):
            complete_lesson(enrollment, lesson)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED and enrollment.progress_percent == 100
    # Finished yesterday; the lessons were written the day before.
    yesterday = enrollment.completed_at - datetime.timedelta(days=1)
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=yesterday)
    Lesson.objects.filter(session__course=enrollment.course).update(updated_at=yesterday - datetime.timedelta(days=1))


def add_lesson(course, django_capture_on_commit_callbacks, title="Measuring what your posts did"):
    session = Session.objects.get(course=course, number=3)
    with django_capture_on_commit_callbacks(execute=True):  # the reconcile runs after the commit
        return Lesson.objects.create(session=session, order=9, slug="measuring", title=title, is_required=True)


def test_every_finished_learner_is_told_and_every_enrollment_is_recomputed(
    client, learner, other_learner, user_factory, course, enrollment, django_capture_on_commit_callbacks
):
    other = factories.enroll(other_learner, course)
    finish(enrollment, django_capture_on_commit_callbacks)
    finish(other, django_capture_on_commit_callbacks)
    halfway = factories.enroll(user_factory(email="half@example.com"), course)
    with django_capture_on_commit_callbacks(execute=True):
        complete_lesson(halfway, Lesson.objects.filter(session__course=course).first())

    lesson = add_lesson(course, django_capture_on_commit_callbacks)

    for row in (enrollment, other):
        row.refresh_from_db()
        assert (row.status, row.completed_lessons, row.total_lessons, row.progress_percent) == ("active", 12, 13, 92)
        note = Notification.objects.get(user=row.user, kind=Notification.Kind.COURSE)
        assert "“Measuring what your posts did”" in note.text and note.url == lesson.get_absolute_url()
    halfway.refresh_from_db()
    assert (halfway.completed_lessons, halfway.total_lessons) == (1, 13)
    assert not Notification.objects.filter(user=halfway.user).exists()  # nothing was taken from them

    client.force_login(learner)
    for url in (reverse("learn:dashboard"), reverse("learn:outline", args=[course.slug])):
        page = client.get(url).content.decode()
        assert "since then it has gained 1 required lesson" in page, url
        assert f'<a href="{lesson.get_absolute_url()}">Measuring what your posts did</a>' in page, url

    # Doing the new lesson finishes the course again, on the original date, and the note goes.
    with django_capture_on_commit_callbacks(execute=True):
        complete_lesson(enrollment, lesson)
    assert "since then it has gained" not in client.get(reverse("learn:dashboard")).content.decode()
    assert Notification.objects.filter(user=learner, kind=Notification.Kind.COURSE).count() == 1


def test_a_lesson_the_learner_unticked_is_not_called_new(client, learner, course, enrollment, django_capture_on_commit_callbacks):
    finish(enrollment, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        uncomplete_lesson(enrollment, LessonCompletion.objects.filter(enrollment=enrollment).first().lesson)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert not Notification.objects.filter(user=learner, kind=Notification.Kind.COURSE).exists()
    client.force_login(learner)
    assert "since then it has gained" not in client.get(reverse("learn:dashboard")).content.decode()
