"""The shared caches never show stale content, and unchanged public pages answer 304."""

import pytest
from django.urls import reverse

from badges.models import Award
from badges.services import award_badge
from courses.models import Course, Lesson
from tests.badges.conftest import make_badge  # noqa: F401 - the fixture


def lesson_of(course) -> Lesson:
    return Lesson.objects.filter(session__course=course).order_by("session__number", "order").first()


def test_a_lesson_title_edited_in_admin_shows_at_once_on_the_course_page_and_outline(
    client, enrolled_client, admin_user, course
):
    lesson = lesson_of(course)
    assert lesson.title in client.get(course.get_absolute_url()).content.decode()  # now cached
    assert lesson.title in enrolled_client.get(reverse("learn:outline", args=[course.slug])).content.decode()
    admin = type(client)()
    admin.force_login(admin_user)
    data = {
        "session": lesson.session_id, "order": lesson.order, "slug": lesson.slug, "title": "Renamed in admin",
        "kind": lesson.kind, "body": lesson.body, "video_url": "", "estimated_minutes": lesson.estimated_minutes,
        "is_required": "on", "captions-TOTAL_FORMS": 0, "captions-INITIAL_FORMS": 0,  # the captions inline, empty
    }
    response = admin.post(reverse("admin:courses_lesson_change", args=[lesson.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Renamed in admin" in client.get(course.get_absolute_url()).content.decode()
    assert "Renamed in admin" in enrolled_client.get(reverse("learn:outline", args=[course.slug])).content.decode()


def test_saving_a_course_shows_at_once_on_the_course_page(client, course):
    client.get(course.get_absolute_url())
    course.description = "A **brand new** description."
    course.save()
    assert "<strong>brand new</strong>" in client.get(course.get_absolute_url()).content.decode()


def test_deleting_an_outcome_and_a_session_updates_the_cached_course_page(client, course):
    client.get(course.get_absolute_url())
    outcome = course.outcomes.first()
    last = course.sessions.order_by("-number").first()
    outcome.delete()
    last.delete()
    html = client.get(course.get_absolute_url()).content.decode()
    assert outcome.text not in html
    assert last.title not in html


def test_a_new_badge_class_shows_on_the_course_page_and_an_award_on_my_badges(
    client, enrolled_client, learner, course, make_badge  # noqa: F811
):
    assert "Cache Buster" not in client.get(course.get_absolute_url()).content.decode()
    assert "Cache Buster" not in enrolled_client.get(reverse("badges:mine")).content.decode()
    badge = make_badge(course, name="Cache Buster")
    assert "Cache Buster" in client.get(course.get_absolute_url()).content.decode()
    award_badge(learner, badge)
    assert Award.objects.filter(recipient=learner, badge=badge).exists()
    assert "Cache Buster" in enrolled_client.get(reverse("badges:mine")).content.decode()


def test_the_public_course_page_answers_304_while_unchanged(client, course):
    first = client.get(course.get_absolute_url())
    etag = first["ETag"]
    again = client.get(course.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    course.title = "A retitled course"
    course.save()
    changed = client.get(course.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "A retitled course" in changed.content.decode()


def test_logged_in_course_pages_carry_no_etag(enrolled_client, course):
    """The header and the enroll box are personal: no 304 from a tag another state produced."""
    assert not enrolled_client.get(course.get_absolute_url()).has_header("ETag")


@pytest.fixture
def public_award(learner, course, make_badge):  # noqa: F811
    award = award_badge(learner, make_badge(course, name="Etag Badge"))
    award.set_public(True)
    return award


def test_the_public_badge_page_and_its_open_badges_json_answer_304_while_unchanged(client, public_award):
    for url in (public_award.get_absolute_url(), reverse("badges:assertion", args=[public_award.uuid])):
        first = client.get(url)
        assert first.status_code == 200
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_templates_come_from_the_cached_loader_with_debug_off(settings):
    from django.template import engines

    settings.DEBUG = False
    loaders = engines["django"].engine.loaders
    assert loaders[0][0] == "django.template.loaders.cached.Loader"


def test_saving_or_deleting_a_badge_class_touches_its_course_and_a_course_less_badge_touches_nothing(
    course, make_badge  # noqa: F811
):
    def stamp():
        return Course.objects.values_list("updated_at", flat=True).get(pk=course.pk)

    before = stamp()
    badge = make_badge(course, name="Toucher")
    after_save = stamp()
    assert after_save > before
    badge.delete()
    assert stamp() > after_save
    make_badge(None, name="No course")  # a manual badge of no course: nothing to touch, no error
