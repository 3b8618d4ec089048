"""The unsearched gallery list is a fragment cached for every learner (templates/gallery/entry_list.html):
every change a learner could see on a card must show on the next visit."""

import re

from django.utils import timezone

from core.cache import TIMEOUT, fragment_timeout
from gallery import services
from gallery.models import Entry
from tests import factories
from tests.gallery.conftest import client_for


def cards(response) -> list[str]:
    return re.findall(r'<span class="entry-title">([^<]*)</span>', response.content.decode())


def test_a_new_comment_changes_the_cards_count(entry, peer, peer_client, course):
    url = f"/gallery/{course.slug}/"
    assert "0 comments" in peer_client.get(url).content.decode()
    services.post_comment(entry, peer, "The audience research section is convincing.")
    assert "1 comment" in peer_client.get(url).content.decode()


def test_publishing_hiding_and_unpublishing_change_the_list(entry, make_entry, peer_client, course, instructor):
    url = f"/gallery/{course.slug}/"
    assert cards(peer_client.get(url)) == [entry.title]
    newer = make_entry("A newer entry", published_at=timezone.now())
    assert cards(peer_client.get(url)) == ["A newer entry", entry.title]
    newer.is_hidden = True
    newer.save()
    assert cards(peer_client.get(url)) == [entry.title]
    services.unpublish_entry(entry)
    assert cards(peer_client.get(url)) == []


def test_a_renamed_author_shows_on_their_card(entry, learner, peer_client, course):
    url = f"/gallery/{course.slug}/"
    assert learner.public_name in peer_client.get(url).content.decode()
    learner.display_name = "Lee Renamed"
    learner.save(update_fields=["display_name"])
    assert "Lee Renamed" in peer_client.get(url).content.decode()


def test_a_login_does_not_empty_the_html_caches(entry, learner, peer, course, django_assert_num_queries):
    url = f"/gallery/{course.slug}/"
    client = client_for(peer)
    client.get(url)
    learner.last_login = timezone.now()
    learner.save(update_fields=["last_login"])  # what every login does
    # session, user (+unread count), enrollment, own entry, the cards' count, the (pk, updated_at)
    # of the page's entries: no cards
    with django_assert_num_queries(6):
        client.get(url)


def test_the_sorts_and_pages_are_cached_apart(make_entry, peer_client, course, settings):
    for n in range(30):
        make_entry(f"Entry {n:02d}", published_at=timezone.now() - timezone.timedelta(hours=n), comment_count=n % 4)
    url = f"/gallery/{course.slug}/"
    first, second = cards(peer_client.get(url)), cards(peer_client.get(url + "?page=2"))
    assert first == [f"Entry {n:02d}" for n in range(24)] and second == [f"Entry {n:02d}" for n in range(24, 30)]
    discussed = cards(peer_client.get(url + "?sort=discussed"))
    expected = [e.title for e in Entry.objects.filter(course=course).order_by("-comment_count", "-published_at", "-pk")[:24]]
    assert discussed == expected != first
    # What the paginator makes of a bad page number: the first page, or the last one.
    assert cards(peer_client.get(url + "?page=abc")) == first
    assert cards(peer_client.get(url + "?page=99")) == second
    assert "Page 2 of 2" in peer_client.get(url + "?page=99").content.decode()


def test_a_learner_whose_entry_is_hidden_still_sees_it_listed(entry, author_client, peer_client, course):
    entry.is_hidden = True
    entry.save()
    url = f"/gallery/{course.slug}/"
    assert cards(peer_client.get(url)) == []
    html = author_client.get(url).content.decode()
    assert entry.title in html and "Hidden by a moderator" in html


def test_a_full_profile_save_renames_on_the_cards_and_a_new_user_touches_nothing(entry, learner, peer_client, course):
    url = f"/gallery/{course.slug}/"
    peer_client.get(url)
    learner.first_name, learner.display_name = "Leeanne", ""
    learner.save()  # the profile form saves every field
    assert "Leeanne" in peer_client.get(url).content.decode()
    before = Entry.objects.get(pk=entry.pk).updated_at
    factories.make_user(display_name="Newcomer")
    assert Entry.objects.get(pk=entry.pk).updated_at == before


def test_a_comment_on_another_page_of_the_grid_shows_its_new_count(make_entry, peer, peer_client, course):
    entries = [make_entry(f"Entry {n:02d}", published_at=timezone.now() - timezone.timedelta(hours=n)) for n in range(30)]
    url = f"/gallery/{course.slug}/?page=2"
    assert "1 comment" not in peer_client.get(url).content.decode()
    services.post_comment(entries[-1], peer, "Late to the party, but a fine plan.")
    assert "1 comment<" in peer_client.get(url).content.decode()


def test_the_cards_follow_a_renamed_course(entry, peer_client, course):
    old = f"/gallery/{course.slug}/"
    assert f'href="{old}{entry.pk}/"' in peer_client.get(old).content.decode()
    course.slug = "micro-influence-renamed"
    course.save()
    html = peer_client.get("/gallery/micro-influence-renamed/").content.decode()
    assert f'href="/gallery/micro-influence-renamed/{entry.pk}/"' in html and f'href="{old}{entry.pk}/"' not in html


def test_cached_html_with_signed_media_urls_expires_before_the_urls(settings):
    assert fragment_timeout() == TIMEOUT  # local media: URLs do not expire
    settings.AWS_QUERYSTRING_AUTH, settings.AWS_QUERYSTRING_EXPIRE = True, 3600
    assert fragment_timeout() == 1800
