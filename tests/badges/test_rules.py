from django.core import mail

from accounts.models import Notification
from badges.models import Award, BadgeClass
from badges.services import award_badge, evaluate_badges_for, revoke_award
from badges.tasks import evaluate_badges, reconcile_awards
from courses.models import Enrollment, Lesson
from courses.services import complete_lesson
from gallery.models import Comment, Entry
from portfolios.models import Portfolio, Worksheet, WorksheetSubmission
from tests import factories
from tests.badges.conftest import complete_session

Rule = BadgeClass.Rule


def _publish_entry(enrollment) -> Entry:
    portfolio, _ = Portfolio.objects.get_or_create(enrollment=enrollment)
    return Entry.objects.create(
        portfolio=portfolio,
        course=enrollment.course,
        author=enrollment.user,
        title=f"Strategy of {enrollment.user.public_name}",
        summary="My plan.",
        critical_evaluation="What worked.",
    )


def _submit_worksheet(enrollment, step: int) -> None:
    lesson = Lesson.objects.filter(session__course=enrollment.course).order_by("pk")[step - 1]
    worksheet = Worksheet.objects.create(
        course=enrollment.course, lesson=lesson, slug=f"step-{step}", title=f"Strategy Step #{step}", step=step
    )
    portfolio, _ = Portfolio.objects.get_or_create(enrollment=enrollment)
    WorksheetSubmission.objects.create(portfolio=portfolio, worksheet=worksheet)


def _awarded(user) -> set[str]:
    return set(Award.objects.filter(recipient=user).values_list("badge__slug", flat=True))


def test_session_badge_is_awarded_when_its_session_is_completed(enrollment, learner, course, make_badge):
    make_badge(course, rule=Rule.SESSION_COMPLETED, rule_param=1, slug="s1")
    make_badge(course, rule=Rule.SESSION_COMPLETED, rule_param=2, slug="s2")
    assert evaluate_badges_for(learner.pk, course.pk) == []

    complete_session(enrollment, 1)
    new = evaluate_badges_for(learner.pk, course.pk)

    assert [a.badge.slug for a in new] == ["s1"]
    assert _awarded(learner) == {"s1"}


def test_session_completion_through_lessons_awards_the_badge_via_the_progress_task(
    enrollment, learner, course, session_badge, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in Lesson.objects.filter(session__course=course, session__number=1):
            complete_lesson(enrollment, lesson)

    assert _awarded(learner) == {session_badge.slug}


def test_course_badge_is_awarded_only_once_the_course_is_completed(enrollment, learner, course, make_badge):
    make_badge(course, rule=Rule.COURSE_COMPLETED, slug="done")
    assert evaluate_badges_for(learner.pk, course.pk) == []

    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.COMPLETED)

    assert [a.badge.slug for a in evaluate_badges_for(learner.pk, course.pk)] == ["done"]


def test_worksheet_badge_needs_the_submission_of_that_step(enrollment, learner, course, make_badge):
    make_badge(course, rule=Rule.WORKSHEET_SUBMITTED, rule_param=2, slug="step-two")
    _submit_worksheet(enrollment, 1)
    assert evaluate_badges_for(learner.pk, course.pk) == []

    _submit_worksheet(enrollment, 2)

    assert [a.badge.slug for a in evaluate_badges_for(learner.pk, course.pk)] == ["step-two"]


def test_portfolio_badge_needs_a_published_visible_entry(enrollment, learner, course, make_badge):
    make_badge(course, rule=Rule.PORTFOLIO_PUBLISHED, slug="exhibitor")
    entry = _publish_entry(enrollment)
    Entry.objects.filter(pk=entry.pk).update(is_hidden=True)
    assert evaluate_badges_for(learner.pk, course.pk) == []

    Entry.objects.filter(pk=entry.pk).update(is_hidden=False)

    assert [a.badge.slug for a in evaluate_badges_for(learner.pk, course.pk)] == ["exhibitor"]


def test_comment_badge_counts_visible_comments_on_different_peers_entries(
    enrollment, learner, course, make_badge
):
    make_badge(course, rule=Rule.COMMENTS_GIVEN, rule_param=3, slug="peer")
    own_entry = _publish_entry(enrollment)
    peer_entries = [_publish_entry(factories.enroll(factories.make_user(), course)) for _ in range(3)]
    Comment.objects.create(entry=own_entry, author=learner, body="Replying on my own entry.")
    Comment.objects.create(entry=peer_entries[0], author=learner, body="Great plan.")
    Comment.objects.create(entry=peer_entries[0], author=learner, body="One more thought.")
    hidden = Comment.objects.create(entry=peer_entries[1], author=learner, body="Hidden", is_hidden=True)
    assert evaluate_badges_for(learner.pk, course.pk) == []  # one peer, plus a hidden comment

    Comment.objects.filter(pk=hidden.pk).update(is_hidden=False)
    assert evaluate_badges_for(learner.pk, course.pk) == []  # two peers

    Comment.objects.create(entry=peer_entries[2], author=learner, body="Nice schedule.")
    assert [a.badge.slug for a in evaluate_badges_for(learner.pk, course.pk)] == ["peer"]


def test_manual_and_inactive_badges_are_never_awarded_automatically(enrollment, learner, course, make_badge):
    make_badge(course, rule=Rule.MANUAL, slug="manual")
    make_badge(course, rule=Rule.SESSION_COMPLETED, rule_param=1, slug="inactive", is_active=False)
    complete_session(enrollment, 1)

    assert evaluate_badges_for(learner.pk, course.pk) == []


def test_a_learner_who_withdrew_earns_nothing(enrollment, learner, course, session_badge):
    complete_session(enrollment, 1)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.WITHDRAWN)

    assert evaluate_badges_for(learner.pk, course.pk) == []


def test_award_task_run_twice_awards_once_and_announces_once(
    enrollment, learner, course, session_badge, django_capture_on_commit_callbacks
):
    complete_session(enrollment, 1)

    with django_capture_on_commit_callbacks(execute=True):
        assert evaluate_badges(learner.pk, course.pk) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluate_badges(learner.pk, course.pk) == 0

    award = Award.objects.get(recipient=learner)
    assert award.salt and len(award.salt) == 32
    notes = Notification.objects.filter(user=learner, kind=Notification.Kind.BADGE)
    assert [(n.text, n.url) for n in notes] == [
        ("You earned the “Micro-influence Foundations” badge.", award.get_absolute_url())
    ]
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [learner.email]
    assert email.subject == "You earned the “Micro-influence Foundations” badge"
    assert "http://127.0.0.1:8000" + award.get_absolute_url() in email.body
    assert award.get_absolute_url() in email.alternatives[0][0]


def test_award_badge_returns_none_when_the_learner_already_holds_it(learner, session_badge):
    first = award_badge(learner, session_badge)

    assert first is not None
    assert award_badge(learner, session_badge) is None
    assert Award.objects.filter(recipient=learner).count() == 1


def test_a_revoked_award_is_not_given_again_by_evaluation(enrollment, learner, course, session_badge, admin_user):
    complete_session(enrollment, 1)
    (award,) = evaluate_badges_for(learner.pk, course.pk)

    revoke_award(award, "Completed by mistake.", by=admin_user)

    assert evaluate_badges_for(learner.pk, course.pk) == []
    award.refresh_from_db()
    assert award.is_revoked and award.revoked_at and award.revoked_by == admin_user
    assert award.revocation_reason == "Completed by mistake."


def test_evaluation_uses_a_constant_number_of_queries(
    enrollment, learner, course, make_badge, django_assert_num_queries
):
    for number in range(1, 7):
        make_badge(course, rule=Rule.SESSION_COMPLETED, rule_param=number)
    make_badge(course, rule=Rule.COURSE_COMPLETED)
    make_badge(course, rule=Rule.PORTFOLIO_PUBLISHED)
    make_badge(course, rule=Rule.COMMENTS_GIVEN, rule_param=5)
    make_badge(course, rule=Rule.WORKSHEET_SUBMITTED, rule_param=1)

    # badges not yet held, enrollment + user, session completions, worksheet steps,
    # published entry, peers commented on
    with django_assert_num_queries(6):
        assert evaluate_badges_for(learner.pk, course.pk) == []


def test_nightly_reconcile_awards_what_a_lost_task_missed(enrollment, learner, course, session_badge, other_learner):
    complete_session(enrollment, 1)
    factories.enroll(other_learner, course)

    assert reconcile_awards() == 2

    assert _awarded(learner) == {session_badge.slug}
    assert _awarded(other_learner) == set()
