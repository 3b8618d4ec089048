"""The gallery pages: comment form URLs, dates, CSRF inputs, and changes that show at once."""

import re

from django.template.defaultfilters import date
from django.test import Client
from django.urls import reverse
from django.utils.timezone import localtime

from gallery import services
from gallery.models import RulesAcceptance
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
    # One reply box for the page: each thread links to its own (?reply=<id>), which opens under it.
    assert f'href="?reply={own.pk}#reply-{own.pk}"' in html and 'name="parent"' not in html
    replying = client_for(peer).get(f"{entry.get_absolute_url()}?reply={own.pk}").content.decode()
    assert f'action="{reverse("gallery:comment", args=[slug, entry.pk])}#comment-{own.pk}"' in replying
    assert replying.count('name="parent"') == 1 and f'href="?reply={other.pk}#reply-{other.pk}"' in replying
    staff_html = client_for(instructor).get(entry.get_absolute_url()).content.decode()
    for comment in (own, other):
        assert f'action="{reverse("gallery:moderate_comment", args=[slug, entry.pk, comment.pk])}"' in staff_html


def test_every_form_on_the_entry_page_carries_a_token_that_is_accepted(entry, learner, peer):
    comment = services.post_comment(entry, learner, "Please report me")
    client = Client(enforce_csrf_checks=True)
    client.force_login(peer)
    html = client.get(entry.get_absolute_url()).content.decode()
    forms = re.findall(r'<form method="post".*?</form>', html, re.S)
    assert len(forms) >= 4  # log out, report the entry, report the comment, new comment
    assert all('name="csrfmiddlewaretoken"' in form for form in forms)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    url = reverse("gallery:report_comment", args=[entry.course.slug, entry.pk, comment.pk])
    assert client.post(url, {"reason": "Testing", "csrfmiddlewaretoken": token}).status_code == 302
    assert client.post(url, {"reason": "Testing"}).status_code == 403


def test_the_list_links_each_card_to_its_entry(entry, peer):
    html = client_for(peer).get(reverse("gallery:list", args=[entry.course.slug])).content.decode()
    assert f'href="{entry.get_absolute_url()}" class="entry-card-link"' in html
    published = localtime(entry.published_at)  # the page prints the site's time zone
    assert f'<time datetime="{date(published, "c")}">{date(published, "j M Y")}</time>' in html


def test_the_cached_entry_count_follows_publish_hide_and_unpublish(entry, peer_client, make_entry, course, instructor):
    def shown_count():
        html = peer_client.get(f"/gallery/{course.slug}/").content.decode()
        match = re.search(r"(\d+) entr(?:y|ies)", html)
        return int(match.group(1)) if match else 0

    assert shown_count() == 1
    other = make_entry("A second entry", is_published=True)
    assert shown_count() == 2  # a new entry forgets the cached 1
    services.moderate(other, hide=True, by=instructor)
    assert shown_count() == 1
    services.unpublish_entry(entry)
    assert shown_count() == 0
    other.delete()
    assert shown_count() == 0


def test_a_deleted_rules_acceptance_asks_for_the_rules_again(peer, peer_client, entry, course):
    assert 'name="accept_rules"' not in peer_client.get(entry.get_absolute_url()).content.decode()
    RulesAcceptance.objects.get(user=peer, course=course).delete()
    assert 'name="accept_rules"' in peer_client.get(entry.get_absolute_url()).content.decode()


def test_the_discussion_shows_new_edited_hidden_deleted_comments_and_renamed_authors_at_once(
    entry, peer, peer_client, learner, author_client, instructor
):
    url = entry.get_absolute_url()

    def page(client=author_client):
        return client.get(url).content.decode()

    assert "No comments yet" in page()  # cached for the author now
    comment = services.post_comment(entry, peer, "A first thought.")
    assert "A first thought." in page()
    services.edit_comment(comment, "A second thought.")
    assert "A second thought." in page() and "(edited)" in page()
    peer.display_name = "Olive Renamed"
    peer.save()
    assert "Olive Renamed" in page()
    services.moderate(comment, hide=True, by=instructor)
    assert "A second thought." not in page()
    services.moderate(comment, hide=False, by=instructor)
    services.delete_comment(comment)
    assert "No comments yet" in page()


def test_every_thread_form_carries_this_sessions_token(entry, peer, learner):
    services.post_comment(entry, learner, "Something to reply to.")
    url = entry.get_absolute_url()
    first = Client(enforce_csrf_checks=True)
    first.force_login(peer)
    first.get(url)
    second = Client(enforce_csrf_checks=True)
    second.force_login(peer)  # a new session: a new CSRF secret
    comment_id = re.search(r'href="\?reply=(\d+)#reply-', second.get(url).content.decode()).group(1)
    html = second.get(f"{url}?reply={comment_id}").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html.split('class="thread"', 1)[1]).group(1)
    assert re.search(r'name="parent" value="(\d+)"', html).group(1) == comment_id
    response = second.post(f"{url}comments/", {"csrfmiddlewaretoken": token, "parent": comment_id, "body": "A reply that is long enough."})
    assert response.status_code == 302


def test_an_empty_gallery_invites_a_first_entry_without_a_search_box(peer_client, course):
    url = reverse("gallery:list", args=[course.slug])
    html = peer_client.get(url).content.decode()
    assert "No one has published yet." in html and 'role="search"' not in html
    # After a search that found nothing the box stays, with the words typed, to try again.
    html = peer_client.get(url, {"q": "glaze"}).content.decode()
    assert 'role="search"' in html and 'value="glaze"' in html


def test_a_gallery_with_entries_can_be_searched_and_sorted(entry, peer_client):
    html = peer_client.get(reverse("gallery:list", args=[entry.course.slug])).content.decode()
    assert 'role="search"' in html and 'name="sort"' in html
