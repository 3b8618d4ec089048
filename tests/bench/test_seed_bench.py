"""bench/seed.py builds data the app itself would have written, at any size."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from badges.models import Award, BadgeClass
from bench import seed as bench_seed
from bench.seed import COURSE_SLUG, bench_learners
from courses.models import Enrollment, Lesson, SessionCompletion, recompute_enrollment_progress
from gallery.models import Comment, Entry
from portfolios.models import Answer, Portfolio


def seed(learners: int, *args) -> str:
    out = io.StringIO()
    call_command(bench_seed.Command(), "--learners", str(learners), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    seed(50)
    return Enrollment.objects.filter(user__in=bench_learners())


def test_seed_bench_creates_the_requested_counts(seeded):
    assert bench_learners().count() == 50
    assert seeded.count() == 50
    assert Answer.objects.filter(portfolio__enrollment__in=seeded).count() == 500
    assert Entry.objects.filter(author__in=bench_learners(), is_published=True).count() == 25
    assert Comment.objects.filter(author__in=bench_learners()).count() > 200
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Award.objects.filter(recipient__in=bench_learners()).count() > 50


def test_seeded_progress_is_what_the_progress_task_computes(seeded):
    """Recomputing with the app's own code changes neither the cached fields nor the session completions."""
    before = {
        e.pk: (e.completed_lessons, e.total_lessons, e.progress_percent, e.status,
               set(e.session_completions.values_list("session_id", flat=True)))
        for e in seeded
    }
    statuses = {state[3] for state in before.values()}
    assert statuses == {Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED}
    for enrollment_id in before:
        e = recompute_enrollment_progress(enrollment_id)
        after = (e.completed_lessons, e.total_lessons, e.progress_percent, e.status,
                 set(e.session_completions.values_list("session_id", flat=True)))
        assert after == before[enrollment_id]
    required = Lesson.objects.filter(session__course__slug=COURSE_SLUG, is_required=True).count()
    assert all(total == required for _, total, *_ in before.values())


def test_every_comment_count_matches_the_comments(seeded):
    entries = Entry.objects.filter(author__in=bench_learners()).annotate(n=Count("comments"))
    assert entries.exists()
    assert [(e.pk, e.comment_count) for e in entries] == [(e.pk, e.n) for e in entries]
    assert sum(e.comment_count for e in entries) == Comment.objects.filter(entry__in=entries).count()


def test_replies_belong_to_the_entry_of_their_parent_and_nobody_comments_at_top_level_on_their_own_entry(seeded):
    for reply in Comment.objects.filter(parent__isnull=False).select_related("parent"):
        assert reply.entry_id == reply.parent.entry_id
        assert reply.parent.parent_id is None
    assert not Comment.objects.filter(parent__isnull=True, author_id=F("entry__author_id")).exists()


def test_awards_follow_the_badge_rules_and_are_unique(seeded):
    awards = Award.objects.filter(recipient__in=bench_learners())
    pairs = list(awards.values_list("badge_id", "recipient_id"))
    assert len(pairs) == len(set(pairs))
    for badge in BadgeClass.objects.filter(course__slug=COURSE_SLUG, rule=BadgeClass.Rule.SESSION_COMPLETED):
        earned = set(awards.filter(badge=badge).values_list("recipient_id", flat=True))
        completed = set(
            SessionCompletion.objects.filter(
                session__number=badge.rule_param, enrollment__in=seeded
            ).values_list("enrollment__user_id", flat=True)
        )
        assert earned == completed
    finished = set(seeded.filter(status=Enrollment.Status.COMPLETED).values_list("user_id", flat=True))
    assert set(awards.filter(badge__rule=BadgeClass.Rule.COURSE_COMPLETED).values_list("recipient_id", flat=True)) == finished
    published = set(Entry.objects.filter(author__in=bench_learners()).values_list("author_id", flat=True))
    assert set(awards.filter(badge__rule=BadgeClass.Rule.PORTFOLIO_PUBLISHED).values_list("recipient_id", flat=True)) == published


def test_portfolios_exist_only_for_learners_who_reached_a_worksheet(seeded):
    with_portfolio = set(Portfolio.objects.filter(enrollment__in=seeded).values_list("enrollment_id", flat=True))
    assert with_portfolio
    assert not seeded.filter(pk__in=with_portfolio, completed_lessons=0).exists()
    assert Answer.objects.filter(portfolio__enrollment__in=seeded).exclude(value=None).count() == 500


def test_a_second_run_at_the_same_size_is_skipped_and_another_size_is_refused(seeded):
    assert "nothing to build" in seed(50)
    assert bench_learners().count() == 50
    with pytest.raises(CommandError, match="--reset"):
        seed(20)


def test_reset_deletes_the_bench_learners_and_builds_the_new_size(seeded):
    seed(20, "--reset")
    assert bench_learners().count() == 20
    assert Enrollment.objects.filter(user__in=bench_learners()).count() == 20
    assert Award.objects.filter(recipient__in=bench_learners()).count() > 0
    assert Entry.objects.filter(author__in=bench_learners()).count() == 10


def test_the_bare_view_answers_without_a_query(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):  # no session, no user, nothing
        response = client.get(reverse("core:bench_bare"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_bare_view_loads_nobody_for_a_signed_in_learner(db, client, learner, django_assert_num_queries):
    """The baseline is the same request a learner's page starts from: their session cookie, and the
    time-zone middleware waiting until something asks for the user."""
    client.force_login(learner)
    with django_assert_num_queries(0):
        assert client.get(reverse("core:bench_bare")).content == b"ok"


def test_the_course_page_runs_the_same_queries_with_5_and_with_50_learners(db, client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    url = reverse("courses:detail", args=[COURSE_SLUG])

    def queries_with(learners: int) -> int:
        seed(learners, "--reset")
        learner = bench_learners().get(username="bench-1")
        client.force_login(learner)
        client.get(url)  # warm any per-process caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries_with(5) == queries_with(50)
