"""Gallery operations: publishing, comments, notifications and moderation.

Views, admin actions and tasks call these functions; nothing else saves an Entry or Comment.
"""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import Notification, User
from accounts.services import notify
from accounts.unsubscribe import unsubscribe_headers, unsubscribe_url
from core.emails import send_templated_email
from core.images import open_image, reencode, square_thumbnail
from core.markdown import render_markdown
from core.ratelimit import seconds_to_wait, wait_text
from courses.models import StaffMember
from gallery import tasks  # the module, not its names: gallery.tasks imports this module too
from gallery.models import COVER_MEDIUM_SIDE, Comment, Entry, Report, RulesAcceptance, is_course_staff
from gallery.signals import comment_posted, entry_published
from portfolios.models import Portfolio
from portfolios.services import compile_portfolio, render_pdf, request_pdf

COVER_SIDE = 2000  # longest side of the cover as stored; the sizes below are made from it
COVER_SMALL_SIDE = 480  # square, for the gallery grid
COVER_LARGE_SIDE = 1400  # longest side, for the entry page
SNAPSHOT_IMAGE_PREFIX = "gallery/snapshots/"

# What one person may do in the gallery, per action: (window in seconds, how many) pairs, a burst a
# minute and a ceiling an hour. Posting, editing and reporting each count on their own.
RATE_LIMITS = {
    "comment": ((60, 5), (3600, 30)),
    "edit": ((60, 5), (3600, 30)),
    "report": ((60, 5), (3600, 20)),
}
EMAIL_BATCH_SECONDS = 600
GALLERY_KINDS = (Notification.Kind.COMMENT, Notification.Kind.REPLY, Notification.Kind.MODERATION)


# --- community rules --------------------------------------------------------------------


def has_accepted_rules(user, course) -> bool:
    return RulesAcceptance.objects.filter(user=user, course=course).exists()


def accept_rules(user, course) -> None:
    """Record the acceptance; one accepted before (a second tab) stays as it is."""
    RulesAcceptance.objects.get_or_create(user=user, course=course)


# --- publishing -------------------------------------------------------------------------


def _freeze_snapshot_images(compiled: dict) -> dict:
    """Copy answer images into the snapshot so replacing an answer image later leaves the entry alone."""
    for worksheet in compiled.get("worksheets", []):
        for prompt in worksheet.get("prompts", []):
            name = prompt.get("image")
            if not name or not default_storage.exists(name):
                prompt["image"] = ""
                continue
            ext = name.rsplit(".", 1)[-1].lower() if "." in name else "png"
            prompt["image"] = _copy_file(name, SNAPSHOT_IMAGE_PREFIX, ext)
            small = prompt.get("image_small")
            if small:
                prompt["image_small"] = _copy_file(small, SNAPSHOT_IMAGE_PREFIX, small.rsplit(".", 1)[-1]) if default_storage.exists(small) else ""
    return compiled


def _copy_file(name: str, prefix: str, ext: str) -> str:
    with default_storage.open(name, "rb") as source:
        return default_storage.save(f"{prefix}{uuid.uuid4().hex}.{ext}", ContentFile(source.read()))


def _snapshot_images(snapshot: dict) -> list[str]:
    return [
        name
        for worksheet in snapshot.get("worksheets", [])
        for prompt in worksheet.get("prompts", [])
        for name in (prompt.get("image", ""), prompt.get("image_small", ""))
        if name and name.startswith(SNAPSHOT_IMAGE_PREFIX)
    ]


def entry_images(entry: Entry) -> set[str]:
    """The stored names of the entry's images: its cover in each size and its snapshot's copies."""
    covers = {entry.cover.name, entry.cover_small.name, entry.cover_medium.name, entry.cover_large.name, entry.attachment.name}
    return {name for name in covers if name} | set(_snapshot_images(entry.snapshot))


def delete_snapshot_images(entry: Entry) -> None:
    """After the commit, delete the snapshot's copies of answer images: an entry about to be deleted
    (gallery/apps.py). The snapshot names them in JSON, where django-cleanup does not look."""
    names = _snapshot_images(entry.snapshot)
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


# What publishing writes on an existing entry.
PUBLISHED_FIELDS = [
    "title", "summary", "critical_evaluation", "snapshot", "is_published", "published_at",
    "cover", "cover_small", "cover_large", "updated_at",
    "cover_alt", "cover_medium", "cover_width", "cover_height", "attachment", "attachment_name",
]


@transaction.atomic
def publish_entry(
    portfolio: Portfolio,
    *,
    title: str,
    summary: str,
    critical_evaluation: str,
    cover: Image.Image | None = None,  # decoded by PublishForm, at most COVER_SIDE
    remove_cover: bool = False,
    accept_rules: bool = False,
    cover_alt: str | None = None,
    include_attachment: bool = False,
) -> Entry:
    """Publish (or re-publish) a portfolio to its course gallery, in one transaction.

    1. Record the learner's acceptance of the community rules when the form asked for it
       (`accept_rules`), so the acceptance and the entry exist together or not at all.
    2. Take the snapshot: the compiled portfolio, with its images copied, so later edits
       to the portfolio do not change what peers see until the learner publishes again.
    3. Create or update the entry; re-publishing moves it to the top (published_at) and
       keeps its comments and first_published_at.
    4. After commit: make the cover's smaller sizes (a task), render the snapshot PDF,
       evaluate badges, delete replaced files.
    `cover_alt` (None: unchanged) describes the cover; `include_attachment` publishes a copy of the
    portfolio's own file (the entry keeps it until the next publish, like the snapshot).
    """
    enrollment = portfolio.enrollment
    if accept_rules:
        RulesAcceptance.objects.get_or_create(user_id=enrollment.user_id, course_id=enrollment.course_id)
    snapshot = _freeze_snapshot_images(compile_portfolio(portfolio))
    now = timezone.now()
    entry = Entry.objects.filter(portfolio=portfolio).first()
    old_files = []
    if entry is None:
        entry = Entry(portfolio=portfolio, course_id=enrollment.course_id, author_id=enrollment.user_id, first_published_at=now)
    else:
        old_files = _snapshot_images(entry.snapshot)
    entry.title = title
    entry.summary = summary
    entry.critical_evaluation = critical_evaluation
    entry.snapshot = snapshot
    entry.is_published = True
    entry.published_at = now
    if cover is not None or remove_cover:
        old_files += [entry.cover.name, entry.cover_small.name, entry.cover_medium.name, entry.cover_large.name]
        entry.cover = entry.cover_small = entry.cover_medium = entry.cover_large = ""
        entry.cover_width = entry.cover_height = None
    if cover is not None:
        entry.cover.save("cover.jpg", reencode(cover, max_side=COVER_SIDE, fmt="JPEG"), save=False)
        entry.cover_width, entry.cover_height = cover.size
    if cover_alt is not None:
        entry.cover_alt = cover_alt.strip()
    if remove_cover and cover is None:
        entry.cover_alt = ""
    old_files += _publish_attachment(entry, portfolio, include_attachment)
    if entry.pk is None:
        entry.save()
    else:
        # Never the PDF's fields: a worker may be storing the previous snapshot's PDF right now.
        entry.save(update_fields=PUBLISHED_FIELDS)
    transaction.on_commit(lambda: _delete_files(old_files))
    if cover is not None:
        tasks.make_cover_thumbnails.delay_on_commit(entry.pk)
    request_pdf(entry, entry.snapshot, tasks.render_entry_pdf)
    entry_published.send(sender=Entry, user_id=entry.author_id, course_id=entry.course_id)
    return entry


def _publish_attachment(entry: Entry, portfolio: Portfolio, include: bool) -> list[str]:
    """#16.9: give the entry a copy of the portfolio's own file (or none); returns the replaced file's name."""
    replaced = [entry.attachment.name] if entry.attachment else []
    entry.attachment, entry.attachment_name = "", ""
    source = portfolio.attachment.name
    if include and source and default_storage.exists(source):
        entry.attachment = _copy_file(source, "gallery/files/", source.rsplit(".", 1)[-1])
        entry.attachment_name = portfolio.attachment_name
    return replaced


def store_cover_thumbnails(entry: Entry) -> bool:
    """Make the grid's and the entry page's sizes of the entry's stored cover; True when it has them.

    The stored cover is a JPEG of at most COVER_SIDE, so this decodes little. Idempotent: sizes
    already made are kept, and new ones are recorded only while the entry still has the cover
    they were made from (a re-publish in between replaced it: they are deleted, and the
    re-publish's own task makes its sizes).
    """
    if not entry.cover:
        return False
    if entry.cover_small and entry.cover_large and entry.cover_medium:
        return True
    previous = [name for name in (entry.cover_small.name, entry.cover_large.name) if name]
    with entry.cover.open("rb") as stored:
        image = open_image(stored, max_side=COVER_LARGE_SIDE)
    entry.cover_large.save("large.jpg", reencode(image, fmt="JPEG"), save=False)
    entry.cover_medium.save("medium.jpg", reencode(image, max_side=COVER_MEDIUM_SIDE, fmt="JPEG"), save=False)
    entry.cover_small.save("small.jpg", square_thumbnail(image, COVER_SMALL_SIDE, fmt="JPEG"), save=False)
    made = [entry.cover_large.name, entry.cover_small.name, entry.cover_medium.name]
    # The large size's shape is the page's width and height (an entry made before these had none).
    recorded = Entry.objects.filter(pk=entry.pk, cover=entry.cover.name).filter(
        models.Q(cover_small="") | models.Q(cover_medium="")
    ).update(
        cover_large=made[0], cover_small=made[1], cover_medium=made[2], cover_width=image.width, cover_height=image.height,
        updated_at=timezone.now(),
    )
    _delete_files(previous if recorded else made)
    return bool(recorded)


def unpublish_entry(entry: Entry) -> None:
    """Take the entry out of the gallery; its comments stay for when it is published again."""
    entry.is_published = False
    entry.save(update_fields=["is_published", "updated_at"])


def store_entry_pdf(entry_id: int) -> bool:
    """Render the entry's snapshot to PDF (portfolios.services.render_pdf: claimed, and kept when the
    stored file already shows this snapshot); True when the entry has the PDF of its snapshot."""
    entry = Entry.objects.filter(pk=entry_id).first()
    if entry is None or not entry.snapshot:
        return False
    return render_pdf(entry, entry.snapshot) in ("rendered", "unchanged")


# --- comments ---------------------------------------------------------------------------


# What RateLimited says, per action; {limits} and {wait} are filled in.
RATE_MESSAGES = {
    "comment": "You are commenting faster than we allow ({limits}). Please slow down and try again in {wait} "
               "— your comment is still in the box below.",
    "edit": "You are editing comments faster than we allow ({limits}). Please slow down and try again in {wait} "
            "— your changes are still in the box below.",
    "report": "You are sending reports faster than we allow ({limits}). Please try again in {wait} "
              "— your report is still in the box below.",
}
RATE_NOUNS = {"comment": "comments", "edit": "edits", "report": "reports"}


class RateLimited(Exception):
    """Someone posted, edited or reported too often too quickly (check_rate)."""

    def __init__(self, action: str, seconds: int):
        self.action, self.seconds = action, seconds
        (_, per_minute), (_, per_hour) = RATE_LIMITS[action]
        limits = f"{per_minute} {RATE_NOUNS[action]} a minute, {per_hour} an hour"
        super().__init__(RATE_MESSAGES[action].format(limits=limits, wait=wait_text(seconds)))


def check_rate(user, action: str) -> None:
    """Count one `action` ("comment", "edit", "report") of the user against RATE_LIMITS; raise
    RateLimited when over a limit. The gallery's one throttle for every way of writing in it,
    counted by core.ratelimit as image uploads are."""
    wait = seconds_to_wait(f"gallery:{action}", user.pk, RATE_LIMITS[action])
    if wait:
        raise RateLimited(action, wait)


def resolve_parent(entry: Entry, parent_id, *, staff: bool) -> Comment | None:
    """The comment a reply attaches to, among those the replier sees (`staff`: as the course's
    staff): a reply to a reply attaches to its top-level comment."""
    try:
        parent_id = int(parent_id)
    except (TypeError, ValueError):
        return None
    visible = Comment.objects.visible_to(staff=staff).select_related("parent")
    parent = visible.filter(entry=entry, pk=parent_id, is_deleted=False).first()
    return parent.parent or parent if parent else None


@transaction.atomic
def post_comment(
    entry: Entry, author: User, body: str, *, parent: Comment | None = None, accept_rules: bool = False
) -> Comment:
    """Post a comment or a reply: RateLimited (and nothing saved) when the author comments too fast.

    With `accept_rules` the author's acceptance of the community rules is recorded with it.
    """
    check_rate(author, "comment")
    if accept_rules:
        RulesAcceptance.objects.get_or_create(user=author, course_id=entry.course_id)
    comment = Comment.objects.create(
        entry=entry, author=author, parent=parent, body=body, body_html=render_markdown(body)
    )
    entry.refresh_comment_count()
    _notify_about_comment(comment)
    comment_posted.send(sender=Comment, user_id=author.pk, course_id=entry.course_id)
    return comment


def edit_comment(comment: Comment, body: str) -> None:
    """Replace the comment's text: RateLimited (and nothing saved) when its author edits too fast."""
    check_rate(comment.author, "edit")
    comment.body = body
    comment.body_html = render_markdown(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])


def delete_comment(comment: Comment) -> None:
    """Delete a comment; one with replies stays as a "deleted" placeholder so the replies keep their place."""
    entry = comment.entry
    if comment.parent_id is None and comment.replies.exists():
        comment.is_deleted = True
        comment.body = ""
        comment.body_html = ""
        comment.save(update_fields=["is_deleted", "body", "body_html"])
    else:
        comment.delete()
    entry.refresh_comment_count()


def delete_comments_by(user: User) -> None:
    """Before a user is deleted (gallery/apps.py), their comments go as delete_comment would take
    each, so the account's deletion never takes other people's replies with it:
    1. Their replies go.
    2. Their comments that other people replied to stay as "deleted" placeholders (the author
       becomes None with the user row: Comment.author is SET_NULL); the others go.
    3. Each entry they commented on is recounted.
    Comments on their own entries are left to go with those entries.
    """
    comments = Comment.objects.filter(author=user).exclude(entry__author=user)
    entry_ids = set(comments.values_list("entry_id", flat=True))
    if not entry_ids:
        return
    comments.filter(parent__isnull=False).delete()
    has_replies = models.Exists(Comment.objects.filter(parent=models.OuterRef("pk")))
    comments.filter(has_replies).update(is_deleted=True, body="", body_html="")
    comments.filter(~has_replies).delete()
    for entry in Entry.objects.filter(pk__in=entry_ids):
        entry.refresh_comment_count()


# --- notifications ----------------------------------------------------------------------


def _notify_about_comment(comment: Comment) -> None:
    """The entry's author hears about every comment; a comment's author hears about replies to it."""
    entry = comment.entry
    who = comment.author.public_name
    url = comment.get_absolute_url()
    recipients = {}
    if comment.parent_id and comment.parent.author_id != comment.author_id:
        recipients[comment.parent.author_id] = (
            comment.parent.author,
            Notification.Kind.REPLY,
            f"{who} replied to your comment on “{entry.title}”.",
        )
    if entry.author_id != comment.author_id and entry.author_id not in recipients:
        recipients[entry.author_id] = (
            entry.author,
            Notification.Kind.COMMENT,
            f"{who} commented on your gallery entry “{entry.title}”.",
        )
    for user, kind, text in recipients.values():
        notify(user, kind, text, url)
        schedule_gallery_email(user)


def schedule_gallery_email(user: User) -> None:
    """After commit, queue the recipient's digest for EMAIL_BATCH_SECONDS from now.

    Every notification queues one; the first to run sends everything pending and the rest
    find nothing left (send_gallery_digest claims in the database), so a burst of comments
    still makes one email.
    """
    if user.wants_gallery_emails:
        tasks.send_gallery_emails.apply_async_on_commit(args=[user.pk], countdown=EMAIL_BATCH_SECONDS)


def send_gallery_digest(user_id: int) -> int:
    """Email one message listing every unread gallery notification not emailed yet; returns how many.

    Idempotent: the notifications are claimed (emailed_at set) before the email goes out,
    so a repeated or concurrent run finds nothing left to send.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.wants_gallery_emails:
        return 0
    pending = Notification.objects.for_user(user).unread().filter(kind__in=GALLERY_KINDS, emailed_at__isnull=True)
    ids = list(pending.values_list("pk", flat=True))
    if not ids:
        return 0
    claimed_at = timezone.now()
    Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=claimed_at)
    notifications = list(Notification.objects.filter(pk__in=ids, emailed_at=claimed_at).order_by("created_at"))
    if not notifications:
        return 0
    unsubscribe = unsubscribe_url(user, "gallery")
    context = {
        "user": user,
        "notifications": notifications,
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
        "unsubscribe_url": unsubscribe,
    }
    try:
        send_templated_email("gallery_digest", user.email, context, headers=unsubscribe_headers(unsubscribe))
    except Exception:
        # Release the claim so the task's retry sends them.
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=None)
        raise
    return len(notifications)


# --- moderation -------------------------------------------------------------------------


def report_item(reporter: User, reason: str, *, entry: Entry, comment: Comment | None = None) -> tuple[Report, bool]:
    """File a report on an entry or one of its comments; returns (report, created).

    A reporter has one open report per target: reporting it again while that one is open
    returns it unchanged (created False), and the database's constraints hold the rule when
    two requests race. New reports count against the "report" rate (RateLimited).
    """
    open_reports = Report.objects.filter(reporter=reporter, status=Report.Status.OPEN)
    same = open_reports.filter(comment=comment) if comment else open_reports.filter(entry=entry, comment=None)
    if (existing := same.first()) is not None:
        return existing, False
    check_rate(reporter, "report")
    try:
        with transaction.atomic():
            report = Report.objects.create(reporter=reporter, entry=entry, comment=comment, reason=reason)
    except IntegrityError:
        return same.get(), False
    tasks.notify_report.delay_on_commit(report.pk)
    return report, True


def course_staff_users(course) -> list[User]:
    """The accounts that moderate the course's gallery and hear of its reports: its instructors with
    a staff account (is_course_staff), not every superuser of the installation."""
    users = User.objects.filter(
        staff_roles__course=course, staff_roles__role=StaffMember.Role.INSTRUCTOR, is_active=True, is_staff=True
    ).distinct()
    return [user for user in users if is_course_staff(user, course)]


def notify_staff_of_report(report_id: int) -> int:
    """Tell the course's staff of a new report, on site and by email; returns how many were told.

    Idempotent: the report is claimed (staff_notified_at) before anyone is told, so a repeated run
    of the task tells nobody twice."""
    if not Report.objects.filter(pk=report_id, staff_notified_at__isnull=True).update(staff_notified_at=timezone.now()):
        return 0
    report = Report.objects.select_related("entry__course", "comment__author", "reporter").get(pk=report_id)
    course = report.entry.course
    what = f"a comment on “{report.entry.title}”" if report.comment_id else f"the gallery entry “{report.entry.title}”"
    url = reverse("admin:gallery_report_change", args=[report.pk])
    staff = course_staff_users(course)
    for user in staff:
        notification = notify(user, Notification.Kind.MODERATION, f"A learner reported {what} in {course.title}.", url)
        context = {"user": user, "report": report, "what": what, "course": course, "report_url": settings.SITE_URL + url}
        send_templated_email("report_filed", user.email, context)
        # Emailed now: the gallery digest, which also lists moderation notices, leaves it out.
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return len(staff)


def reopen_report(report: Report) -> bool:
    """Open a resolved report again; False when its reporter has another open report on the same
    item, which the database allows only once (the constraints on Report)."""
    if report.is_open:
        return True
    others = Report.objects.filter(reporter_id=report.reporter_id, status=Report.Status.OPEN).exclude(pk=report.pk)
    others = others.filter(comment_id=report.comment_id) if report.comment_id else others.filter(entry_id=report.entry_id, comment=None)
    if others.exists():
        return False
    report.status, report.resolved_by, report.resolved_at = Report.Status.OPEN, None, None
    try:
        with transaction.atomic():
            report.save(update_fields=["status", "resolved_by", "resolved_at"])
    except IntegrityError:  # the reporter filed a new one at this very moment
        report.status = Report.Status.RESOLVED
        return False
    return True


@transaction.atomic
def moderate(target: Entry | Comment, *, hide: bool, by: User) -> int:
    """Hide an entry or a comment from learners, or restore it; returns how many open reports it resolved.

    The entry page's buttons and the admin's actions all come here.
    1. Record the change and who made it (moderated_by, moderated_at); a hidden comment
       leaves its entry's comment count, and the author is told why their post went.
    2. Hiding resolves the open reports on the target, in the moderator's name.
    """
    is_comment = isinstance(target, Comment)
    entry = target.entry if is_comment else target
    if target.is_hidden != hide:
        target.is_hidden, target.moderated_by, target.moderated_at = hide, by, timezone.now()
        fields = ["is_hidden", "moderated_by", "moderated_at"]
        target.save(update_fields=fields if is_comment else [*fields, "updated_at"])
        if is_comment:
            entry.refresh_comment_count()
        if hide:
            what = "comment on" if is_comment else "gallery entry"
            text = f"A moderator hid your {what} “{entry.title}” because it may break the community rules."
            notify(target.author, Notification.Kind.MODERATION, text, entry.get_absolute_url())
    if not hide:
        return 0
    reports = Report.objects.filter(comment=target) if is_comment else Report.objects.filter(entry=target, comment=None)
    return resolve_reports(reports, by)


def resolve_reports(reports, by: User) -> int:
    """Close open reports (a queryset); returns how many were open."""
    return reports.filter(status=Report.Status.OPEN).update(
        status=Report.Status.RESOLVED, resolved_by=by, resolved_at=timezone.now()
    )


# --- the learner's data export ------------------------------------------------------------


def export_personal_data(user: User, archive) -> None:
    """The learner's gallery in their data export (accounts.signals.collect_personal_data, gallery/apps.py):
    gallery/entries/<course>/entry.json with the entry's cover, gallery/comments.json (their comments
    and replies, wherever they posted them), gallery/reports.json and gallery/community_rules.json."""
    site = settings.SITE_URL
    for entry in Entry.objects.filter(author=user).select_related("course").order_by("pk"):
        folder = f"gallery/entries/{entry.course.slug}"
        cover = ""
        if entry.cover:
            ext = entry.cover.name.rsplit(".", 1)[-1].lower() if "." in entry.cover.name else "jpg"
            cover = f"cover.{ext}" if archive.write_stored_file(f"{folder}/cover.{ext}", entry.cover.name) else ""
        archive.write_json(f"{folder}/entry.json", {
            "course": entry.course.title,
            "title": entry.title,
            "summary": entry.summary,
            "critical_evaluation": entry.critical_evaluation,
            "cover": cover,
            "url": site + entry.get_absolute_url(),
            "is_published": entry.is_published,
            "is_hidden_by_a_moderator": entry.is_hidden,
            "first_published_at": entry.first_published_at,
            "published_at": entry.published_at,
            "comment_count": entry.comment_count,
        })
    comments = Comment.objects.filter(author=user).select_related("entry__course").order_by("created_at", "pk")
    archive.write_json("gallery/comments.json", [
        {
            "id": c.pk,
            "in_reply_to": c.parent_id,
            "entry": c.entry.title,
            "course": c.entry.course.title,
            "url": site + c.get_absolute_url(),
            "text": c.body,
            "created_at": c.created_at,
            "edited_at": c.edited_at,
            "is_hidden_by_a_moderator": c.is_hidden,
        }
        for c in comments
    ])
    reports = Report.objects.filter(reporter=user).select_related("entry__course").order_by("created_at", "pk")
    archive.write_json("gallery/reports.json", [
        {"about": site + (r.comment.get_absolute_url() if r.comment_id else r.entry.get_absolute_url()),
         "reason": r.reason, "status": r.status, "created_at": r.created_at}
        for r in reports.select_related("comment__entry__course")
    ])
    accepted = RulesAcceptance.objects.filter(user=user).select_related("course").order_by("accepted_at")
    archive.write_json("gallery/community_rules.json", [
        {"course": a.course.title, "accepted_at": a.accepted_at} for a in accepted
    ])
