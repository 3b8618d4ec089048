"""The per-course caches (courses/caching.py): shared per process, never stale after an edit."""

from datetime import timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from courses import caching
from courses.models import Course, Lesson, Offering
from tests import factories


def fresh(course: Course) -> Course:
    return Course.objects.get(pk=course.pk)


def test_the_process_keeps_one_copy_per_course_version(course):
    first = caching.sessions_with_lessons(fresh(course))
    cache.clear()  # served from this process's copy: no cache round trip, no unpickling
    assert caching.sessions_with_lessons(fresh(course)) is first


def test_an_edit_replaces_the_process_copy_too(course):
    lesson = Lesson.objects.filter(session__course=course).order_by("session__number", "order").first()
    caching.sessions_with_lessons(fresh(course))
    lesson.title = "Renamed lesson"
    lesson.save()  # touches the course: a new version, so a new key here and in the cache
    titles = [item.title for session in caching.sessions_with_lessons(fresh(course)) for item in session.lessons.all()]
    assert "Renamed lesson" in titles


def test_the_process_copy_is_bounded(course, monkeypatch):
    monkeypatch.setattr(caching, "_local", {})
    monkeypatch.setattr(caching, "LOCAL_SIZE", 2)
    for _ in range(4):
        caching.touch_course(course.pk)
        caching.sessions_with_lessons(fresh(course))
    assert len(caching._local) == 2


def test_cached_sessions_and_lessons_carry_their_urls_and_labels(course):
    session = caching.sessions_with_lessons(fresh(course))[0]
    lesson = session.lessons.all()[0]
    assert session.get_absolute_url() == reverse("learn:session", args=[course.slug, session.number])
    assert lesson.get_absolute_url() == reverse("learn:lesson", args=[course.slug, session.number, lesson.slug])
    assert lesson.kind_label == lesson.get_kind_display()
    assert lesson.meta_line == f"{lesson.get_kind_display()} · {lesson.estimated_minutes} min"


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


def test_completed_lesson_ids_reads_the_learners_completions(enrollment, course, other_learner):
    lessons = list(Lesson.objects.filter(session__course=course).select_related("session")[:3])
    enrollment.complete_lesson(lessons[0])
    enrollment.complete_lesson(lessons[2])
    factories.enroll(other_learner, course).complete_lesson(lessons[1])
    assert enrollment.completed_lesson_ids() == {lessons[0].pk, lessons[2].pk}
    assert enrollment.completed_lesson_ids() == set(enrollment.completions.values_list("lesson_id", flat=True))


# --- the learner-page lookup without the ORM's query building ------------------------------


def field_values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_learner_enrollment_matches_the_orm_row_for_row(enrollment, learner, course):
    from courses.models import Enrollment, learner_enrollment

    Enrollment.objects.filter(pk=enrollment.pk).update(last_activity_at=timezone.now(), completed_lessons=3)
    found = learner_enrollment(learner.pk, course.slug)
    expected = Enrollment.objects.select_related("course", "offering").get(pk=enrollment.pk)
    assert field_values(found) == field_values(expected)
    assert field_values(found.course) == field_values(expected.course)
    assert field_values(found.offering) == field_values(expected.offering)
    assert found.course.unavailable_countries == expected.course.unavailable_countries
    assert not found._state.adding and found._state.db == expected._state.db


def test_learner_enrollment_refuses_what_get_enrollment_or_404_refuses(enrollment, learner, other_learner, course):
    from courses.models import Enrollment, learner_enrollment

    assert learner_enrollment(other_learner.pk, course.slug) is None
    assert learner_enrollment(learner.pk, "no-such-course") is None
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.EXPIRED)
    assert learner_enrollment(learner.pk, course.slug).pk == enrollment.pk
    assert learner_enrollment(learner.pk, course.slug, current_only=True) is None
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.WITHDRAWN)
    assert learner_enrollment(learner.pk, course.slug) is None
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.COMPLETED)
    assert learner_enrollment(learner.pk, course.slug, current_only=True).pk == enrollment.pk
    Course.objects.filter(pk=course.pk).update(is_published=False)
    assert learner_enrollment(learner.pk, course.slug) is None


def test_the_other_prepared_lookups_match_the_orm(enrollment, learner, other_learner, course):
    from courses.models import Enrollment, enrollment_in_course, published_course, user_enrollments

    other = factories.make_course(slug="second-course")
    second = factories.enroll(learner, other)
    Enrollment.objects.filter(pk=second.pk).update(last_activity_at=timezone.now())
    expected = list(
        Enrollment.objects.for_user(learner).select_related("course", "offering").order_by("-last_activity_at", "-enrolled_at")
    )
    found = user_enrollments(learner.pk)
    assert [field_values(e) for e in found] == [field_values(e) for e in expected]
    assert [field_values(e.course) for e in found] == [field_values(e.course) for e in expected]
    assert [field_values(e.offering) for e in found] == [field_values(e.offering) for e in expected]
    assert user_enrollments(other_learner.pk) == []

    in_course = enrollment_in_course(learner.pk, course)
    assert field_values(in_course) == field_values(enrollment) and in_course.course is course
    assert field_values(in_course.offering) == field_values(enrollment.offering)
    assert enrollment_in_course(other_learner.pk, course) is None

    assert field_values(published_course(course.slug)) == field_values(Course.objects.get(pk=course.pk))
    Course.objects.filter(pk=other.pk).update(is_published=False)
    assert published_course(other.slug) is None
    assert published_course("no-such-course") is None
