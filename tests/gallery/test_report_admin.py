"""Moderation that is quick: a report's admin page shows what was reported in its context and settles
it with one button; the course's staff hear of new reports; the admin index counts the open ones."""

from django.core import mail
from django.urls import reverse

from accounts.models import Notification
from courses.models import StaffMember
from gallery import services
from gallery.models import Comment, Report
from tests import factories
from tests.gallery.conftest import client_for


def _report_comment(entry, learner, peer, text="You will never make it, stop posting."):
    comment = services.post_comment(entry, learner, text)
    report, _ = services.report_item(peer, "Unkind, against the rules.", entry=entry, comment=comment)
    return comment, report


def test_the_report_page_shows_the_reported_text_with_its_context(entry, learner, peer, instructor):
    parent = services.post_comment(entry, peer, "Which paper do you print on?")
    reply = services.post_comment(entry, learner, "None of your business, amateur.", parent=parent)
    report, _ = services.report_item(peer, "Rude reply.", entry=entry, comment=reply)
    html = client_for(instructor).get(reverse("admin:gallery_report_change", args=[report.pk])).content.decode()
    assert "None of your business, amateur." in html  # the reported text itself
    assert "Which paper do you print on?" in html  # what it answered
    assert entry.title in html and learner.email in html and "Rude reply." in html
    assert 'name="_hide"' in html and 'name="_resolve"' in html


def test_hide_resolve_restore_and_reopen_are_buttons_on_the_report_page(entry, learner, peer, instructor):
    comment, report = _report_comment(entry, learner, peer)
    staff = client_for(instructor)
    url = reverse("admin:gallery_report_change", args=[report.pk])

    staff.post(url, {"_hide": "1"})
    comment.refresh_from_db()
    report.refresh_from_db()
    assert comment.is_hidden and comment.moderated_by == instructor
    assert report.status == Report.Status.RESOLVED and report.resolved_by == instructor

    staff.post(url, {"_restore": "1"})
    assert not Comment.objects.get(pk=comment.pk).is_hidden

    staff.post(url, {"_reopen": "1"})
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN and report.resolved_by is None

    staff.post(url, {"_resolve": "1"})
    assert Report.objects.get(pk=report.pk).status == Report.Status.RESOLVED
    assert not Comment.objects.get(pk=comment.pk).is_hidden  # resolving leaves the item as it is


def test_reopening_a_report_whose_reporter_has_another_open_one_says_so_instead_of_failing(entry, learner, peer, instructor):
    comment, first = _report_comment(entry, learner, peer)
    services.resolve_reports(Report.objects.filter(pk=first.pk), instructor)
    second, created = services.report_item(peer, "Still unkind.", entry=entry, comment=comment)
    assert created
    staff = client_for(instructor)
    url = reverse("admin:gallery_report_change", args=[first.pk])
    response = staff.post(url, {"_reopen": "1"}, follow=True)
    assert response.status_code == 200
    assert "cannot be reopened" in response.content.decode()
    assert Report.objects.get(pk=first.pk).status == Report.Status.RESOLVED
    # The form's own Save (the old way to reopen, which answered 500) cannot change the status either.
    assert staff.post(url, {"status": "open", "_continue": "1"}).status_code == 302
    assert Report.objects.get(pk=first.pk).status == Report.Status.RESOLVED


def test_the_course_staff_are_told_of_a_new_report_on_site_and_by_email_once(entry, learner, peer, instructor, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment, report = _report_comment(entry, learner, peer)
    notice = Notification.objects.get(user=instructor, kind=Notification.Kind.MODERATION)
    assert notice.url == reverse("admin:gallery_report_change", args=[report.pk])
    assert notice.emailed_at is not None  # so the gallery digest does not send it again
    sent = [m for m in mail.outbox if instructor.email in m.to]
    assert len(sent) == 1 and "Unkind, against the rules." in sent[0].body
    assert services.notify_staff_of_report(report.pk) == 0  # a repeated task tells nobody twice
    assert Notification.objects.filter(user=instructor, kind=Notification.Kind.MODERATION).count() == 1
    assert not Notification.objects.filter(user=peer, kind=Notification.Kind.MODERATION).exists()


def test_staff_of_another_course_are_not_told_and_cannot_open_the_report(entry, learner, peer, instructor, django_capture_on_commit_callbacks):
    other = factories.make_course(slug="elsewhere", sessions=1)
    stranger = factories.make_instructor(email="stranger@example.com")
    StaffMember.objects.create(course=other, name="Stranger", role=StaffMember.Role.INSTRUCTOR, user=stranger)
    with django_capture_on_commit_callbacks(execute=True):
        comment, report = _report_comment(entry, learner, peer)
    assert not Notification.objects.filter(user=stranger).exists()
    staff = client_for(stranger)
    assert "Unkind" not in staff.get(reverse("admin:gallery_report_changelist")).content.decode()
    url = reverse("admin:gallery_report_change", args=[report.pk])
    assert staff.get(url).status_code == 302  # "does not exist": back to the index
    staff.post(url, {"_hide": "1"})
    assert not Comment.objects.get(pk=comment.pk).is_hidden


def test_the_admin_index_counts_the_open_reports_of_the_courses_taught(entry, learner, peer, instructor):
    _report_comment(entry, learner, peer)
    html = client_for(instructor).get(reverse("admin:index")).content.decode()
    assert 'id="teaching-desk"' in html
    assert "1</span> open report to settle" in html
    assert entry.course.title in html
    # The course's dashboard and review queue are one click from the admin's front page.
    assert reverse("studio:dashboard", args=[entry.course.slug]) in html
    assert reverse("reviews:queue", args=[entry.course.slug]) in html


def test_a_learner_reaches_no_report_page(entry, learner, peer):
    comment, report = _report_comment(entry, learner, peer)
    for url in (reverse("admin:gallery_report_change", args=[report.pk]), reverse("admin:index")):
        response = client_for(peer).get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    client_for(peer).post(reverse("admin:gallery_report_change", args=[report.pk]), {"_hide": "1"})
    assert not Comment.objects.get(pk=comment.pk).is_hidden
