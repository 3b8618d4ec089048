"""Badge operations shared by views, admin actions and tasks."""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Notification
from accounts.services import notify
from badges import tasks
from badges.models import Award, BadgeClass
from badges.openbadges import assertion_id, assertion_json, bake_png, recipient_identity, revoked_assertion_json
from core.emails import send_templated_email
from courses.models import Enrollment, SessionCompletion
from gallery.models import Comment, Entry
from portfolios.models import WorksheetSubmission

Rule = BadgeClass.Rule


def queue_badge_evaluation(user_id: int, course_id: int) -> None:
    """Enqueue evaluate_badges once the current transaction commits (the lower apps' events call this)."""
    tasks.evaluate_badges.delay_on_commit(user_id, course_id)


def evaluate_badges_for(user_id: int, course_id: int) -> list[Award]:
    """Award every active badge of the course whose rule now holds for this learner; return the new awards.

    1. the course's active automatic badges this learner does not hold yet (one query; a revoked
       award also counts as held, so a revocation sticks);
    2. the learner's enrollment (withdrawn learners earn nothing);
    3. one query per kind of rule still open, never one per badge;
    4. award each badge whose rule holds; the unique constraint makes a duplicate or concurrent
       run a no-op (award_badge returns None).
    """
    badges = list(
        BadgeClass.objects.active()
        .filter(course_id=course_id)
        .exclude(rule=Rule.MANUAL)
        .exclude(awards__recipient_id=user_id)
    )
    if not badges:
        return []
    enrollment = (
        Enrollment.objects.select_related("user")
        .filter(user_id=user_id, course_id=course_id)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .first()
    )
    if enrollment is None:
        return []
    facts = _LearnerFacts(enrollment)
    new_awards = []
    for badge in badges:
        if facts.rule_holds(badge):
            award = award_badge(enrollment.user, badge)
            if award is not None:
                new_awards.append(award)
    return new_awards


class _LearnerFacts:
    """What a learner has done in one course, each fact fetched once and only when a rule asks."""

    def __init__(self, enrollment):
        self.enrollment = enrollment
        self._cache: dict[str, object] = {}

    def _get(self, key: str, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def rule_holds(self, badge: BadgeClass) -> bool:
        param = badge.rule_param
        if badge.rule == Rule.SESSION_COMPLETED:
            return param in self._get("sessions", self._completed_session_numbers)
        if badge.rule == Rule.COURSE_COMPLETED:
            return self.enrollment.completed_at is not None or self.enrollment.status == Enrollment.Status.COMPLETED
        if badge.rule == Rule.WORKSHEET_SUBMITTED:
            return param in self._get("steps", self._submitted_steps)
        if badge.rule == Rule.PORTFOLIO_PUBLISHED:
            return self._get("published", self._has_published_entry)
        if badge.rule == Rule.COMMENTS_GIVEN:
            return self._get("peers", self._peers_commented_on) >= (param or 1)
        return False

    def _completed_session_numbers(self) -> set[int]:
        return set(
            SessionCompletion.objects.filter(enrollment=self.enrollment).values_list("session__number", flat=True)
        )

    def _submitted_steps(self) -> set[int]:
        return set(
            WorksheetSubmission.objects.filter(portfolio__enrollment=self.enrollment).values_list(
                "worksheet__step", flat=True
            )
        )

    def _has_published_entry(self) -> bool:
        return Entry.objects.filter(
            author_id=self.enrollment.user_id,
            course_id=self.enrollment.course_id,
            is_published=True,
            is_hidden=False,
        ).exists()

    def _peers_commented_on(self) -> int:
        """Distinct peers' entries the learner commented on (visible comments only).

        The badge asks for feedback to N different peers, so five comments on one entry count once.
        """
        return (
            Comment.objects.filter(
                author_id=self.enrollment.user_id, entry__course_id=self.enrollment.course_id, is_hidden=False
            )
            .exclude(entry__author_id=self.enrollment.user_id)
            .values("entry_id")
            .distinct()
            .count()
        )


def award_badge(user, badge: BadgeClass, *, by=None, reason: str = "", evidence_url: str = "") -> Award | None:
    """Give `badge` to `user`; return the new award, or None when they already hold it.

    `by` is the staff member who awarded it by hand (Award.awarded_by; None when a rule did).

    The unique constraint on (badge, recipient) decides: a second or concurrent call fails its
    insert inside a savepoint and returns None, so nobody is awarded (or emailed) twice. After
    commit the learner gets an on-site notification and an email.
    """
    try:
        with transaction.atomic():
            award = Award.objects.create(
                badge=badge,
                recipient=user,
                awarded_by=by,
                reason=reason,
                evidence_url=evidence_url,
                salt=(salt := secrets.token_hex(16)),
                recipient_identity=recipient_identity(user.email, salt),
            )
    except IntegrityError:
        return None
    tasks.announce_award.delay_on_commit(award.pk)
    return award


def revoke_award(award: Award, reason: str, *, by=None) -> Award:
    """Revoke an award: its assertion then answers 410 Gone and it leaves the learner's profile.

    `by` is the staff member who revoked it (Award.revoked_by)."""
    if award.is_revoked:
        return award
    award.is_revoked = True
    award.revoked_at = timezone.now()
    award.revocation_reason = reason
    award.revoked_by = by
    award.save(update_fields=["is_revoked", "revoked_at", "revocation_reason", "revoked_by"])
    return award


WITHDRAWN_REASON = "The earner withdrew this badge when they deleted their account."


def keep_awards_of(user) -> None:
    """Before a user row goes, however it goes (the account page, the admin): the awards outlive it,
    so each assertion URL keeps answering verifiers (badges/apps.py connects this to pre_delete).

    1. A valid award keeps the salted hash of the email it names (one stored before
       recipient_identity existed gets it now: the email is about to go) and the name its page
       shows; neither needs the account.
    2. A revoked one keeps neither: its assertion says only that it was revoked.
    The rows then lose their recipient (Award.recipient is SET_NULL).
    """
    awards = Award.objects.filter(recipient=user)
    for award in awards.filter(is_revoked=False, recipient_identity=""):
        award.recipient_identity = recipient_identity(user.email, award.salt)
        award.save(update_fields=["recipient_identity"])
    awards.filter(is_revoked=False).update(recipient_name=user.public_name)
    awards.filter(is_revoked=True).update(recipient_identity="", recipient_name="")


def withdraw_awards_of(user) -> int:
    """Revoke every valid award of a learner who, deleting their account, asked for their badges to
    be withdrawn; returns how many. Their assertions then answer 410 with WITHDRAWN_REASON."""
    awards = list(Award.objects.filter(recipient=user, is_revoked=False))
    for award in awards:
        revoke_award(award, WITHDRAWN_REASON)
    return len(awards)


def announce_new_award(award: Award) -> None:
    """Tell the learner about a new award: an on-site notification and an email.

    Guarded by the notification itself, so a retried task does not announce twice.
    """
    url = award.get_absolute_url()
    if Notification.objects.filter(user_id=award.recipient_id, kind=Notification.Kind.BADGE, url=url).exists():
        return
    user = award.recipient
    notify(user, Notification.Kind.BADGE, f"You earned the “{award.badge.name}” badge.", url)
    context = {
        "user": user,
        "award": award,
        "badge": award.badge,
        "award_url": settings.SITE_URL + url,
        "mine_url": settings.SITE_URL + "/badges/",
        "site_name": settings.SITE_NAME,
    }
    send_templated_email("badge_awarded", user.email, context)


def export_personal_data(user, archive) -> None:
    """The learner's badges in their data export (accounts.signals.collect_personal_data, badges/apps.py):
    badges/<badge>/assertion.json, the Open Badges 2.0 assertion its URL answers with, and
    badges/<badge>/badge.png, the image with that assertion baked in (none for a revoked badge);
    badges/awards.json lists them."""
    listed = []
    for award in Award.objects.for_recipient(user).select_related("badge__course"):
        folder = f"badges/{award.badge.slug}"
        assertion = revoked_assertion_json(award) if award.is_revoked else assertion_json(award)
        archive.write_json(f"{folder}/assertion.json", assertion)
        if not award.is_revoked:
            archive.write_bytes(f"{folder}/badge.png", bake_png(award.badge.image, assertion))
        listed.append({
            "badge": award.badge.name,
            "course": award.badge.course.title if award.badge.course_id else "",
            "awarded_at": award.awarded_at,
            "is_public": award.is_public,
            "is_revoked": award.is_revoked,
            "revocation_reason": award.revocation_reason,
            "assertion_url": assertion_id(award),
            "page_url": settings.SITE_URL + award.get_absolute_url(),
            "files": [f"{folder}/assertion.json"] + ([] if award.is_revoked else [f"{folder}/badge.png"]),
        })
    archive.write_json("badges/awards.json", listed)
