import re

import pytest
from django.contrib.admin.sites import site
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Notification
from gallery import services
from gallery.models import Comment, Entry, Report
from tests.gallery.conftest import client_for


def test_a_learner_reports_a_comment_with_a_reason(peer_client, entry, learner):
    comment = services.post_comment(entry, learner, "Buy followers at spam.example")
    response = peer_client.post(
        reverse("gallery:report_comment", args=[entry.course.slug, entry.pk, comment.pk]), {"reason": "Spam link"}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.comment, report.entry, report.reason, report.status) == (comment, entry, "Spam link", "open")


def test_a_report_without_a_reason_is_refused_with_a_message(peer_client, entry):
    response = peer_client.post(reverse("gallery:report_entry", args=[entry.course.slug, entry.pk]), {"reason": ""}, follow=True)
    assert "Please say why you are reporting this" in response.content.decode()
    assert not Report.objects.exists()


def test_reporting_the_same_thing_again_while_it_is_open_makes_no_second_report(peer_client, peer, entry, learner):
    comment = services.post_comment(entry, learner, "Buy followers at spam.example")
    comment_report = reverse("gallery:report_comment", args=[entry.course.slug, entry.pk, comment.pk])
    entry_report = reverse("gallery:report_entry", args=[entry.course.slug, entry.pk])
    for _ in range(3):
        peer_client.post(comment_report, {"reason": "Spam link"})
        peer_client.post(entry_report, {"reason": "Off topic"})
    again = peer_client.post(comment_report, {"reason": "Still spam"}, follow=True).content.decode()
    assert "You have already reported this comment. A moderator will look at it." in again
    assert sorted(Report.objects.values_list("reason", flat=True)) == ["Off topic", "Spam link"]


def test_a_new_report_is_possible_once_the_earlier_one_is_resolved(peer_client, peer, entry, instructor):
    url = reverse("gallery:report_entry", args=[entry.course.slug, entry.pk])
    peer_client.post(url, {"reason": "Off topic"})
    services.resolve_reports(Report.objects.all(), instructor)
    peer_client.post(url, {"reason": "Off topic again"})
    assert Report.objects.filter(status=Report.Status.OPEN).get().reason == "Off topic again"


def test_the_database_holds_one_open_report_per_reporter_and_target(peer, entry, learner):
    comment = services.post_comment(entry, learner, "Rude")
    Report.objects.create(reporter=peer, entry=entry, reason="a")
    Report.objects.create(reporter=peer, entry=entry, comment=comment, reason="b")
    for target in ({}, {"comment": comment}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(reporter=peer, entry=entry, reason="again", **target)


def test_a_flood_of_reports_is_slowed_down_with_the_reason_kept(peer_client, entry, make_entry, learner, clock):
    others = [make_entry(f"Entry {n}") for n in range(6)]
    for other in others[:5]:
        response = peer_client.post(reverse("gallery:report_entry", args=[entry.course.slug, other.pk]), {"reason": "Spam"})
        assert response.status_code == 302
    last = others[5]
    response = peer_client.post(reverse("gallery:report_entry", args=[entry.course.slug, last.pk]), {"reason": "The sixth, kept"})
    html = response.content.decode()
    assert response.status_code == 429
    assert "You are sending reports faster than we allow (5 reports a minute, 20 an hour)" in html
    assert re.search(r'<details class="report" open>.*?>The sixth, kept</textarea>', html, re.S)
    assert Report.objects.count() == 5


def test_a_comment_report_over_the_limit_comes_back_in_its_own_box(peer_client, entry, make_entry, learner):
    for n in range(5):
        other = make_entry(f"Entry {n}")
        peer_client.post(reverse("gallery:report_entry", args=[entry.course.slug, other.pk]), {"reason": "Spam"})
    comment = services.post_comment(entry, learner, "Rude")
    url = reverse("gallery:report_comment", args=[entry.course.slug, entry.pk, comment.pk])
    html = peer_client.post(url, {"reason": "Rude, kept"}).content.decode()
    box = re.search(rf'<details class="report" open>.*?id="report-reason-comment-{comment.pk}"[^>]*>(.*?)</textarea>', html, re.S)
    assert box and box.group(1) == "Rude, kept"


def test_an_instructor_hides_a_comment_from_the_entry_page_and_it_disappears_for_learners(entry, learner, peer, instructor):
    comment = services.post_comment(entry, learner, "Something rude")
    Report.objects.create(reporter=peer, entry=entry, comment=comment, reason="Rude")
    staff = client_for(instructor)
    assert "Hide comment" in staff.get(entry.get_absolute_url()).content.decode()
    response = staff.post(
        reverse("gallery:moderate_comment", args=[entry.course.slug, entry.pk, comment.pk]), {"action": "hide"}, follow=True
    )
    assert "The comment is hidden from learners. 1 open report on it resolved." in response.content.decode()
    assert "Something rude" not in client_for(peer).get(entry.get_absolute_url()).content.decode()
    staff_html = staff.get(entry.get_absolute_url()).content.decode()
    assert "Something rude" in staff_html and "Hidden by a moderator" in staff_html
    assert Report.objects.get().status == Report.Status.RESOLVED
    assert Entry.objects.get(pk=entry.pk).comment_count == 0
    assert Notification.objects.filter(user=learner, kind=Notification.Kind.MODERATION).exists()


def test_an_instructor_restores_a_hidden_comment(entry, learner, instructor, peer):
    comment = services.post_comment(entry, learner, "Fine after all")
    services.moderate(comment, hide=True, by=instructor)
    client_for(instructor).post(
        reverse("gallery:moderate_comment", args=[entry.course.slug, entry.pk, comment.pk]), {"action": "restore"}
    )
    assert "Fine after all" in client_for(peer).get(entry.get_absolute_url()).content.decode()
    assert Entry.objects.get(pk=entry.pk).comment_count == 1


def test_an_instructor_hides_an_entry(entry, instructor, peer):
    client_for(instructor).post(reverse("gallery:moderate_entry", args=[entry.course.slug, entry.pk]), {"action": "hide"})
    assert Entry.objects.get(pk=entry.pk).is_hidden
    assert client_for(peer).get(entry.get_absolute_url()).status_code == 404


def test_moderation_records_who_hid_or_restored_and_when(entry, learner, instructor, admin_user):
    comment = services.post_comment(entry, learner, "Borderline")
    services.moderate(comment, hide=True, by=instructor)
    services.moderate(entry, hide=True, by=instructor)
    hidden = Comment.objects.get(pk=comment.pk)
    assert (hidden.moderated_by, Entry.objects.get(pk=entry.pk).moderated_by) == (instructor, instructor)
    assert hidden.moderated_at is not None
    services.moderate(hidden, hide=False, by=admin_user)
    assert Comment.objects.get(pk=comment.pk).moderated_by == admin_user


def test_hiding_resolves_the_open_reports_on_that_item_only(entry, learner, peer, instructor):
    comment = services.post_comment(entry, learner, "Rude")
    on_comment = Report.objects.create(reporter=peer, entry=entry, comment=comment, reason="Rude")
    on_entry = Report.objects.create(reporter=peer, entry=entry, reason="Off topic")
    assert services.moderate(comment, hide=True, by=instructor) == 1
    on_comment.refresh_from_db(), on_entry.refresh_from_db()
    assert (on_comment.status, on_comment.resolved_by, on_entry.status) == (Report.Status.RESOLVED, instructor, Report.Status.OPEN)
    assert services.moderate(comment, hide=False, by=instructor) == 0


def test_staff_outside_the_instructors_group_cannot_hide_from_the_page(entry, user_factory, learner):
    comment = services.post_comment(entry, learner, "Stays")
    helper = user_factory(is_staff=True)
    response = client_for(helper).post(
        reverse("gallery:moderate_comment", args=[entry.course.slug, entry.pk, comment.pk]), {"action": "hide"}
    )
    assert response.status_code == 404  # not the course's staff, not enrolled: the gallery is not theirs at all
    assert not Comment.objects.get(pk=comment.pk).is_hidden


def test_admin_lists_open_reports_and_its_actions_hide_restore_and_resolve(entry, learner, peer, admin_user, rf):
    comment = services.post_comment(entry, learner, "Reported text")
    open_report = Report.objects.create(reporter=peer, entry=entry, comment=comment, reason="Off topic")
    entry_report = Report.objects.create(reporter=peer, entry=entry, reason="Not sure")
    Report.objects.create(reporter=peer, entry=entry, reason="Old", status=Report.Status.RESOLVED)
    admin = client_for(admin_user)
    changelist = reverse("admin:gallery_report_changelist")
    html = admin.get(changelist).content.decode()
    assert "Off topic" in html and ">Old<" not in html  # open ones by default
    assert "Old" in admin.get(changelist + "?status=all").content.decode()

    def act(action, report, query=""):
        return admin.post(changelist + query, {"action": action, "_selected_action": [report.pk]}, follow=True)

    # Hiding is moderation, as on the entry page: the item's open reports are resolved with it.
    assert "1 open report on them resolved" in act("hide_item", open_report).content.decode()
    assert Comment.objects.get(pk=comment.pk).is_hidden
    open_report.refresh_from_db()
    assert open_report.status == Report.Status.RESOLVED and open_report.resolved_by == admin_user
    act("restore_item", open_report, "?status=resolved")
    assert not Comment.objects.get(pk=comment.pk).is_hidden
    act("resolve", entry_report)  # nothing to hide: the report is closed as it is
    entry_report.refresh_from_db()
    assert entry_report.status == Report.Status.RESOLVED and entry_report.resolved_by == admin_user
    assert not Entry.objects.get(pk=entry.pk).is_hidden
    assert site.is_registered(Report)


def test_hiding_an_entry_on_its_admin_form_is_moderation(entry, peer, admin_user):
    Report.objects.create(reporter=peer, entry=entry, reason="Spam")
    admin = client_for(admin_user)
    url = reverse("admin:gallery_entry_change", args=[entry.pk])
    data = {"title": entry.title, "summary": entry.summary, "critical_evaluation": entry.critical_evaluation,
            "is_published": "on", "is_hidden": "on"}
    assert admin.post(url, data).status_code == 302
    hidden = Entry.objects.get(pk=entry.pk)
    assert hidden.is_hidden and hidden.moderated_by == admin_user
    assert Report.objects.get().status == Report.Status.RESOLVED
    assert Notification.objects.filter(user=entry.author, kind=Notification.Kind.MODERATION).exists()


def test_instructors_can_use_the_report_admin(entry, learner, peer, instructor):
    comment = services.post_comment(entry, learner, "Reported text")
    report = Report.objects.create(reporter=peer, entry=entry, comment=comment, reason="Off topic")
    staff = client_for(instructor)
    changelist = reverse("admin:gallery_report_changelist")
    assert "Off topic" in staff.get(changelist).content.decode()
    staff.post(changelist, {"action": "hide_item", "_selected_action": [report.pk]})
    assert Comment.objects.get(pk=comment.pk).is_hidden


def test_staff_may_hide_an_entry_but_not_publish_or_rewrite_it(entry, admin_user):
    from gallery.services import unpublish_entry

    unpublish_entry(entry)
    admin = client_for(admin_user)
    url = reverse("admin:gallery_entry_change", args=[entry.pk])
    data = {"title": "Rewritten", "summary": "Rewritten", "critical_evaluation": "Rewritten", "is_published": "on"}
    assert admin.post(url, data).status_code == 302
    kept = Entry.objects.get(pk=entry.pk)
    assert kept.title == entry.title and kept.summary == entry.summary and not kept.is_published


def test_the_entry_admin_shows_what_people_see_and_none_of_the_sites_bookkeeping(entry, instructor):
    page = client_for(instructor).get(reverse("admin:gallery_entry_change", args=[entry.pk])).content.decode()
    assert entry.title in page and 'name="is_hidden"' in page
    for internal in ("cover_small", "cover_medium", "cover_large", "cover_width", "snapshot", "pdf_hash", "attachment_name"):
        assert f'name="{internal}"' not in page and f"field-{internal}" not in page, internal


def test_staff_see_which_comments_are_reported_and_learners_do_not(entry, learner, peer, instructor):
    reported = services.post_comment(entry, learner, "Reported text")
    reply = services.post_comment(entry, learner, "A reported reply", parent=reported)
    Report.objects.create(reporter=peer, entry=entry, comment=reported, reason="Off topic")
    Report.objects.create(reporter=peer, entry=entry, comment=reply, reason="Rude")
    staff = client_for(instructor).get(entry.get_absolute_url()).content.decode()
    assert staff.count("Reported: 1 open report") == 2
    assert f"/admin/gallery/report/?comment__id__exact={reported.pk}" in staff
    assert "Send report" not in staff  # staff hide, they do not report to themselves
    assert client_for(instructor).get(f"/admin/gallery/report/?comment__id__exact={reported.pk}").status_code == 200
    learners = client_for(peer).get(entry.get_absolute_url()).content.decode()
    assert "open report" not in learners and "Send report" in learners
