import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories


def test_course_page_is_public_and_shows_the_outline(client, course):
    response = client.get(course.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert course.title in html
    assert "Go at your own pace" in html
    assert "6 sessions / 4 hours of work per session" in html
    for session in course.sessions.all():
        assert session.title in html
        for lesson in session.lessons.all():
            assert lesson.title in html
    assert "Write a social media strategy for your practice." in html
    assert "A working knowledge of Facebook" in html
    assert "Be kind." in html
    assert "Social Media Mastery" in html
    assert "Skill level: Beginner" in html


def test_open_adaptive_offering_says_start_immediately(client, course):
    html = client.get(course.get_absolute_url()).content.decode()
    assert "Open for enrollment — you can start immediately" in html
    assert "Enrollment has closed" not in html


def test_a_visitor_sees_scheduled_offerings_as_a_second_choice_beside_starting_now(client, course):
    """"Start immediately" above a list holding only a later start date read as a contradiction."""
    future = factories.make_future_offering(course, days=40)
    html = client.get(course.get_absolute_url()).content.decode()
    assert re.search(r"you can start immediately.*Or join a scheduled offering:.*" + re.escape(future.title), html, re.S)


def test_closed_course_lists_future_offerings(client, db):
    course = factories.make_course()
    factories.make_closed_offering(course)
    future = factories.make_future_offering(course, days=40)
    html = client.get(course.get_absolute_url()).content.decode()
    assert "Enrollment has closed" in html
    assert future.title in html
    assert future.starts_on.strftime("%-d %B %Y") in html
    assert "May 2024" not in html


def test_restricted_region_is_shown_and_explained_to_a_learner_there(client, course, user_factory):
    html = client.get(course.get_absolute_url()).content.decode()
    assert "Not available in India" in html
    client.force_login(user_factory(country="IN"))
    html = client.get(course.get_absolute_url()).content.decode()
    assert "not available in India, the country in your profile" in html


def test_an_enrolled_learner_is_not_told_where_the_course_cannot_be_joined(client, course, user_factory):
    learner = user_factory()
    factories.enroll(learner, course)
    client.force_login(learner)
    html = client.get(course.get_absolute_url()).content.decode()
    assert "Not available in India" not in html


def test_unpublished_course_is_404(client, db):
    course = factories.make_course(is_published=False)
    assert client.get(course.get_absolute_url()).status_code == 404


def test_catalog_with_one_course_leads_to_it(client, course):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == course.get_absolute_url()


def test_catalog_lists_several_courses(client, course):
    other = factories.make_course(title="Second course")
    html = client.get("/").content.decode()
    assert course.title in html and other.title in html


@pytest.mark.parametrize("lessons_per_session", [1, 50])
def test_course_page_query_count_does_not_grow_with_lessons(client, db, django_assert_num_queries, lessons_per_session):
    course = factories.make_course(lessons_per_session=lessons_per_session)
    factories.make_offering(course)
    factories.make_offering(course, mode="scheduled", starts_on=timezone.localdate() + timedelta(days=9))
    # course, sessions, lessons, outcomes, staff, badges, offerings
    with django_assert_num_queries(7):
        response = client.get(course.get_absolute_url())
    assert response.status_code == 200
