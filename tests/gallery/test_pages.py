"""The gallery pages' hand-written parts: comment form URLs, dates and CSRF inputs match what Django would give."""

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from django.test import Client
from django.urls import reverse

from core.jinja2 import date
from gallery import services
from gallery.views import _format_dates
from tests.gallery.conftest import client_for


def test_comment_forms_post_to_the_urls_django_reverses(entry, learner, peer, instructor):
    own = services.post_comment(entry, peer, "My own remark")
    other = services.post_comment(entry, learner, "The author answers")
    slug = entry.course.slug
    html = client_for(peer).get(entry.get_absolute_url()).content.decode()
    assert f'href="{reverse("gallery:comment_edit", args=[slug, entry.pk, own.pk])}"' in html
    assert f'action="{reverse("gallery:comment_delete", args=[slug, entry.pk, own.pk])}"' in html
    assert f'action="{reverse("gallery:report_comment", args=[slug, entry.pk, other.pk])}"' in html
    assert f'action="{reverse("gallery:report_entry", args=[slug, entry.pk])}"' in html
    assert f'action="{reverse("gallery:comment", args=[slug, entry.pk])}#comment-{own.pk}"' in html
    staff_html = client_for(instructor).get(entry.get_absolute_url()).content.decode()
    for comment in (own, other):
        assert f'action="{reverse("gallery:moderate_comment", args=[slug, entry.pk, comment.pk])}"' in staff_html


def test_every_form_on_the_entry_page_carries_a_token_that_is_accepted(entry, learner, peer):
    comment = services.post_comment(entry, learner, "Please report me")
    client = Client(enforce_csrf_checks=True)
    client.force_login(peer)
    html = client.get(entry.get_absolute_url()).content.decode()
    forms = re.findall(r'<form method="post".*?</form>', html, re.S)
    assert len(forms) >= 4  # log out, report the entry, report the comment, reply, new comment
    assert all('name="csrfmiddlewaretoken"' in form for form in forms)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    url = reverse("gallery:report_comment", args=[entry.course.slug, entry.pk, comment.pk])
    assert client.post(url, {"reason": "Testing", "csrfmiddlewaretoken": token}).status_code == 302
    assert client.post(url, {"reason": "Testing"}).status_code == 403


def test_the_list_links_each_card_to_its_entry(entry, peer):
    html = client_for(peer).get(reverse("gallery:list", args=[entry.course.slug])).content.decode()
    assert f'href="{entry.get_absolute_url()}" class="entry-card-link"' in html
    assert f'<time datetime="{date(entry.published_at, "c")}">{date(entry.published_at, "j M Y")}</time>' in html


def test_dates_are_formatted_as_the_date_filter_formats_them(settings):
    settings.TIME_ZONE = "Australia/Sydney"
    moments = [
        datetime(2026, 4, 4, 15, 59, 59, 999999, tzinfo=UTC),  # the hour before daylight saving ends in Sydney
        datetime(2026, 4, 4, 16, 0, tzinfo=UTC),
        datetime(2026, 10, 3, 15, 30, tzinfo=UTC),  # and when it starts
        datetime(2026, 12, 31, 13, 5, 7, tzinfo=UTC),  # the new year, local time
        datetime(2027, 1, 9, 0, 0, tzinfo=UTC),
    ]
    moments += [moments[-1] + timedelta(days=31 * n, minutes=n) for n in range(1, 12)]
    rows = [SimpleNamespace(created_at=m) for m in moments]
    _format_dates(rows, "created_at", with_time=True)
    for row in rows:
        assert row.created_at_iso == date(row.created_at, "c")
        assert row.created_at_text == date(row.created_at, "j M Y, H:i")
    _format_dates(rows, "created_at", with_time=False)
    assert [row.created_at_text for row in rows] == [date(m, "j M Y") for m in moments]


def test_the_cached_entry_count_follows_publish_hide_and_unpublish(entry, peer_client, make_entry, course):
    from gallery.services import set_entry_hidden, unpublish_entry

    def shown_count():
        html = peer_client.get(f"/gallery/{course.slug}/").content.decode()
        match = re.search(r"(\d+) entr(?:y|ies)", html)
        return int(match.group(1)) if match else 0

    assert shown_count() == 1
    other = make_entry("A second entry", is_published=True)
    assert shown_count() == 2  # a new entry forgets the cached 1
    set_entry_hidden(other, True)
    assert shown_count() == 1
    unpublish_entry(entry)
    assert shown_count() == 0
    other.delete()
    assert shown_count() == 0


def test_a_remembered_rules_acceptance_is_forgotten_when_the_row_is_deleted(peer, course):
    from gallery.models import RulesAcceptance
    from gallery.services import has_accepted_rules

    assert has_accepted_rules(peer, course)
    assert has_accepted_rules(peer, course)  # now from the cache
    RulesAcceptance.objects.get(user=peer, course=course).delete()
    assert not has_accepted_rules(peer, course)


def test_the_cached_threads_follow_new_edited_hidden_deleted_comments_and_renamed_authors(
    entry, peer, peer_client, learner, author_client
):
    from gallery.services import delete_comment, edit_comment, post_comment, set_comment_hidden

    url = entry.get_absolute_url()

    def page(client=author_client):
        return client.get(url).content.decode()

    assert "No comments yet" in page()  # cached for the author now
    comment = post_comment(entry, peer, "A first thought.")
    assert "A first thought." in page()
    edit_comment(comment, "A second thought.")
    assert "A second thought." in page() and "(edited)" in page()
    peer.display_name = "Olive Renamed"
    peer.save()
    assert "Olive Renamed" in page()
    set_comment_hidden(comment, True)
    assert "A second thought." not in page()
    set_comment_hidden(comment, False)
    delete_comment(comment)
    assert "No comments yet" in page()


def test_every_cached_thread_form_carries_this_sessions_token(entry, peer, learner):
    from django.test import Client

    from gallery.services import post_comment

    post_comment(entry, learner, "Something to reply to.")
    url = entry.get_absolute_url()
    first = Client(enforce_csrf_checks=True)
    first.force_login(peer)
    first.get(url)  # fills the cache for this viewer
    second = Client(enforce_csrf_checks=True)
    second.force_login(peer)  # a new session: a new CSRF secret
    html = second.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html.split('class="thread"', 1)[1]).group(1)
    comment_id = re.search(r'name="parent" value="(\d+)"', html).group(1)
    response = second.post(f"{url}comments/", {"csrfmiddlewaretoken": token, "parent": comment_id, "body": "A reply that is long enough."})
    assert response.status_code == 302
