"""The unsearched gallery list is cached for every learner (gallery.views._published_grid_html):
every change a learner could see on a card must show on the next visit."""

import re

from django.utils import timezone

from gallery import services
from gallery.models import Entry
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
    with django_assert_num_queries(3):  # session, enrollment, own entry: the cards are still cached
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


def test_the_cached_cards_follow_the_count_when_a_stale_count_expires(entry, make_entry, peer_client, course):
    """The count's own cache can hold a number read just before a publish committed (for its
    five minutes); the cards made from it must go with it."""
    from django.core.cache import cache

    from gallery.models import published_count_key

    url = f"/gallery/{course.slug}/"
    make_entry("A newer entry", published_at=timezone.now())
    cache.set(published_count_key(course.pk), 1, 300)  # what the race leaves behind
    assert "1 entry" in peer_client.get(url).content.decode()
    cache.delete(published_count_key(course.pk))  # its timeout passes
    assert "2 entries" in peer_client.get(url).content.decode()


def test_an_evicted_users_version_does_not_bring_back_an_old_name(entry, learner, peer_client, course):
    from django.core.cache import cache

    from accounts.backends import USERS_VERSION_KEY

    url = f"/gallery/{course.slug}/"
    cache.delete(USERS_VERSION_KEY)
    assert learner.public_name in peer_client.get(url).content.decode()
    learner.display_name = "Lee Renamed"
    learner.save(update_fields=["display_name"])
    cache.delete(USERS_VERSION_KEY)  # evicted
    html = peer_client.get(url).content.decode()
    assert "Lee Renamed" in html


def test_the_comment_threads_follow_a_renamed_course(entry, peer, peer_client, course):
    services.post_comment(entry, peer, "The audience research section is convincing.")
    old = f"/gallery/{course.slug}/"
    html = peer_client.get(entry.get_absolute_url()).content.decode()
    assert old in html[html.index('class="comment'):]
    course.slug = "micro-influence-renamed"
    course.save()
    entry.refresh_from_db()
    html = peer_client.get(entry.get_absolute_url()).content.decode()
    threads = html[html.index('class="comment'):]
    assert "/gallery/micro-influence-renamed/" in threads and old not in threads


def test_cached_html_with_signed_media_urls_expires_before_the_urls(settings):
    from gallery.views import _html_timeout

    assert _html_timeout(24 * 60 * 60) == 24 * 60 * 60  # local media: URLs do not expire
    settings.AWS_QUERYSTRING_AUTH, settings.AWS_QUERYSTRING_EXPIRE = True, 3600
    assert _html_timeout(24 * 60 * 60) == 1800 and _html_timeout(600) == 600
