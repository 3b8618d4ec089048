"""Instructors author in the admin without being superusers."""

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import Lesson

# The lesson form's captions inline, empty.
NO_CAPTIONS = {"captions-TOTAL_FORMS": 0, "captions-INITIAL_FORMS": 0}


def test_instructors_group_has_authoring_permissions_and_no_more(db):
    perms = set(Group.objects.get(name="instructors").permissions.values_list("content_type__app_label", "codename"))
    for needed in [("courses", "add_lesson"), ("courses", "change_lesson"), ("courses", "change_course"),
                   ("courses", "add_offering"), ("portfolios", "add_prompt"), ("badges", "add_badgeclass"),
                   ("courses", "view_enrollment"), ("gallery", "change_comment")]:
        assert needed in perms
    for forbidden in [("courses", "delete_course"), ("accounts", "change_user"), ("accounts", "delete_user"),
                      ("auth", "change_group"), ("courses", "change_enrollment"), ("portfolios", "change_answer")]:
        assert forbidden not in perms


def test_instructor_adds_a_lesson_to_session_3_in_the_admin_and_it_appears_on_the_course_page(
    client, instructor, course
):
    assert not instructor.is_superuser
    client.force_login(instructor)
    session = course.sessions.get(number=3)
    assert client.get("/admin/courses/lesson/add/").status_code == 200
    response = client.post(
        "/admin/courses/lesson/add/",
        {"session": session.pk, "order": 9, "title": "Reading your audience", "slug": "reading-your-audience",
         "kind": "text", "estimated_minutes": 25, "is_required": "on", "body": "Notice **who** responds.", **NO_CAPTIONS},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Lesson.objects.filter(session=session, slug="reading-your-audience").exists()
    html = client.get(course.get_absolute_url()).content.decode()
    assert "Reading your audience" in html


def test_instructor_edits_a_session_with_its_lessons_inline(client, instructor, course):
    client.force_login(instructor)
    session = course.sessions.get(number=1)
    assert client.get(f"/admin/courses/session/{session.pk}/change/").status_code == 200
    assert client.get(f"/admin/courses/course/{course.pk}/change/").status_code == 200


def test_learner_cannot_open_the_admin(client, learner):
    client.force_login(learner)
    response = client.get("/admin/courses/lesson/add/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_uploaded_document_must_be_a_real_pdf(client, instructor, course):
    client.force_login(instructor)
    session = course.sessions.get(number=2)
    response = client.post(
        "/admin/courses/lesson/add/",
        {"session": session.pk, "order": 5, "title": "Fake ebook", "slug": "fake-ebook", "kind": "document",
         "estimated_minutes": 10, "document": SimpleUploadedFile("ebook.pdf", b"<html>not a pdf</html>"), **NO_CAPTIONS},
    )
    assert response.status_code == 200
    assert "not a PDF" in response.content.decode()
    assert not Lesson.objects.filter(slug="fake-ebook").exists()
