"""The admin as an instructor's studio: each instructor manages only the courses they teach (superusers
every course), Markdown previews through the site's sanitiser, and dragged sessions renumber cleanly."""

import pytest
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from courses.models import Course, Session, StaffMember
from portfolios.models import Worksheet
from tests import factories
from tests.portfolios.conftest import make_worksheet


@pytest.fixture
def other_course(db):
    other = factories.make_course(slug="other-course", title="Another Studio Course", sessions=1)
    factories.make_offering(other)
    make_worksheet(other, session=1, order=2, slug="theirs", title="Their worksheet")
    return other


LISTS = [
    "admin:courses_course_changelist", "admin:courses_session_changelist", "admin:courses_lesson_changelist",
    "admin:courses_offering_changelist", "admin:portfolios_worksheet_changelist",
]


def test_an_instructor_sees_only_the_courses_they_teach(client, course, teacher, other_course):
    make_worksheet(course)
    client.force_login(teacher)
    for name in LISTS:
        html = client.get(reverse(name)).content.decode()
        assert other_course.title not in html and "Their worksheet" not in html, name
    assert course.title in client.get(reverse("admin:courses_course_changelist")).content.decode()
    for obj in (other_course, other_course.sessions.get(), Worksheet.objects.get(course=other_course)):
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        assert client.get(url).status_code == 302, url  # "does not exist", as for any unknown id



def test_the_admin_greets_the_instructor_by_the_name_people_see_and_names_the_sites_icon(client, course, teacher):
    """Django's admin greets with the username and names no icon, so browsers asked for a
    /favicon.ico that is not there."""
    client.force_login(teacher)
    html = client.get(reverse("admin:index")).content.decode()
    assert f"Welcome, <strong>{teacher.public_name}</strong>." in html and teacher.public_name != teacher.username
    assert 'rel="icon" href="/static/img/favicon.svg"' in html
    assert "Back to the site" in html and "View site" not in html  # one link back, not two

def test_an_instructor_cannot_add_rows_to_a_course_they_do_not_teach(client, course, teacher, other_course):
    client.force_login(teacher)
    page = client.get(reverse("admin:courses_session_add")).content.decode()
    assert other_course.title not in page  # not among the courses to choose from
    response = client.post(reverse("admin:courses_session_add"), {
        "course": other_course.pk, "number": 9, "title": "Smuggled", "estimated_hours": 4, "release_offset_days": 0,
        "lessons-TOTAL_FORMS": 0, "lessons-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Session.objects.filter(title="Smuggled").exists()
    # Nor name themselves (or anyone) its staff through its course form: that form is out of reach.
    staff_form = reverse("admin:courses_course_change", args=[other_course.pk])
    client.post(staff_form, {
        "staff-TOTAL_FORMS": 1, "staff-INITIAL_FORMS": 0, "staff-0-name": "Me", "staff-0-role": "instructor", "staff-0-user": teacher.pk,
    })
    assert not StaffMember.objects.filter(course=other_course, user=teacher).exists()


def test_a_superuser_sees_every_course(client, admin_user, course, other_course):
    client.force_login(admin_user)
    html = client.get(reverse("admin:courses_course_changelist")).content.decode()
    assert course.title in html and other_course.title in html


def test_an_instructor_who_creates_a_course_teaches_it(client, teacher):
    client.force_login(teacher)
    response = client.post(reverse("admin:courses_course_add"), {
        "title": "Portraits that sell", "slug": "portraits", "description": "How to **price** portraits.",
        "skill_level": "beginner", "hours_per_session": 4, "target_weeks": 6, "access_days": 120,
        "reenrollment": "new_offering",
        **{f"{prefix}-{key}": 0 for prefix in ("outcomes", "staff", "offerings", "sessions") for key in ("TOTAL_FORMS", "INITIAL_FORMS")},
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    course = Course.objects.get(slug="portraits")
    assert course.is_taught_by(teacher)
    assert client.get(reverse("admin:courses_course_change", args=[course.pk])).status_code == 200


def test_the_markdown_preview_is_the_sites_sanitised_html_for_staff_only(client, teacher, learner):
    url = reverse("admin:courses_markdown_preview")
    client.force_login(teacher)
    text = "## Step one\n\n**Bold** [ok](https://example.com) [bad](javascript:alert(1)) <script>x()</script>"
    html = client.post(url, {"text": text}).json()["html"]
    assert "<h2>Step one</h2>" in html and "<strong>Bold</strong>" in html and 'href="https://example.com"' in html
    assert "<script" not in html and "javascript:" not in html
    assert client.get(url).status_code == 405
    client.force_login(learner)
    response = client.post(url, {"text": "**x**"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_markdown_fields_and_prompt_labels_get_their_widgets(client, course, teacher):
    worksheet = make_worksheet(course)
    client.force_login(teacher)
    course_form = client.get(reverse("admin:courses_course_change", args=[course.pk])).content.decode()
    assert 'data-markdown-preview="/admin/courses/course/markdown-preview/"' in course_form
    worksheet_form = client.get(reverse("admin:portfolios_worksheet_change", args=[worksheet.pk])).content.decode()
    prompt = worksheet.prompts.first()
    assert '<textarea name="prompts-0-label"' in worksheet_form and prompt.label in worksheet_form
    assert 'aria-label="Delete (prompt 1)"' in worksheet_form


def _change_form_data(response) -> dict:
    """What the browser would send back from an admin change form, untouched."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_sessions_dragged_into_a_new_order_swap_their_numbers(client, course, teacher):
    client.force_login(teacher)
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = _change_form_data(client.get(url))
    first, second = Session.objects.get(course=course, number=1), Session.objects.get(course=course, number=2)
    index = {int(data[f"sessions-{i}-id"]): i for i in range(int(data["sessions-TOTAL_FORMS"]))}
    data[f"sessions-{index[first.pk]}-number"], data[f"sessions-{index[second.pk]}-number"] = 2, 1
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.number, second.number) == (2, 1)
    assert sorted(Session.objects.filter(course=course).values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]


def _staff_row(data, user) -> int:
    return next(i for i in range(int(data["staff-TOTAL_FORMS"])) if str(data.get(f"staff-{i}-user")) == str(user.pk))


def test_an_instructor_cannot_remove_themselves_from_the_course(client, course, teacher, admin_user):
    """Deleting one's own instructor row (or making it a guest) would make the course vanish from
    their admin at once: the form says so and keeps what was typed. A superuser may do it."""
    client.force_login(teacher)
    url = reverse("admin:courses_course_change", args=[course.pk])
    for change in ({"DELETE": "on"}, {"role": "guest"}):
        data = _change_form_data(client.get(url))
        row = _staff_row(data, teacher)
        data.update({f"staff-{row}-{key}": value for key, value in change.items()})
        data["subtitle"] = "A new subtitle, typed before the mistake"
        response = client.post(url, data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "without it you would lose access to this course" in html
        assert "A new subtitle, typed before the mistake" in html
        assert StaffMember.objects.filter(course=course, user=teacher, role="instructor").exists()
    client.force_login(admin_user)
    data = _change_form_data(client.get(url))
    data[f"staff-{_staff_row(data, teacher)}-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert not StaffMember.objects.filter(course=course, user=teacher).exists()


def test_an_instructor_sees_only_their_courses_people_and_no_password_hashes(client, course, teacher, other_course, learner, admin_user):
    factories.enroll(learner, course)
    elsewhere = factories.make_user(email="elsewhere@example.com")
    factories.enroll(elsewhere, other_course)
    client.force_login(teacher)
    listing = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert learner.email in listing and teacher.email in listing
    assert elsewhere.email not in listing and admin_user.email not in listing
    assert client.get(reverse("admin:accounts_user_change", args=[elsewhere.pk])).status_code == 302  # as for an unknown id
    page = client.get(reverse("admin:accounts_user_change", args=[learner.pk])).content.decode()
    assert "Lee Learner" in page
    assert "pbkdf2" not in page and "salt" not in page and "Reset password" not in page and "Superuser status" not in page
    client.force_login(admin_user)
    listing = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert elsewhere.email in listing and admin_user.email in listing
    assert "Reset password" in client.get(reverse("admin:accounts_user_change", args=[learner.pk])).content.decode()


def test_an_offering_that_could_never_open_or_admit_anyone_is_refused_with_reasons(client, course, teacher):
    """Enrollment closing before it opens (the offering would silently never show on the course
    page) and a capacity of 0: each field says what is wrong, and the title typed stays."""
    client.force_login(teacher)
    response = client.post(reverse("admin:courses_offering_add"), {
        "course": course.pk, "title": "June 2027 cohort", "mode": "scheduled", "starts_on": "2027-06-01",
        "enrollment_opens_at_0": "2027-05-01", "enrollment_opens_at_1": "09:00",
        "enrollment_closes_at_0": "2027-04-01", "enrollment_closes_at_1": "09:00",
        "capacity": 0, "is_active": "on",
    })
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["enrollment_closes_at"] == ["Enrollment has to close after it opens."]
    assert "leave it empty for no limit" in errors["capacity"][0]
    assert "June 2027 cohort" in response.content.decode()
    assert not course.offerings.filter(title="June 2027 cohort").exists()


def test_a_new_lesson_goes_last_in_its_session_and_its_author_hears_what_is_missing(client, course, teacher):
    session = course.sessions.get(number=1)
    last = max(session.lessons.values_list("order", flat=True))
    client.force_login(teacher)
    response = client.post(reverse("admin:courses_lesson_add"), {
        "session": session.pk, "order": 0, "title": "Filming a time-lapse", "slug": "filming-a-time-lapse", "kind": "video",
        "estimated_minutes": 20, "is_required": "on", "body": "Set the camera on a tripod.",
        "captions-TOTAL_FORMS": 0, "captions-INITIAL_FORMS": 0,
    }, follow=True)
    lesson = session.lessons.get(slug="filming-a-time-lapse")
    assert lesson.order == last + 1  # not 0, which would have made it the session's first lesson
    assert "This video lesson has no video yet" in response.content.decode()
    lesson.video_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert lesson.missing_content() == ""


def test_the_worksheet_form_names_each_lessons_session_and_hides_the_command_key_from_instructors(client, course, teacher, admin_user):
    worksheet = make_worksheet(course)
    url = reverse("admin:portfolios_worksheet_change", args=[worksheet.pk])
    client.force_login(teacher)
    page = client.get(url).content.decode()
    assert ">Session 1: Lesson 1.2 (Worksheet)</option>" in page
    assert 'name="prompts-0-key"' not in page and 'name="prompts-0-section"' in page
    client.force_login(admin_user)
    assert 'name="prompts-0-key"' in client.get(url).content.decode()


def test_a_lesson_slug_taken_in_its_session_is_an_error_on_the_slug(client, course, teacher):
    session = course.sessions.get(number=1)
    taken = session.lessons.first().slug
    client.force_login(teacher)
    response = client.post(reverse("admin:courses_lesson_add"), {
        "session": session.pk, "order": 9, "title": "A second welcome", "slug": taken, "kind": "text",
        "estimated_minutes": 5, "body": "Hello again.", "captions-TOTAL_FORMS": 0, "captions-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["slug"] == ["Another lesson of this session has this slug, which is part of its address: choose another."]
    assert "__all__" not in errors  # said once, where it can be fixed


def test_an_instructor_of_one_course_gets_lists_without_its_repeated_title(client, course, teacher, learner, admin_user):
    factories.enroll(learner, course)
    client.force_login(teacher)
    html = client.get(reverse("admin:courses_enrollment_changelist")).content.decode()
    assert "column-course" not in html and "column-offering_title" in html
    client.force_login(admin_user)
    assert "column-course" in client.get(reverse("admin:courses_enrollment_changelist")).content.decode()
