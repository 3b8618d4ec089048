"""The per-course caches (courses/caching.py): shared by every viewer, never stale after an edit."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from core.cache import course_key, touch
from courses import caching
from courses.models import Course, Enrollment, Lesson, Offering
from courses.services import complete_lesson, get_enrollment_or_404
from tests import factories


def fresh(course: Course) -> Course:
    return Course.objects.get(pk=course.pk)


def test_the_outline_is_read_from_the_cache_until_the_course_changes(course, django_assert_num_queries):
    caching.sessions_with_lessons(fresh(course))
    current = fresh(course)
    with django_assert_num_queries(0):
        caching.sessions_with_lessons(current)
    touch(Course.objects.filter(pk=course.pk))
    edited = fresh(course)
    with django_assert_num_queries(2):  # sessions, lessons (+worksheet)
        caching.sessions_with_lessons(edited)


def test_each_caller_gets_its_own_copy(course):
    first = caching.sessions_with_lessons(fresh(course))
    first[0].title = "Changed by a caller"
    assert caching.sessions_with_lessons(fresh(course))[0].title != "Changed by a caller"


def test_an_edit_of_a_lesson_shows_at_once(course):
    lesson = Lesson.objects.filter(session__course=course).order_by("session__number", "order").first()
    caching.sessions_with_lessons(fresh(course))
    lesson.title = "Renamed lesson"
    lesson.save()  # touches the course: a new version, so a new key
    titles = [item.title for session in caching.sessions_with_lessons(fresh(course)) for item in session.lessons.all()]
    assert "Renamed lesson" in titles


def test_the_key_carries_the_course_version(course):
    before = course_key(fresh(course), "sessions")
    course.sessions.first().save()
    assert course_key(fresh(course), "sessions") != before


def test_cached_sessions_and_lessons_give_their_urls_without_a_query(course, django_assert_num_queries):
    caching.sessions_with_lessons(fresh(course))
    session = caching.sessions_with_lessons(fresh(course))[0]
    with django_assert_num_queries(0):
        lesson = session.lessons.all()[0]
        assert session.get_absolute_url() == reverse("learn:session", args=[course.slug, session.number])
        assert lesson.get_absolute_url() == reverse("learn:lesson", args=[course.slug, session.number, lesson.slug])


# --- offerings: cached per course version, open or not decided at request time -------------


def test_a_new_offering_shows_at_once_on_the_course_page(client, course):
    client.get(course.get_absolute_url())  # offerings now cached
    future = factories.make_future_offering(course, days=20)
    assert future.title in client.get(course.get_absolute_url()).content.decode()


def test_closing_the_open_offering_shows_at_once_for_a_logged_in_visitor(client, learner, course):
    client.force_login(learner)
    assert "Open for enrollment" in client.get(course.get_absolute_url()).content.decode()
    offering = course.offerings.get()
    offering.enrollment_closes_at = timezone.now() - timedelta(minutes=1)
    offering.save()
    html = client.get(course.get_absolute_url()).content.decode()
    assert "Enrollment has closed" in html
    assert "Open for enrollment" not in html


def test_an_offering_closes_when_its_time_comes_without_any_edit(client, course, monkeypatch):
    offering = course.offerings.get()
    offering.enrollment_closes_at = timezone.now() + timedelta(hours=1)
    offering.save()
    assert "Open for enrollment" in client.get(course.get_absolute_url()).content.decode()
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(caching.timezone, "now", lambda: later)
    assert "Enrollment has closed" in client.get(course.get_absolute_url()).content.decode()


def test_open_offerings_match_the_open_now_query(course):
    now = timezone.now()
    factories.make_closed_offering(course)
    factories.make_future_offering(course)
    factories.make_offering(course, title="Not yet open", enrollment_opens_at=now + timedelta(days=1))
    factories.make_offering(course, title="Inactive", is_active=False)
    expected = list(Offering.objects.filter(course=course).open_now().order_by("starts_on", "pk"))
    assert caching.open_offerings(fresh(course)) == expected


def test_the_course_page_body_is_one_cached_fragment_per_course_version(client, course, django_assert_num_queries):
    client.get(course.get_absolute_url())
    # course (offerings and outline from the cache, the body's fragment too)
    with django_assert_num_queries(1):
        client.get(course.get_absolute_url())
    assert any("course-body" in key for key in factories.cache_keys())  # the fragment is stored


# --- the learner's rows ------------------------------------------------------------------------


def test_completed_lesson_ids_reads_the_learners_completions(enrollment, course, other_learner):
    lessons = list(Lesson.objects.filter(session__course=course).select_related("session")[:3])
    complete_lesson(enrollment, lessons[0])
    complete_lesson(enrollment, lessons[2])
    complete_lesson(factories.enroll(other_learner, course), lessons[1])
    assert enrollment.completed_lesson_ids() == {lessons[0].pk, lessons[2].pk}


def test_get_enrollment_or_404_finds_only_the_learners_own_enrollment_in_a_published_course(
    enrollment, learner, other_learner, course
):
    found = get_enrollment_or_404(learner, course.slug)
    assert found.pk == enrollment.pk and found.course == course and found.offering == enrollment.offering
    for user, slug in [(other_learner, course.slug), (learner, "no-such-course")]:
        with pytest.raises(Http404):
            get_enrollment_or_404(user, slug)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.EXPIRED)
    assert get_enrollment_or_404(learner, course.slug).pk == enrollment.pk
    with pytest.raises(Http404):
        get_enrollment_or_404(learner, course.slug, include_read_only=False)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.WITHDRAWN)
    with pytest.raises(Http404):
        get_enrollment_or_404(learner, course.slug)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.COMPLETED)
    assert get_enrollment_or_404(learner, course.slug, include_read_only=False).pk == enrollment.pk
    Course.objects.filter(pk=course.pk).update(is_published=False)
    with pytest.raises(Http404):
        get_enrollment_or_404(learner, course.slug)


# --- shared fragments of the learning pages ---------------------------------------------------


def _done_marks(html: str) -> int:
    return html.count('<li class="is-done')


def test_the_lesson_list_fragments_follow_the_learners_done_lessons_at_once(enrolled_client, enrollment, course):
    lessons = list(Lesson.objects.filter(session__course=course, session__number=1).order_by("order", "pk"))
    outline = reverse("learn:outline", args=[course.slug])
    assert _done_marks(enrolled_client.get(outline).content.decode()) == 0
    assert any("outline-session" in key for key in factories.cache_keys())  # the fragments are stored
    complete_lesson(enrollment, lessons[0])
    assert _done_marks(enrolled_client.get(outline).content.decode()) == 1
    html = enrolled_client.get(lessons[1].get_absolute_url()).content.decode()
    assert _done_marks(html) == 1 and html.count("is-current") == 1 and 'aria-current="page"' in html
    # The same list with another lesson shown marks that one as the current one.
    html = enrolled_client.get(lessons[0].get_absolute_url()).content.decode()
    assert f'href="{lessons[0].get_absolute_url()}" aria-current="page"' in html


def test_learners_at_the_same_place_share_the_lesson_list_but_not_another_place(client, course, learner, other_learner):
    first, second = factories.enroll(learner, course), factories.enroll(other_learner, course)
    lesson = Lesson.objects.filter(session__course=course, session__number=1).order_by("order", "pk").first()
    session_url = reverse("learn:session", args=[course.slug, 1])
    client.force_login(learner)
    client.get(session_url)
    stored = {key for key in factories.cache_keys() if "session-lessons" in key}
    client.force_login(other_learner)
    assert _done_marks(client.get(session_url).content.decode()) == 0
    assert {key for key in factories.cache_keys() if "session-lessons" in key} == stored  # the same key: shared
    complete_lesson(second, lesson)
    assert _done_marks(client.get(session_url).content.decode()) == 1
    client.force_login(learner)
    assert _done_marks(client.get(session_url).content.decode()) == 0
    assert first.completed_lesson_ids() == set()
