"""Badge operations shared by views, admin actions and tasks."""

import logging
import secrets

import segno
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from accounts.services import notify
from badges import credentials, tasks
from badges.models import Award, BadgeClass, Certificate
from badges.openbadges import assertion_id, assertion_json, bake_png, recipient_identity, revoked_assertion_json
from core.emails import send_templated_email
from core.pdf import html_to_pdf
from courses.models import Enrollment, SessionCompletion
from gallery.models import Comment, Entry
from portfolios.models import WorksheetSubmission
from portfolios.services import store_rendered_pdf

Rule = BadgeClass.Rule
logger = logging.getLogger(__name__)


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
    issue_credential(award)
    tasks.announce_award.delay_on_commit(award.pk)
    return award


def credential_evidence(award: Award) -> list[dict]:
    """OB 3.0 evidence: what the issuer gave, and the learner's published work in the badge's course."""
    evidence = []
    if award.evidence_url:
        evidence.append({"id": award.evidence_url, "type": ["Evidence"], "name": "Evidence given by the issuer"})
    return evidence + gallery_evidence(award.recipient_id, award.badge.course_id)


def gallery_evidence(user_id: int, course_id: int | None) -> list[dict]:
    """The learner's published gallery entry in the course and its portfolio PDF, when there is one
    (both pages are the course community's, as the entry is)."""
    entry = (
        Entry.objects.filter(author_id=user_id, course_id=course_id, is_published=True, is_hidden=False)
        .select_related("course")
        .first()
    )
    if entry is None:
        return []
    pdf_url = reverse("gallery:entry_pdf", args=[entry.course.slug, entry.pk])
    return [
        {"id": settings.SITE_URL + entry.get_absolute_url(), "type": ["Evidence"], "name": f"Gallery entry: {entry.title}"},
        {"id": settings.SITE_URL + pdf_url, "type": ["Evidence"], "name": "Portfolio (PDF)"},
    ]


def issue_credential(award: Award) -> Award:
    """Sign the award's Open Badges 3.0 credential, once: its proof and its JWT are stored and
    served as they are, so a rotated key or an edited badge never changes an issued credential.

    Awards made before credentials existed are issued on their first download; the conditional
    update keeps the first of two concurrent signings."""
    if award.credential:
        return award
    return _store_signed(award, credentials.award_credential(award, credential_evidence(award)))


def _store_signed(document, unsigned: dict):
    """Sign and store an award's or a certificate's credential; the conditional update keeps the
    first of two concurrent signings, so an issued credential never changes."""
    secured, token = credentials.sign(unsigned)
    if type(document).objects.filter(pk=document.pk, credential__isnull=True).update(credential=secured, credential_jwt=token):
        document.credential, document.credential_jwt = secured, token
    else:
        document.refresh_from_db(fields=["credential", "credential_jwt"])
    return document


def revoke_award(award: Award, reason: str, *, by=None) -> Award:
    """Revoke an award: its assertion then answers 410 Gone, it leaves the learner's profile, and
    its bit is set in the revocation status list (built from is_revoked on every request).

    `by` is the staff member who revoked it (Award.revoked_by)."""
    return _revoke(award, reason, by)


def _revoke(revocable, reason: str, by):
    """Revoke an award or a certificate once: who, when and why are recorded, and is_revoked
    sets its bit in its status list."""
    if revocable.is_revoked:
        return revocable
    revocable.is_revoked = True
    revocable.revoked_at = timezone.now()
    revocable.revocation_reason = reason
    revocable.revoked_by = by
    revocable.save(update_fields=["is_revoked", "revoked_at", "revocation_reason", "revoked_by"])
    return revocable


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


def revoke_certificate(certificate: Certificate, reason: str, *, by=None) -> Certificate:
    """Revoke a certificate: its bit is set in the `certificates` status list, so its public page,
    our verification page and any verifier then say it is revoked."""
    return _revoke(certificate, reason, by)


def issue_certificate_if_complete(user_id: int, course_id: int) -> Certificate | None:
    """Issue the learner's certificate once they have completed the course; None if not complete.

    1. the enrollment, completed (withdrawn learners get none);
    2. the row, whose one-to-one enrollment makes a second or concurrent call a no-op;
    3. its credential, signed once (evidence: the course-completion badge, if one was awarded,
       and the published gallery entry);
    4. its PDF, rendered on the pdf queue.
    """
    enrollment = (
        Enrollment.objects.select_related("user", "course")
        .filter(Q(completed_at__isnull=False) | Q(status=Enrollment.Status.COMPLETED), user_id=user_id, course_id=course_id)
        .filter(certificate__isnull=True)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .first()
    )
    if enrollment is None:
        return None
    user = enrollment.user
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                enrollment=enrollment,
                hours=sum(enrollment.course.sessions.values_list("estimated_hours", flat=True)),
                salt=(salt := secrets.token_hex(16)),
                recipient_identity=recipient_identity(user.email, salt),
                recipient_name=user.public_name,
            )
    except IntegrityError:
        return None
    sign_certificate(certificate)
    request_certificate_pdf(certificate)
    notify(user, Notification.Kind.BADGE, f"Your certificate for “{enrollment.course.title}” is ready.", certificate.get_absolute_url())
    return certificate


def certificate_evidence(certificate: Certificate) -> list[dict]:
    enrollment = certificate.enrollment
    evidence = []
    completion = (
        Award.objects.valid()
        .filter(recipient_id=enrollment.user_id, badge__course_id=enrollment.course_id, badge__rule=Rule.COURSE_COMPLETED)
        .first()
    )
    if completion is not None:
        issue_credential(completion)
        evidence.append({"id": completion.credential["id"], "type": ["Evidence"], "name": "Course-completion badge (Open Badges 3.0 credential)"})
    return evidence + gallery_evidence(enrollment.user_id, enrollment.course_id)


def sign_certificate(certificate: Certificate) -> Certificate:
    if certificate.credential:
        return certificate
    return _store_signed(certificate, credentials.certificate_credential(certificate, certificate_evidence(certificate)))


def course_completion_award(certificate: Certificate) -> Award | None:
    enrollment = certificate.enrollment
    return (
        Award.objects.filter(recipient_id=enrollment.user_id, badge__course_id=enrollment.course_id, badge__rule=Rule.COURSE_COMPLETED)
        .select_related("badge")
        .first()
    )


def request_certificate_pdf(certificate: Certificate) -> str:
    """Queue the certificate's PDF unless it is made or on its way; returns its status."""
    if certificate.pdf_status == Certificate.PdfStatus.READY and certificate.pdf:
        return certificate.pdf_status
    if certificate.claim_pdf_job():
        tasks.render_certificate_pdf.delay_on_commit(certificate.pk)
    return certificate.pdf_status


def certificate_context(certificate: Certificate) -> dict:
    """What the certificate PDF and its public page show. Its dates are the learner's calendar
    days (User.zone), whoever looks and wherever the PDF is rendered: a certificate says the
    same on its page and its PDF."""
    enrollment = certificate.enrollment
    course = enrollment.course
    page_url = settings.SITE_URL + certificate.get_absolute_url()
    zone = enrollment.user.zone
    return {
        "certificate": certificate,
        "course": course,
        "outcomes": [outcome.text for outcome in course.outcomes.all()],
        "started_on": timezone.localdate(enrollment.started_at or enrollment.enrolled_at, zone),
        "completed_on": timezone.localdate(enrollment.completed_at or certificate.issued_at, zone),
        "issued_on": timezone.localdate(certificate.issued_at, zone),
        "page_url": page_url,
        "short_url": page_url.split("://", 1)[-1],
        "issuer_did": credentials.site_did(),
        "site_name": settings.SITE_NAME,
        "completion_award": course_completion_award(certificate),
    }


def certificate_pdf_bytes(certificate: Certificate) -> bytes:
    """The certificate as a PDF (not encrypted: learners may merge it into their own documents),
    with a QR code to its public page and its signed credential attached as a JSON file."""
    context = certificate_context(certificate)
    context["qr_svg"] = segno.make(context["page_url"], error="m").svg_inline(scale=4, dark="#1b2a41", border=2)
    html = render_to_string("pdf/certificate.html", context)
    attachment = {"certificate-credential.json": credentials.dumps(certificate.credential).encode()}
    return html_to_pdf(html, attachments=attachment)


def render_certificate_pdf(certificate: Certificate) -> str:
    """The render task's body: sign if needed, then take the job, render, store while the job is still ours."""
    sign_certificate(certificate)
    return store_rendered_pdf(
        certificate, lambda: certificate_pdf_bytes(certificate), certificate.code, "certificate.pdf",
        "The certificate PDF could not be made. Please try again in a few minutes.",
    )


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
