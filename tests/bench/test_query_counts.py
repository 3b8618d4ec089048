"""Query budgets of every key page on the bench dataset (bench/seed.py): at most 12, and the same at any size.

Each page is counted exactly as `make bench` counts it (bench.run.count_queries: the second
request of a logged-in bench learner, after a warm-up request), first with 100 learners, then
after re-seeding with 10,000 (BENCH_QUERY_TEST_LEARNERS sets another size).
"""

import io
import os

from django.core.management import call_command
from django.urls import reverse

from bench import run
from bench import seed as bench_seed

BUDGET = 12
# The staff pages read more kinds of figure (the dashboard: per-offering figures, the funnel, the
# stuck learners, and the sections portfolios and the gallery add); they too stay the same at any size.
STAFF_BUDGET = 20
LARGE = int(os.environ.get("BENCH_QUERY_TEST_LEARNERS") or 10000)


def seed(learners: int, *args) -> None:
    call_command(bench_seed.Command(), "--learners", str(learners), *args, stdout=io.StringIO())


STAFF_PAGES = {page.label for page in run.PAGES if page.as_staff}


def page_query_counts() -> dict[str, int]:
    ctx = run.build_context()
    counts = {}
    for page in run.PAGES[1:]:  # every key page; the bare baseline runs none
        url = reverse(page.url_name, args=page.args(ctx))
        status, queries = run.count_queries(page, url, ctx)
        assert status == 200, f"{page.label} answered HTTP {status}"
        counts[page.label] = queries
    run.cleanup(ctx)
    return counts


def test_every_key_page_keeps_its_query_count_from_100_to_many_learners(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    seed(100)
    small = page_query_counts()
    seed(LARGE, "--reset")
    large = page_query_counts()
    # Measured (SQLite, database sessions, so each count includes the session row; a warm-up
    # request first). Every logged-in page reads the user, whose row holds the header's unread count, in one
    # query: course page 4 (session, user, course, enrollment), My learning 4 (session, user,
    # enrollments, completions), outline, session and lesson 4 each (session, user, enrollment,
    # completions); worksheet 5, autosave 9 (a learner's first save, who has no portfolio yet),
    # portfolio 6, gallery list 6 (session, user, enrollment, own entry, count, the page's
    # (pk, updated_at); the cards are cached), gallery entry 8 (session, user, enrollment, entry,
    # rules acceptance, thread count, one page of threads, their replies; comments are not
    # cached), My badges 6 (with the certificates), public badge page 3. The course dashboard, as
    # the course's instructor: session, user, their permissions (2), the course, its offerings, the
    # per-offering figures, the lesson funnel, the stuck learners and their count, the reviews (3)
    # and the gallery (3) sections, the newest announcements.
    assert all(count <= (STAFF_BUDGET if label in STAFF_PAGES else BUDGET) for label, count in large.items()), large
    print(f"query counts, 100 learners: {small}\n{LARGE} learners: {large}")
    assert large == small
