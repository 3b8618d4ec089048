"""The course dashboard (#17.4), announcements (#17.5) and the enrollment admin's actions."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Announcement, AnnouncementDelivery, Enrollment, Lesson, LessonCompletion, Offering, StaffMember
from courses.models import recompute_enrollment_progress as recompute
from courses.progress import progress_for
from courses.studio import behind_condition, offering_rows, with_start
from courses.tasks import send_announcement
from tests import factories


@pytest.fixture
def teacher(instructor, course):
    StaffMember.objects.create(course=course, name=instructor.public_name, role=StaffMember.Role.INSTRUCTOR, user=instructor)
    return instructor


def learner_at(course, *, started_days_ago: int, sessions_done: int, offering=None, active_days_ago: int | None = None) -> Enrollment:
    """A learner who started some days ago and finished their first `sessions_done` sessions."""
    enrollment = factories.enroll(factories.make_user(country="AU"), course, offering)
    start = timezone.now() - timedelta(days=started_days_ago)
    last = timezone.now() - timedelta(days=active_days_ago) if active_days_ago is not None else None
    Enrollment.objects.filter(pk=enrollment.pk).update(started_at=start, enrolled_at=start, last_activity_at=last)
    lessons = Lesson.objects.filter(session__course=course, session__number__lte=sessions_done)
    LessonCompletion.objects.bulk_create([LessonCompletion(enrollment=enrollment, lesson=lesson) for lesson in lessons])
    recompute(enrollment.pk)
    return Enrollment.objects.select_related("course", "offering", "user").get(pk=enrollment.pk)


def test_behind_on_the_dashboard_is_the_learners_own_schedule_rule(course):
    """The aggregate condition agrees with CourseProgress.is_behind (what the learner and the pace
    reminders see) for self-paced and scheduled learners at every stage."""
    scheduled = factories.make_offering(course, mode=Offering.Mode.SCHEDULED, title="Autumn", starts_on=(timezone.now() - timedelta(days=20)).date())
    enrollments = [
        learner_at(course, started_days_ago=days, sessions_done=done)
        for days in (0, 6, 8, 15, 30, 45, 60) for done in (0, 1, 2, 6)
    ] + [learner_at(course, started_days_ago=20, sessions_done=done, offering=scheduled) for done in (0, 1, 2, 3, 6)]
    offerings = list(course.offerings.all())
    behind = behind_condition(course, offerings)
    flagged = set(with_start(Enrollment.objects.filter(course=course)).filter(behind).values_list("pk", flat=True))
    expected = {e.pk for e in enrollments if progress_for(e).is_behind}
    assert expected and flagged == expected


def test_the_offering_figures_count_each_learner_once(course):
    learner_at(course, started_days_ago=30, sessions_done=0, active_days_ago=2)  # behind, active this week
    learner_at(course, started_days_ago=1, sessions_done=0)  # on track
    learner_at(course, started_days_ago=60, sessions_done=6)  # completed
    gone = learner_at(course, started_days_ago=3, sessions_done=0)
    services.withdraw(gone)
    offerings = list(course.offerings.all())
    [row] = offering_rows(course, offerings, behind_condition(course, offerings), now=timezone.now())
    assert (row.enrolled, row.active_week, row.on_track, row.behind, row.completed) == (3, 1, 1, 1, 1)
    assert [part["count"] for part in row.bars] == [1, 1, 1, 0]


def test_the_dashboard_shows_the_funnel_stuck_learners_and_the_other_apps_figures(client, teacher, course):
    stuck = learner_at(course, started_days_ago=40, sessions_done=1, active_days_ago=20)
    learner_at(course, started_days_ago=40, sessions_done=1, active_days_ago=1)  # behind but active: not stuck
    learner_at(course, started_days_ago=2, sessions_done=1, active_days_ago=20)  # quiet but on track: not stuck
    client.force_login(teacher)
    response = client.get(reverse("studio:dashboard", args=[course.slug]) + "?days=14")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Where learners stop" in html and '6.2</span> Lesson 6.2' in html  # numbered as the outline numbers them
    assert f"mailto:{stuck.user.email}?subject=" in html
    assert html.count("mailto:") == 2  # the one stuck learner, and "email all"
    assert "Worksheets and reviews" in html and "Open reports" in html  # portfolios' and the gallery's sections


def test_the_dashboards_queries_do_not_grow_with_the_learners(client, teacher, course):
    client.force_login(teacher)
    url = reverse("studio:dashboard", args=[course.slug])

    def count() -> int:
        client.get(url)  # the course's outline is cached after the first request
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for n in range(3):
        learner_at(course, started_days_ago=10 * n, sessions_done=n, active_days_ago=20)
    few = count()
    for n in range(30):
        learner_at(course, started_days_ago=n, sessions_done=n % 4, active_days_ago=n % 20)
    assert count() == few


def test_announcements_show_on_the_learners_outline_and_are_emailed_once(
    client, teacher, course, enrollment, learner, django_capture_on_commit_callbacks
):
    other_run = factories.make_offering(course, title="Second run")
    elsewhere = factories.enroll(factories.make_user(country="AU"), course, other_run)
    quiet = factories.enroll(factories.make_user(country="AU", wants_course_emails=False), course)
    with django_capture_on_commit_callbacks(execute=True):
        to_all = services.post_announcement(course, title="Live session on Friday", body="Bring **one** question.", author=teacher)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([learner.email, elsewhere.user.email])
    assert "/unsubscribe/course-emails/" in mail.outbox[0].body
    # Running the job again (a redelivered task) emails nobody twice.
    assert send_announcement(to_all.pk) == 0
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.post_announcement(course, title="Only the second run", body="Hello.", offering=other_run)
    assert [m.to[0] for m in mail.outbox[2:]] == [elsewhere.user.email]
    client.force_login(learner)
    html = client.get(reverse("learn:outline", args=[course.slug])).content.decode()
    assert "Live session on Friday" in html and "<strong>one</strong>" in html
    assert "Only the second run" not in html
    assert not AnnouncementDelivery.objects.filter(user=quiet.user).exists()


def test_announcement_emails_go_in_batches(course, django_capture_on_commit_callbacks, monkeypatch):
    from courses import announcements

    monkeypatch.setattr(announcements, "BATCH_SIZE", 2)
    for _ in range(5):
        factories.enroll(factories.make_user(country="AU"), course)
    announcement = Announcement.objects.create(course=course, title="Hello", body="Welcome.")
    assert [len(batch) for batch in announcements.plan_deliveries(announcement.pk)] == [2, 2, 1]
    assert send_announcement(announcement.pk) == 3
    assert len(mail.outbox) == 5
    assert announcements.plan_deliveries(announcement.pk) == []


def test_an_instructor_posts_an_announcement_in_the_admin_for_a_course_they_teach(
    client, teacher, course, enrollment, learner, django_capture_on_commit_callbacks
):
    other = factories.make_course(slug="not-mine")
    client.force_login(teacher)
    add = reverse("admin:courses_announcement_add")
    form = client.get(add + f"?course={course.pk}").content.decode()
    assert f'<option value="{course.pk}" selected>' in form and "not-mine" not in form
    # Saving sends: the form says so before, and previews the Markdown like every other text.
    assert "emails it to every learner it is for, at once" in form and 'data-markdown-preview="' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add, {"course": other.pk, "title": "Sneaky", "body": "x"})
    assert response.status_code == 200 and not Announcement.objects.exists()  # not a course of theirs
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add, {"course": course.pk, "offering": "", "title": "Welcome", "body": "Glad you are here."})
    assert response.status_code == 302
    assert Announcement.objects.get().author == teacher
    assert [m.to for m in mail.outbox] == [[learner.email]]


def test_extend_access_adds_days_and_gives_an_ended_course_back(enrollment):
    ends = enrollment.access_expires_at
    services.extend_access(enrollment, 10)
    enrollment.refresh_from_db()
    assert enrollment.access_expires_at == ends + timedelta(days=10)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.EXPIRED, access_expires_at=timezone.now() - timedelta(days=3))
    before = timezone.now()
    services.extend_access(enrollment, 7)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.access_expires_at >= before + timedelta(days=7)


def test_moving_to_a_full_offering_is_refused_and_changes_nothing(course, enrollment):
    full = factories.make_offering(course, title="Full run", capacity=1)
    factories.enroll(factories.make_user(country="AU"), course, full)
    with pytest.raises(services.EnrollmentRefused, match="full"):
        services.move_to_offering(enrollment, full)
    enrollment.refresh_from_db()
    assert enrollment.offering.title == "Self-paced"


def test_the_admin_actions_extend_and_move_through_the_services(client, teacher, course, enrollment):
    later = factories.make_future_offering(course)
    changelist = reverse("admin:courses_enrollment_changelist")
    client.force_login(teacher)
    step = client.post(changelist, {"action": "extend_access", "_selected_action": [enrollment.pk]})
    assert step.status_code == 200 and "Days of access to add" in step.content.decode()
    ends = enrollment.access_expires_at
    done = client.post(changelist, {"action": "extend_access", "_selected_action": [enrollment.pk], "apply": "1", "days": "14"})
    assert done.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.access_expires_at == ends + timedelta(days=14)
    client.post(changelist, {"action": "move_to_offering", "_selected_action": [enrollment.pk], "apply": "1", "offering": later.pk})
    enrollment.refresh_from_db()
    assert enrollment.offering == later
    assert timezone.localdate(enrollment.started_at) == later.starts_on


def test_an_instructor_sees_only_the_enrollments_of_courses_they_teach(client, teacher, course, enrollment):
    other = factories.make_course(slug="not-mine")
    outsider = factories.enroll(factories.make_user(display_name="Otto Outsider", country="AU"), other)
    client.force_login(teacher)
    html = client.get(reverse("admin:courses_enrollment_changelist")).content.decode()
    assert enrollment.user.public_name in html and "Otto Outsider" not in html
    client.post(reverse("admin:courses_enrollment_changelist"),
                {"action": "extend_access", "_selected_action": [outsider.pk], "apply": "1", "days": "30"})
    outsider_before = outsider.access_expires_at
    outsider.refresh_from_db()
    assert outsider.access_expires_at == outsider_before


def _export(client, ids) -> list[dict]:
    import csv
    import io

    response = client.post(reverse("admin:courses_enrollment_changelist"), {"action": "export_csv", "_selected_action": ids})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_enrollment_csv_has_each_sessions_progress_and_the_higher_apps_columns(client, admin_user, course):
    from django.core.files.base import ContentFile

    from badges.images import draw_badge_png
    from badges.models import BadgeClass
    from badges.services import award_badge

    enrollment = learner_at(course, started_days_ago=10, sessions_done=2)
    badge = BadgeClass(course=course, slug="first", name="=Session one", description="d", criteria="c", rule=BadgeClass.Rule.MANUAL)
    badge.image.save("badge.png", ContentFile(draw_badge_png("S", "#1f4e79", "1")), save=True)
    award_badge(enrollment.user, badge)
    client.force_login(admin_user)
    [row] = _export(client, [enrollment.pk])
    assert [row[f"session_{n}_percent"] for n in range(1, 7)] == ["100", "100", "0", "0", "0", "0"]
    assert row["last_activity_at"] == ""
    assert row["worksheets_submitted"] == "0" and row["gallery_entry"] == "" and row["gallery_comments"] == "0"
    assert row["badges"] == "'=Session one"  # csv_safe holds for the columns the apps above add


def test_the_enrollment_csvs_queries_do_not_grow_with_the_rows(client, admin_user, course):
    client.force_login(admin_user)
    few = [learner_at(course, started_days_ago=5, sessions_done=1).pk for _ in range(2)]
    with CaptureQueriesContext(connection) as small:
        _export(client, few)
    many = few + [learner_at(course, started_days_ago=n, sessions_done=n % 3).pk for n in range(20)]
    with CaptureQueriesContext(connection) as large:
        assert len(_export(client, many)) == 22
    assert len(large) == len(small)
