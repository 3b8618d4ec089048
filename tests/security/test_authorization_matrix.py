"""The authorization matrix: every URL pattern × every kind of visitor, with the exact expected answer.

Roles: anonymous, not_enrolled (learner C, enrolled elsewhere), enrolled_owner (learner A, who owns
every object in the world), other_enrolled (learner B, same course, acting on A's objects), instructor
(staff in the `instructors` group, not superuser, an instructor of the course) and admin (superuser).

Cell codes: an int is the exact status; "login" is a 302 to the log-in page with ?next=; "admin_login"
a 302 to the admin log-in page; "signup" a 302 to sign-up; "redirect" a 302 anywhere else (a successful
POST). Each cell runs inside a savepoint that is rolled back, so POSTs never change what the next cell sees.

A new URL pattern without a row fails `test_every_url_pattern_has_a_row`. Admin and allauth patterns are
covered by rules (see ADMIN and ALLAUTH below) that compute or state their expectation.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.unsubscribe import unsubscribe_token
from portfolios.models import WorksheetSubmission
from tests.security.world import World, build_world

ROLES = ["anonymous", "not_enrolled", "enrolled_owner", "other_enrolled", "instructor", "admin"]
LOGIN, ADMIN_LOGIN, SIGNUP, REDIRECT = "login", "admin_login", "signup", "redirect"


@dataclass
class Row:
    name: str
    url: Callable[[World], str]
    method: str
    expect: dict  # role -> code
    data: Callable[[World], dict] = field(default=lambda w: {})
    note: str = ""


def same(code) -> dict:
    return {role: code for role in ROLES}


def roles(anonymous, not_enrolled, owner, other, instructor, admin_) -> dict:
    return dict(zip(ROLES, [anonymous, not_enrolled, owner, other, instructor, admin_], strict=True))


# Learner pages behind get_enrollment_or_404: the enrolled see their own; everyone else 404.
LEARNER_GET = roles(LOGIN, 404, 200, 200, 404, 404)
LEARNER_POST = roles(LOGIN, 404, REDIRECT, REDIRECT, 404, 404)
# The same pages for the course's staff who are not enrolled in it (its instructor, a superuser): a
# preview (courses.services.get_learning_or_404) that records nothing; a form sent from it changes nothing.
PREVIEW_GET = roles(LOGIN, 404, 200, 200, 200, 200)
PREVIEW_POST = roles(LOGIN, 404, REDIRECT, REDIRECT, REDIRECT, REDIRECT)
# @require_POST outside @login_required: a GET is 405 even before logging in.
POST_ONLY_OUTER = same(405)
# @login_required outside @require_POST (portfolios): anonymous goes to log in first.
POST_ONLY_INNER = roles(LOGIN, 405, 405, 405, 405, 405)
LOGGED_IN_GET = roles(LOGIN, 200, 200, 200, 200, 200)
# The gallery: the course's staff (its instructors, and superusers) see its gallery, learners only their own course's.
GALLERY_GET = roles(LOGIN, 404, 200, 200, 200, 200)
GALLERY_POST = roles(LOGIN, 404, REDIRECT, REDIRECT, REDIRECT, REDIRECT)
# A's own object (comment, award, entry to unpublish): another learner gets 404, as do staff.
OWNER_ONLY_POST = roles(LOGIN, 404, REDIRECT, 404, 404, 404)


# The studio (dashboard, reviews): the course's staff; learners, enrolled or not, get 404.
STAFF_GET = roles(LOGIN, 404, 404, 404, 200, 200)
STAFF_POST = roles(LOGIN, 404, 404, 404, REDIRECT, REDIRECT)
# A course the instructor does not teach: only the superuser.
OTHER_COURSE_STAFF_GET = roles(LOGIN, 404, 404, 404, 404, 200)


def submission_url(course_attr: str = "course"):
    def build(w: World) -> str:
        submission = WorksheetSubmission.objects.get(portfolio=w.portfolio_a, worksheet=w.worksheet)
        return reverse("reviews:worksheet", args=[getattr(w, course_attr).slug, submission.pk])
    return build


def portfolio_review_url(course_attr: str = "course"):
    return lambda w: reverse("reviews:portfolio", args=[getattr(w, course_attr).slug, w.portfolio_a.pk])


def _snapshot_image(w: World) -> str:
    return next(p["image"] for ws in w.entry.snapshot["worksheets"] for p in ws["prompts"] if p.get("image"))


def lesson_url(name: str, lesson_attr: str):
    def build(w: World) -> str:
        lesson = getattr(w, lesson_attr) if lesson_attr else w.worksheet.lesson
        return reverse(name, args=[w.course.slug, lesson.session.number, lesson.slug])
    return build


def gallery_url(name: str, comment: bool = False):
    def build(w: World) -> str:
        args = [w.course.slug, w.entry.pk] + ([w.comment.pk] if comment else [])
        return reverse(name, args=args)
    return build


def course_url(name: str):
    return lambda w: reverse(name, args=[w.course.slug])


def award_url(name: str, which: str = "award"):
    return lambda w: reverse(name, args=[getattr(w, which).uuid])


MATRIX = [
    # --- public pages ---
    Row("courses:catalog", lambda w: reverse("courses:catalog"), "GET", same(200), note="two published courses: the list"),
    Row("courses:detail", lambda w: reverse("courses:detail", args=[w.course.slug]), "GET", same(200)),
    Row("courses:detail", lambda w: reverse("courses:detail", args=["no-such-course"]), "GET", same(404)),
    Row("core:healthz", lambda w: reverse("core:healthz"), "GET", same(200)),
    Row("core:bench_bare", lambda w: reverse("core:bench_bare"), "GET", same(200)),
    Row("badges:issuer", lambda w: reverse("badges:issuer"), "GET", same(200)),
    Row("badges:class", lambda w: reverse("badges:class", args=[w.badge.slug]), "GET", same(200)),
    Row("badges:class", lambda w: reverse("badges:class", args=["no-such-badge"]), "GET", same(404)),
    # --- enrolling ---
    Row("courses:enroll", lambda w: reverse("courses:enroll", args=[w.course.slug]), "GET", POST_ONLY_OUTER),
    Row("courses:enroll", lambda w: reverse("courses:enroll", args=[w.course.slug]), "POST",
        roles(SIGNUP, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        data=lambda w: {"offering": w.course.offerings.first().pk, "country": "AU"}),
    Row("courses:withdraw", course_url("courses:withdraw"), "GET", POST_ONLY_OUTER),
    Row("courses:withdraw", course_url("courses:withdraw"), "POST", LEARNER_POST),
    # --- accounts ---
    Row("accounts:profile", lambda w: reverse("accounts:profile"), "GET", LOGGED_IN_GET),
    Row("accounts:profile", lambda w: reverse("accounts:profile"), "POST", roles(LOGIN, *[REDIRECT] * 5),
        data=lambda w: {"display_name": "New name", "bio": "", "country": "AU"}),
    Row("accounts:time_zone", lambda w: reverse("accounts:time_zone"), "GET", POST_ONLY_OUTER),
    Row("accounts:time_zone", lambda w: reverse("accounts:time_zone"), "POST", roles(LOGIN, *[204] * 5),
        data=lambda w: {"time_zone": "Europe/Berlin"}, note="each visitor sets only their own zone"),
    Row("accounts:data_export", lambda w: reverse("accounts:data_export"), "GET", POST_ONLY_OUTER),
    Row("accounts:data_export", lambda w: reverse("accounts:data_export"), "POST", roles(LOGIN, *[REDIRECT] * 5),
        note="each visitor asks for their own export; there is no id to ask for anyone else's"),
    Row("accounts:data_export_download", lambda w: reverse("accounts:data_export_download"), "GET",
        roles(LOGIN, *[REDIRECT] * 5), note="nobody has an export in this world: back to the profile"),
    Row("accounts:delete_account", lambda w: reverse("accounts:delete_account"), "GET", LOGGED_IN_GET),
    Row("accounts:delete_account", lambda w: reverse("accounts:delete_account"), "POST", roles(LOGIN, *[400] * 5),
        data=lambda w: {"password": "not-the-password", "badges": "keep"}, note="the password is asked for again"),
    Row("accounts:public_profile", lambda w: reverse("accounts:public_profile", args=[w.a.username]), "GET",
        roles(404, 404, 200, 404, 404, 404), note="A's profile is private (the default)"),
    Row("accounts:public_profile", lambda w: reverse("accounts:public_profile", args=["nobody-here"]), "GET", same(404)),
    Row("accounts:notifications", lambda w: reverse("accounts:notifications"), "GET", LOGGED_IN_GET),
    Row("accounts:notifications_read", lambda w: reverse("accounts:notifications_read"), "GET", POST_ONLY_OUTER),
    Row("accounts:notifications_read", lambda w: reverse("accounts:notifications_read"), "POST",
        roles(LOGIN, *[REDIRECT] * 5)),
    Row("accounts:notification_open", lambda w: reverse("accounts:notification_open", args=[w.notification.pk]), "GET",
        POST_ONLY_OUTER),
    Row("accounts:notification_open", lambda w: reverse("accounts:notification_open", args=[w.notification.pk]), "POST",
        roles(LOGIN, 404, REDIRECT, 404, 404, 404), note="A's notification: everyone else gets 404"),
    Row("accounts:unsubscribe", lambda w: reverse("accounts:unsubscribe", args=["gallery", unsubscribe_token(w.a, "gallery")]),
        "GET", same(200)),
    Row("accounts:unsubscribe", lambda w: reverse("accounts:unsubscribe", args=["gallery", unsubscribe_token(w.a, "gallery")]),
        "POST", same(200), note="the signed token is the credential (RFC 8058 one-click)"),
    Row("accounts:unsubscribe",
        lambda w: reverse("accounts:unsubscribe", args=["gallery", unsubscribe_token(w.a, "pace-reminders")]),
        "POST", same(404), note="a link for another kind of email"),
    Row("accounts:unsubscribe", lambda w: reverse("accounts:unsubscribe", args=["gallery", "forged:token"]), "POST", same(404)),
    # --- learning ---
    Row("learn:dashboard", lambda w: reverse("learn:dashboard"), "GET", LOGGED_IN_GET),
    Row("learn:unsubscribe", lambda w: reverse("learn:unsubscribe", args=[unsubscribe_token(w.a, "pace-reminders")]), "GET",
        same(200), note="where reminders sent before accounts:unsubscribe point"),
    Row("learn:unsubscribe", lambda w: reverse("learn:unsubscribe", args=["forged:token"]), "POST", same(404)),
    Row("learn:outline", course_url("learn:outline"), "GET", PREVIEW_GET),
    Row("learn:outline", lambda w: reverse("learn:outline", args=[w.other_course.slug]), "GET",
        roles(LOGIN, 200, 404, 404, 404, 200), note="C's own course; the instructor does not teach it, a superuser previews it"),
    # Not complete yet: the enrolled go back to their outline.
    Row("learn:finished", course_url("learn:finished"), "GET", roles(LOGIN, 404, REDIRECT, REDIRECT, 404, 404)),
    Row("learn:session", lambda w: reverse("learn:session", args=[w.course.slug, 1]), "GET", PREVIEW_GET),
    Row("learn:session", lambda w: reverse("learn:session", args=[w.course.slug, 99]), "GET", roles(LOGIN, *[404] * 5)),
    Row("learn:lesson", lesson_url("learn:lesson", "video_lesson"), "GET", PREVIEW_GET),
    Row("learn:complete", lesson_url("learn:complete", "video_lesson"), "GET", POST_ONLY_OUTER),
    Row("learn:complete", lesson_url("learn:complete", "video_lesson"), "POST", PREVIEW_POST),
    Row("learn:uncomplete", lesson_url("learn:uncomplete", "video_lesson"), "GET", POST_ONLY_OUTER),
    Row("learn:uncomplete", lesson_url("learn:uncomplete", "video_lesson"), "POST", PREVIEW_POST),
    Row("learn:video", lesson_url("learn:video", "video_lesson"), "GET", PREVIEW_GET),
    Row("learn:video", lesson_url("learn:video", "document_lesson"), "GET", roles(LOGIN, 404, 404, 404, 404, 404),
        note="a lesson without a video"),
    Row("learn:document", lesson_url("learn:document", "document_lesson"), "GET", PREVIEW_GET),
    Row("learn:page", lesson_url("learn:page", "document_lesson"), "GET", PREVIEW_GET),
    Row("learn:page", lesson_url("learn:page", "video_lesson"), "GET", roles(LOGIN, 404, 404, 404, 404, 404),
        note="a lesson without a document page"),
    Row("learn:poster", lesson_url("learn:poster", "video_lesson"), "GET", PREVIEW_GET),
    Row("learn:captions", lambda w: lesson_url("learn:video", "video_lesson")(w) + "captions/en.vtt", "GET", PREVIEW_GET),
    Row("learn:captions", lambda w: lesson_url("learn:video", "video_lesson")(w) + "captions/fr.vtt", "GET",
        roles(LOGIN, 404, 404, 404, 404, 404), note="no French captions"),
    Row("learn:position", lesson_url("learn:position", "video_lesson"), "GET", POST_ONLY_OUTER),
    Row("learn:position", lesson_url("learn:position", "video_lesson"), "POST", roles(LOGIN, 404, 200, 200, 403, 403),
        data=lambda w: {"seconds": "12.5"}, note="each learner saves their own place; a preview saves none"),
    # --- portfolios (all keyed by the visitor's own enrollment) ---
    Row("portfolios:portfolio", course_url("portfolios:portfolio"), "GET", PREVIEW_GET),
    Row("portfolios:worksheet", lambda w: reverse("portfolios:worksheet", args=[w.course.slug, w.worksheet.slug]), "GET",
        PREVIEW_GET),
    Row("portfolios:worksheet", lambda w: reverse("portfolios:worksheet", args=[w.course.slug, w.worksheet.slug]), "POST",
        roles(LOGIN, 404, 400, REDIRECT, REDIRECT, REDIRECT), note="staff's preview saves nothing; A sent no version of her answers (400)"),
    Row("portfolios:worksheet", lambda w: reverse("portfolios:worksheet", args=[w.other_course.slug, "audience"]), "GET",
        roles(LOGIN, 200, 404, 404, 404, 200), note="C's own course's worksheet; a superuser previews it"),
    Row("portfolios:autosave_answer", lambda w: reverse("portfolios:autosave_answer", args=[w.course.slug, w.prompt_text.pk]),
        "GET", POST_ONLY_INNER),
    Row("portfolios:autosave_answer", lambda w: reverse("portfolios:autosave_answer", args=[w.course.slug, w.prompt_text.pk]),
        "POST", roles(LOGIN, 404, 409, 200, 404, 404),
        data=lambda w: {f"prompt_{w.prompt_text.pk}": "Changed", f"version_{w.prompt_text.pk}": "0"},
        note="A holds version 1 of this answer, so version 0 is stale (409); B has none yet (200)"),
    Row("portfolios:autosave_answer",
        lambda w: reverse("portfolios:autosave_answer", args=[w.course.slug, w.foreign_prompt.pk]),
        "POST", roles(LOGIN, 404, 404, 404, 404, 404), data=lambda w: {f"prompt_{w.foreign_prompt.pk}": "x", f"version_{w.foreign_prompt.pk}": "0"},
        note="another course's prompt through this course's URL"),
    Row("portfolios:autosave_text", lambda w: reverse("portfolios:autosave_text", args=[w.course.slug, "summary"]),
        "GET", POST_ONLY_INNER),
    Row("portfolios:autosave_text", lambda w: reverse("portfolios:autosave_text", args=[w.course.slug, "summary"]),
        "POST", roles(LOGIN, 404, 200, 200, 404, 404),
        data=lambda w: {"summary": "A new summary", "summary_version": str(w.portfolio_a.summary_version)}),
    Row("portfolios:autosave_text", lambda w: reverse("portfolios:autosave_text", args=[w.course.slug, "pdf"]),
        "POST", roles(LOGIN, 404, 404, 404, 404, 404), data=lambda w: {"pdf": "x"}, note="not a text field"),
    Row("portfolios:pdf_request", course_url("portfolios:pdf_request"), "GET", POST_ONLY_INNER),
    Row("portfolios:pdf_request", course_url("portfolios:pdf_request"), "POST", LEARNER_POST),
    Row("portfolios:pdf_status", course_url("portfolios:pdf_status"), "GET", LEARNER_GET),
    Row("portfolios:pdf_download", course_url("portfolios:pdf_download"), "GET", roles(LOGIN, 404, 200, 404, 404, 404),
        note="only A has a PDF; B's URL never reaches A's file"),
    Row("portfolios:answer_image", lambda w: reverse("portfolios:answer_image", args=[w.course.slug, w.answer_image.image.name]),
        "GET", roles(LOGIN, 404, 200, 404, 404, 404), note="A's answer image: B's URL never reaches it"),
    Row("portfolios:attachment", course_url("portfolios:attachment"), "GET", roles(LOGIN, 404, 200, 404, 404, 404),
        note="A's own portfolio file; B's URL is B's portfolio, which has none"),
    Row("portfolios:attachment_upload", course_url("portfolios:attachment_upload"), "GET", POST_ONLY_INNER),
    Row("portfolios:attachment_upload", course_url("portfolios:attachment_upload"), "POST", LEARNER_POST,
        data=lambda w: {"remove": "1"}, note="each learner acts on their own portfolio only"),
    # --- gallery (A's entry and A's comment) ---
    Row("gallery:list", course_url("gallery:list"), "GET", GALLERY_GET),
    Row("gallery:publish", course_url("gallery:publish"), "GET", LEARNER_GET),
    Row("gallery:unpublish", course_url("gallery:unpublish"), "GET", POST_ONLY_OUTER),
    Row("gallery:unpublish", course_url("gallery:unpublish"), "POST", OWNER_ONLY_POST, note="B has no entry of his own"),
    Row("gallery:own", course_url("gallery:own"), "GET", LEARNER_GET, note="each learner sees only their own posts"),
    Row("gallery:entry", gallery_url("gallery:entry"), "GET", GALLERY_GET),
    Row("gallery:entry", lambda w: reverse("gallery:entry", args=[w.other_course.slug, w.entry.pk]), "GET",
        roles(LOGIN, 404, 404, 404, 404, 404), note="A's entry through another course's URL"),
    Row("gallery:entry_file", lambda w: reverse("gallery:entry_file", args=[w.course.slug, w.entry.pk, _snapshot_image(w)]),
        "GET", GALLERY_GET, note="the snapshot's copy of A's answer image"),
    Row("gallery:entry_file",
        lambda w: reverse("gallery:entry_file", args=[w.course.slug, w.entry.pk, w.answer_image.image.name]),
        "GET", roles(LOGIN, 404, 404, 404, 404, 404), note="a stored file that is not the entry's"),
    Row("gallery:entry_pdf", gallery_url("gallery:entry_pdf"), "GET", roles(LOGIN, 404, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        note="no snapshot PDF yet: queued, back to the entry"),
    Row("gallery:comment", gallery_url("gallery:comment"), "GET", POST_ONLY_OUTER),
    Row("gallery:comment", gallery_url("gallery:comment"), "POST", GALLERY_POST, data=lambda w: {"body": "Lovely work."}),
    Row("gallery:comment_edit", gallery_url("gallery:comment_edit", comment=True), "GET", roles(LOGIN, 404, 200, 404, 404, 404)),
    Row("gallery:comment_edit", gallery_url("gallery:comment_edit", comment=True), "POST", OWNER_ONLY_POST,
        data=lambda w: {"body": "Edited."}),
    Row("gallery:comment_delete", gallery_url("gallery:comment_delete", comment=True), "GET", POST_ONLY_OUTER),
    Row("gallery:comment_delete", gallery_url("gallery:comment_delete", comment=True), "POST", OWNER_ONLY_POST),
    Row("gallery:report_entry", gallery_url("gallery:report_entry"), "GET", POST_ONLY_OUTER),
    Row("gallery:report_entry", gallery_url("gallery:report_entry"), "POST", GALLERY_POST, data=lambda w: {"reason": "Spam."}),
    Row("gallery:report_comment", gallery_url("gallery:report_comment", comment=True), "GET", POST_ONLY_OUTER),
    Row("gallery:report_comment", gallery_url("gallery:report_comment", comment=True), "POST", GALLERY_POST,
        data=lambda w: {"reason": "Rude."}),
    Row("gallery:moderate_entry", gallery_url("gallery:moderate_entry"), "GET", POST_ONLY_OUTER),
    Row("gallery:moderate_entry", gallery_url("gallery:moderate_entry"), "POST",
        roles(LOGIN, 404, 403, 403, REDIRECT, REDIRECT), data=lambda w: {"action": "hide"}),
    Row("gallery:moderate_comment", gallery_url("gallery:moderate_comment", comment=True), "GET", POST_ONLY_OUTER),
    Row("gallery:moderate_comment", gallery_url("gallery:moderate_comment", comment=True), "POST",
        roles(LOGIN, 404, 403, 403, REDIRECT, REDIRECT), data=lambda w: {"action": "hide"}),
    # --- badges (A's public, private and revoked awards) ---
    Row("badges:mine", lambda w: reverse("badges:mine"), "GET", LOGGED_IN_GET),
    Row("badges:assertion", award_url("badges:assertion"), "GET", same(200)),
    Row("badges:assertion", award_url("badges:assertion", "private_award"), "GET", roles(404, 404, 200, 404, 404, 404)),
    Row("badges:assertion", award_url("badges:assertion", "revoked_award"), "GET", same(410)),
    Row("badges:award", award_url("badges:award"), "GET", same(200)),
    Row("badges:award", award_url("badges:award", "private_award"), "GET", roles(404, 404, 200, 404, 404, 404)),
    Row("badges:award", award_url("badges:award", "revoked_award"), "GET", same(410)),
    Row("badges:baked", award_url("badges:baked"), "GET", same(200)),
    Row("badges:baked", award_url("badges:baked", "private_award"), "GET", roles(404, 404, 200, 404, 404, 404)),
    Row("badges:baked", award_url("badges:baked", "revoked_award"), "GET", same(410)),
    Row("badges:visibility", award_url("badges:visibility"), "GET", POST_ONLY_OUTER),
    Row("badges:visibility", award_url("badges:visibility"), "POST", OWNER_ONLY_POST, data=lambda w: {"is_public": "0"}),
    # --- the studio: a course's staff only (its instructors, superusers); learners and other courses' staff get 404 ---
    Row("studio:dashboard", course_url("studio:dashboard"), "GET", STAFF_GET),
    Row("studio:dashboard", course_url("studio:dashboard"), "POST", roles(LOGIN, *[405] * 5), note="a page to read: GET only"),
    Row("studio:dashboard", lambda w: reverse("studio:dashboard", args=[w.other_course.slug]), "GET", OTHER_COURSE_STAFF_GET,
        note="the instructor does not teach the other course"),
    Row("reviews:queue", course_url("reviews:queue"), "GET", STAFF_GET),
    Row("reviews:queue", lambda w: reverse("reviews:queue", args=[w.other_course.slug]), "GET", OTHER_COURSE_STAFF_GET),
    Row("reviews:worksheet", submission_url(), "GET", STAFF_GET, note="A's submitted worksheet"),
    Row("reviews:worksheet", submission_url(), "POST", STAFF_POST, data=lambda w: {"state": "revise", "comment": "Say more."}),
    Row("reviews:worksheet", submission_url(), "POST", roles(LOGIN, 404, 404, 404, 400, 400), data=lambda w: {"comment": "No state"},
        note="a review without its decision is refused, with what was typed"),
    Row("reviews:worksheet", submission_url("other_course"), "GET", roles(LOGIN, 404, 404, 404, 404, 404),
        note="A's submission through another course's URL"),
    Row("reviews:worksheet", submission_url("other_course"), "POST", roles(LOGIN, 404, 404, 404, 404, 404),
        data=lambda w: {"state": "reviewed"}),
    Row("reviews:portfolio", portfolio_review_url(), "GET", STAFF_GET),
    Row("reviews:portfolio", portfolio_review_url(), "POST", STAFF_POST, data=lambda w: {"state": "reviewed", "comment": "Well argued."}),
    Row("reviews:portfolio", portfolio_review_url("other_course"), "GET", roles(LOGIN, 404, 404, 404, 404, 404),
        note="A's portfolio through another course's URL"),
    # --- uploaded media: public ones by capability URL (random names), sandboxed, checked in
    # test_media_is_sandboxed; learners' uploads only through their views above (staff: the admin) ---
    Row("media", lambda w: w.badge.image.url, "GET", same(200)),
    Row("media", lambda w: w.answer_image.image.url, "GET", roles(404, 404, 404, 404, 200, 200)),
    Row("media", lambda w: "/media/badges/does-not-exist.png", "GET", same(404)),
    # --- Open Badges 3.0: credentials follow their award; the issuer's keys, status lists and the verifier are public ---
    *[
        row
        for name in ("badges:credential", "badges:credential_jwt", "badges:credential_png")
        for row in (
            Row(name, award_url(name), "GET", same(200)),
            Row(name, award_url(name, "private_award"), "GET", roles(404, 404, 200, 404, 404, 404)),
            Row(name, award_url(name, "revoked_award"), "GET", same(410)),
        )
    ],
    Row("badges:key", lambda w: reverse("badges:key", args=[w.award.credential["proof"]["verificationMethod"].split("#")[1]]), "GET", same(200)),
    Row("badges:key", lambda w: reverse("badges:key", args=["z6MkNotOurs"]), "GET", same(404)),
    Row("badges:status_list", lambda w: reverse("badges:status_list", args=["awards"]), "GET", same(200)),
    Row("badges:status_list", lambda w: reverse("badges:status_list", args=["certificates"]), "GET", same(200)),
    Row("badges:status_list", lambda w: reverse("badges:status_list", args=["nothing"]), "GET", same(404)),
    Row("badges:verify", lambda w: reverse("badges:verify"), "GET", same(200)),
    Row("badges:verify", lambda w: reverse("badges:verify"), "POST", same(200), data=lambda w: {"credential": w.award.credential_jwt}),
    Row("well_known:did", lambda w: reverse("well_known:did"), "GET", same(200)),
    Row("well_known:jwks", lambda w: reverse("well_known:jwks"), "GET", same(200)),
    # --- certificates: the code is the capability the learner shares (printed on the PDF) ---
    Row("certificates:detail", lambda w: reverse("certificates:detail", args=[w.certificate.code]), "GET", same(200)),
    Row("certificates:detail", lambda w: reverse("certificates:detail", args=["nosuchcode"]), "GET", same(404)),
    Row("certificates:pdf", lambda w: reverse("certificates:pdf", args=[w.certificate.code]), "GET", same(200)),
    Row("certificates:credential", lambda w: reverse("certificates:credential", args=[w.certificate.code]), "GET", same(200)),
    Row("media", lambda w: "/media/../config/settings.py", "GET", same(404)),
    Row("media", lambda w: w.answer_image.image.url, "POST", same(405)),
]

# Prefixes covered by rules instead of rows.
ADMIN_PREFIX = "admin:"
ALLAUTH_PREFIXES = ("account_", "socialaccount_", "mfa_", "headless:", "usersessions_")


def all_patterns(resolver=None, ns=None):
    """(name, pattern) for every URL pattern of the project, names namespaced as reverse() takes them."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            child_ns = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from all_patterns(p, child_ns)
        elif isinstance(p, URLPattern):
            name = p.name or f"<unnamed {p.pattern}>"
            yield (f"{ns}:{name}" if ns else name), p


def test_every_url_pattern_has_a_row():
    rows = {row.name for row in MATRIX}
    missing = sorted(
        name for name, _ in all_patterns()
        if not name.startswith(ADMIN_PREFIX) and not name.startswith(ALLAUTH_PREFIXES) and name not in rows
    )
    assert missing == [], f"URL patterns with no row in the authorization matrix: {missing}"
    stale = sorted(rows - {name for name, _ in all_patterns()})
    assert stale == [], f"matrix rows for URL patterns that no longer exist: {stale}"


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _outcome(response, expected, login_url: str, admin_login_url: str):
    """Return the observed code in the matrix's vocabulary, so a mismatch reads clearly."""
    if response.status_code != 302:
        return response.status_code
    target = urlparse(response["Location"])
    if target.path == login_url and "next=" in target.query:
        return LOGIN
    if target.path == admin_login_url and "next=" in target.query:
        return ADMIN_LOGIN
    if target.path == reverse("account_signup"):
        return SIGNUP
    return REDIRECT


def _visit(client, method: str, url: str, data: dict):
    with transaction.atomic():
        response = client.post(url, data) if method == "POST" else client.get(url, data)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(role, db):
    world = build_world()
    client = _client_for(world.users()[role])
    login_url, admin_login_url = reverse("account_login"), reverse("admin:login")
    wrong = []
    for row in MATRIX:
        url = row.url(world)
        response = _visit(client, row.method, url, row.data(world))
        got = _outcome(response, row.expect[role], login_url, admin_login_url)
        if got != row.expect[role]:
            wrong.append(f"{row.method} {url} ({row.name}): expected {row.expect[role]}, got {got}")
    assert wrong == [], f"{role}: " + "\n".join(wrong)


def test_media_is_sandboxed_and_never_inline_unless_an_image(db):
    world = build_world()
    response = Client().get(world.badge.image.url)
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["X-Content-Type-Options"] == "nosniff"
    # A portfolio PDF is only served through its owner-checked view; its media URL answers 404
    # to everyone but staff, who get it as a sandboxed attachment.
    assert Client().get(world.portfolio_a.pdf.url).status_code == 404
    staff = Client()
    staff.force_login(world.admin)
    pdf = staff.get(world.portfolio_a.pdf.url)
    assert pdf["Content-Disposition"].startswith("attachment")
    assert pdf["Content-Security-Policy"].startswith("sandbox")


# --- allauth: a row per pattern, keyed by name, with bogus keys where the URL takes one ----------------

ALLAUTH_URLS = {
    "account_confirm_email": lambda: reverse("account_confirm_email", args=["bogus-key"]),
    "account_reset_password_from_key": lambda: reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bogus"}),
}
ANON_ONLY = roles(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)  # logged-in people are sent on
ACCOUNT_PAGE = roles(LOGIN, 200, 200, 200, 200, 200)
ALLAUTH = {
    "account_login": ANON_ONLY,
    "account_signup": ANON_ONLY,
    "account_logout": roles(REDIRECT, 200, 200, 200, 200, 200),
    "account_inactive": same(200),
    "account_reauthenticate": ACCOUNT_PAGE,
    "account_email": ACCOUNT_PAGE,
    "account_email_verification_sent": same(200),
    "account_change_password": ACCOUNT_PAGE,
    "account_set_password": roles(LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),  # they have one: change it
    "account_reset_password": same(200),
    "account_reset_password_done": same(200),
    "account_confirm_login_code": same(REDIRECT),  # no login code pending
    "account_confirm_email": same(200),  # "this link is invalid"
    "account_reset_password_from_key": same(200),  # "bad token"
    "account_reset_password_from_key_done": same(200),
}


def test_every_allauth_pattern_has_a_rule():
    names = {name for name, _ in all_patterns() if name.startswith(ALLAUTH_PREFIXES)}
    assert names == set(ALLAUTH)


@pytest.mark.parametrize("role", ROLES)
def test_allauth_pages(role, db):
    world = build_world()
    client = _client_for(world.users()[role])
    login_url, admin_login_url = reverse("account_login"), reverse("admin:login")
    wrong = []
    for name, expect in ALLAUTH.items():
        url = ALLAUTH_URLS.get(name, lambda n=name: reverse(n))()
        got = _outcome(_visit(client, "GET", url, {}), expect[role], login_url, admin_login_url)
        if got != expect[role]:
            wrong.append(f"GET {url} ({name}): expected {expect[role]}, got {got}")
    assert wrong == [], f"{role}: " + "\n".join(wrong)


# --- admin: the expectation is computed from each ModelAdmin's own permission methods ---------------

ADMIN_SITE_PAGES = {
    # name: (url builder, expected for staff)
    "admin:index": (lambda w: reverse("admin:index"), 200),
    "admin:login": (lambda w: reverse("admin:login"), REDIRECT),  # staff are sent on to the index
    "admin:logout": (lambda w: reverse("admin:logout"), 405),  # logging out is a POST
    "admin:password_change": (lambda w: reverse("admin:password_change"), 200),
    "admin:password_change_done": (lambda w: reverse("admin:password_change_done"), 200),
    "admin:autocomplete": (lambda w: reverse("admin:autocomplete"), 403),  # no app/model/field given
    "admin:jsi18n": (lambda w: reverse("admin:jsi18n"), 200),
    # The Markdown fields' live preview (CourseAdmin.markdown_preview): a POST of the text, staff only.
    "admin:courses_markdown_preview": (lambda w: reverse("admin:courses_markdown_preview"), 405),
    "admin:view_on_site": (
        lambda w: reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(w.entry).pk, w.entry.pk]), REDIRECT,
    ),
}


def _admin_cells(world, user):
    """(url, expected, label) for every admin URL for this user."""
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    is_staff = bool(user and user.is_active and user.is_staff)
    cells = []
    for name, (build, staff_code) in ADMIN_SITE_PAGES.items():
        if name == "admin:login":
            # allauth's login serves the admin too: visitors are sent to it, a signed-in non-staff user is refused
            code = staff_code if is_staff else (403 if user and user.is_active else LOGIN)
        elif name == "admin:logout":
            code = staff_code if is_staff else REDIRECT  # non-staff are sent to the admin index, then to log in
        else:
            code = staff_code if is_staff else ADMIN_LOGIN
        cells.append((build(world), code, name))
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        obj = model._default_manager.order_by("pk").first()
        pk = obj.pk if obj else 999999

        def code(allowed, missing_redirect=False, obj=obj):
            if not is_staff:
                return ADMIN_LOGIN
            if missing_redirect and obj is None:
                return REDIRECT
            return 200 if allowed else 403

        view_or_change = is_staff and model_admin.has_view_or_change_permission(request, obj)
        cells += [
            (reverse(f"{prefix}_changelist"), code(is_staff and model_admin.has_view_or_change_permission(request)),
             f"{prefix}_changelist"),
            (reverse(f"{prefix}_add"), code(is_staff and model_admin.has_add_permission(request)), f"{prefix}_add"),
            (reverse(f"{prefix}_change", args=[pk]),
             code(is_staff and model_admin.has_view_or_change_permission(request, None if obj is None else obj))
             if obj is not None or not is_staff or not model_admin.has_view_or_change_permission(request) else REDIRECT,
             f"{prefix}_change"),
            (reverse(f"{prefix}_delete", args=[pk]),
             code(is_staff and model_admin.has_delete_permission(request, obj))
             if obj is not None or not is_staff or not model_admin.has_delete_permission(request) else REDIRECT,
             f"{prefix}_delete"),
            (reverse(f"{prefix}_history", args=[pk]), code(view_or_change, missing_redirect=True), f"{prefix}_history"),
            # The unnamed "<object_id>/" pattern: the old change URL, redirected to the new one.
            (reverse(f"{prefix}_changelist") + f"{pk}/", ADMIN_LOGIN if not is_staff else REDIRECT, f"{prefix} <object_id>/"),
        ]
        if model is type(world.a):
            can_change = is_staff and model_admin.has_change_permission(request, world.a)
            cells.append((reverse("admin:auth_user_password_change", args=[world.a.pk]), code(can_change),
                          "admin:auth_user_password_change"))
    for app_label in {m._meta.app_label for m in admin.site._registry}:
        allowed = is_staff and bool(admin.site.get_app_list(request, app_label))
        cells.append((reverse("admin:app_list", args=[app_label]), (200 if allowed else 404) if is_staff else ADMIN_LOGIN,
                      "admin:app_list"))
    cells.append(("/admin/no-such-page/", 404 if is_staff else ADMIN_LOGIN, "admin catch-all"))
    return cells


def test_admin_rules_cover_every_admin_pattern(db):
    world = build_world()
    covered = {label for _, _, label in _admin_cells(world, world.admin)}
    named = {name for name, p in all_patterns() if name.startswith(ADMIN_PREFIX) and "<unnamed" not in name}
    assert named - covered == set()
    unnamed = [p for name, p in all_patterns() if name.startswith(ADMIN_PREFIX) and "<unnamed" in name]
    assert len(unnamed) == len(admin.site._registry) + 1  # one <object_id>/ per model, plus the catch-all


@pytest.mark.parametrize("role", ROLES)
def test_admin_matrix(role, db):
    world = build_world()
    user = world.users()[role]
    client = _client_for(user)
    login_url, admin_login_url = reverse("account_login"), reverse("admin:login")
    wrong = []
    for url, expected, label in _admin_cells(world, user):
        got = _outcome(_visit(client, "GET", url, {}), expected, login_url, admin_login_url)
        if got != expected:
            wrong.append(f"GET {url} ({label}): expected {expected}, got {got}")
    assert wrong == [], f"{role}: " + "\n".join(wrong)
