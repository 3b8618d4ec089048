"""The gallery pages run a fixed number of queries however many entries and comments there are."""

import pytest
from django.utils import timezone

from accounts.models import User
from courses.models import Enrollment
from gallery.models import Comment, Entry
from portfolios.models import Portfolio
from tests.gallery.conftest import EVALUATION, SUMMARY, client_for


def bulk_entries(course, count: int) -> None:
    offering = course.offerings.first()
    users = User.objects.bulk_create(
        [User(email=f"bulk{n}@example.com", username=f"bulk{n}", display_name=f"Bulk {n}") for n in range(count)]
    )
    enrollments = Enrollment.objects.bulk_create(
        [Enrollment(user=u, course=course, offering=offering, started_at=timezone.now()) for u in users]
    )
    portfolios = Portfolio.objects.bulk_create([Portfolio(enrollment=e) for e in enrollments])
    Entry.objects.bulk_create(
        [
            Entry(portfolio=p, course=course, author=u, title=f"Entry {n}", summary=SUMMARY, critical_evaluation=EVALUATION,
                  comment_count=n % 7, cover_small=f"gallery/cover{n}.jpg" if n % 2 else "")
            for n, (p, u) in enumerate(zip(portfolios, users, strict=True))
        ]
    )


def bulk_comments(entry, authors, count: int) -> None:
    tops = Comment.objects.bulk_create(
        [Comment(entry=entry, author=authors[n % len(authors)], body=f"Comment {n}", body_html=f"<p>Comment {n}</p>")
         for n in range(count // 2)]
    )
    Comment.objects.bulk_create(
        [Comment(entry=entry, author=authors[n % len(authors)], parent=tops[n % len(tops)], body=f"Reply {n}",
                 body_html=f"<p>Reply {n}</p>") for n in range(count - count // 2)]
    )


def grid(response) -> str:
    html = response.content.decode()
    return html[html.index('<ul class="entry-grid">'):html.index("</ul>", html.index('<ul class="entry-grid">'))]


# session, user (+the header's unread count), enrollment (+course), the viewer's own entry, the
# entries' count, the page of entries (+authors) (nothing is cached per viewer, so the first page
# of a visit costs the same)
LIST_QUERIES = 6
FIRST_VIEW = 0
# The unsearched list reads what names its cached cards, the (pk, updated_at) of the entries on
# the page, from the sort's index: one query more on a miss, and in place of the page of entries
# (+authors) once the cards are in the cache.
LIST_QUERIES_SHARED = LIST_QUERIES + 1
LIST_QUERIES_CACHED = LIST_QUERIES


@pytest.mark.parametrize("count", [5, 500])
def test_gallery_list_query_count_does_not_grow_with_entries(peer, course, count, django_assert_num_queries):
    bulk_entries(course, count)
    client = client_for(peer)
    url = f"/gallery/{course.slug}/"
    with django_assert_num_queries(LIST_QUERIES_SHARED + FIRST_VIEW):
        response = client.get(url)
    assert response.status_code == 200
    assert "Entry" in response.content.decode()
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(url + "?sort=discussed&q=Bulk&page=2").status_code == 200
    client.get(url + "?sort=discussed")
    with django_assert_num_queries(LIST_QUERIES_CACHED):
        again = client.get(url)
    assert grid(again) == grid(response) and grid(again).count('<li class="entry-card') == min(count, 24)


# session, user (+the header's unread count), enrollment (+course), the entry (+author, course),
# the viewer's rules acceptance, the discussion's thread count, one page of threads (+authors),
# their replies (+authors); the entry's body is cached, but a miss reads nothing more (the entry
# row holds it)
ENTRY_QUERIES = 8


def comments_on(response) -> int:
    html = response.content.decode()
    return html.count('class="comment ') + html.count('class="comment"')


@pytest.mark.parametrize("count", [2, 300])
def test_entry_page_query_count_does_not_grow_with_comments(entry, peer, learner, count, django_assert_num_queries):
    bulk_comments(entry, [peer, learner], count)
    client = client_for(peer)
    url = entry.get_absolute_url()
    with django_assert_num_queries(ENTRY_QUERIES + FIRST_VIEW):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(ENTRY_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    # count / 2 threads of a comment and its reply, 50 threads a page; a page past the end shows the last
    assert comments_on(response) == min(count, 100)
    with django_assert_num_queries(ENTRY_QUERIES):
        last = client.get(url + "?page=3")
    assert comments_on(last) == min(count, 100)
