"""Preview as a learner: a course's staff open its learner pages, published or not, and nothing is recorded."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from courses.models import Enrollment, Lesson, LessonCompletion, StaffMember
from portfolios.models import Answer, Portfolio
from tests import factories
from tests.portfolios.conftest import make_worksheet


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def _pages(course, worksheet):
    lesson = Lesson.objects.get(session__course=course, session__number=1, order=1)
    return [
        reverse("learn:outline", args=[course.slug]),
        reverse("learn:session", args=[course.slug, 1]),
        lesson.get_absolute_url(),
        worksheet.get_absolute_url(),
        reverse("portfolios:portfolio", args=[course.slug]),
    ]


def test_staff_preview_every_learner_page_with_the_bar_and_nothing_is_recorded(teacher_client, course):
    worksheet = make_worksheet(course)
    for url in _pages(course, worksheet):
        response = teacher_client.get(url)
        assert response.status_code == 200, url
        assert b'class="preview-bar"' in response.content, url
    assert not Enrollment.objects.exists()
    assert not Portfolio.objects.exists()


def test_an_unpublished_course_is_previewed_by_its_staff_only(teacher_client, client, course, learner):
    course.is_published = False
    course.save(update_fields=["is_published"])
    outline = reverse("learn:outline", args=[course.slug])
    assert teacher_client.get(outline).status_code == 200
    client.force_login(learner)
    assert client.get(outline).status_code == 404


def test_forms_sent_from_a_preview_save_nothing(teacher_client, course):
    worksheet = make_worksheet(course)
    lesson = Lesson.objects.get(session__course=course, session__number=1, order=1)
    complete = reverse("learn:complete", args=[course.slug, 1, lesson.slug])
    assert teacher_client.post(complete).status_code == 302
    prompt = worksheet.prompts.get(kind="short_text")
    response = teacher_client.post(worksheet.get_absolute_url(), {f"prompt_{prompt.pk}": "Mine", "action": "submit"}, follow=True)
    assert "This is a preview" in response.content.decode()
    assert not LessonCompletion.objects.exists() and not Answer.objects.exists() and not Enrollment.objects.exists()


def test_staff_of_another_course_and_learners_get_no_preview(client, course, learner):
    other = factories.make_course(slug="other-course", sessions=1)
    stranger = factories.make_instructor(email="stranger@example.com")
    StaffMember.objects.create(course=other, name="Stranger", role=StaffMember.Role.INSTRUCTOR, user=stranger)
    worksheet = make_worksheet(course)
    for user in (stranger, learner):
        client.force_login(user)
        for url in _pages(course, worksheet):
            assert client.get(url).status_code == 404, (user, url)


def test_the_admins_view_on_site_opens_the_preview_of_a_lesson_and_a_worksheet(teacher_client, course):
    worksheet = make_worksheet(course)
    lesson = Lesson.objects.get(session__course=course, session__number=1, order=1)
    for obj in (lesson, worksheet):
        shortcut = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])
        response = teacher_client.get(shortcut, follow=True)
        assert response.status_code == 200
        assert b'class="preview-bar"' in response.content


def test_the_course_page_offers_its_staff_the_preview(teacher_client, client, course, learner):
    assert b"Preview as a learner" in teacher_client.get(course.get_absolute_url()).content
    client.force_login(learner)
    assert b"Preview as a learner" not in client.get(course.get_absolute_url()).content
