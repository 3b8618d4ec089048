"""Gallery operations: publishing, comments, notifications and moderation.

Views, admin actions and tasks call these functions; nothing else saves an Entry or Comment.
"""

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from accounts.models import Notification, User
from accounts.services import notify
from core.emails import send_templated_email
from core.images import reencode, square_thumbnail
from core.markdown import render_markdown
from gallery.models import Comment, Entry, Report, RulesAcceptance
from gallery.signals import comment_posted, entry_published
from portfolios.models import Portfolio
from portfolios.services import compile_portfolio, render_pdf

COVER_SMALL_SIDE = 480  # square, for the gallery grid
COVER_LARGE_SIDE = 1400  # longest side, for the entry page
SNAPSHOT_IMAGE_PREFIX = "gallery/snapshots/"

# Comments per learner: a burst of 5 in a minute, 30 in an hour.
COMMENT_LIMITS = ((60, 5), (3600, 30))
EMAIL_BATCH_SECONDS = 600
GALLERY_KINDS = (Notification.Kind.COMMENT, Notification.Kind.REPLY, Notification.Kind.MODERATION)


# --- community rules --------------------------------------------------------------------


def rules_key(user_id: int, course_id: int) -> str:
    return f"gallery:rules-accepted:{user_id}:{course_id}"


def has_accepted_rules(user, course, *, remembered=None) -> bool:
    """Acceptance is kept for good, so a yes is remembered in the cache (forgotten only if the
    row is deleted, gallery/apps.py); a no is asked again each time. `remembered`: the cached
    value when the caller has already read rules_key() (with other keys, in one round trip)."""
    key = rules_key(user.pk, course.pk)
    if remembered or (remembered is None and cache.get(key)):
        return True
    accepted = RulesAcceptance.objects.filter(user=user, course=course).exists()
    if accepted:
        cache.set(key, True, 24 * 60 * 60)
    return accepted


def accept_rules(user, course) -> None:
    try:
        with transaction.atomic():
            RulesAcceptance.objects.create(user=user, course=course)
    except IntegrityError:
        pass  # accepted before (a second tab): nothing to record


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
            with default_storage.open(name, "rb") as source:
                prompt["image"] = default_storage.save(
                    f"{SNAPSHOT_IMAGE_PREFIX}{uuid.uuid4().hex}.{ext}", ContentFile(source.read())
                )
    return compiled


def _snapshot_images(snapshot: dict) -> list[str]:
    return [
        prompt["image"]
        for worksheet in snapshot.get("worksheets", [])
        for prompt in worksheet.get("prompts", [])
        if prompt.get("image", "").startswith(SNAPSHOT_IMAGE_PREFIX)
    ]


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def publish_entry(
    portfolio: Portfolio,
    *,
    title: str,
    summary: str,
    critical_evaluation: str,
    cover: Image.Image | None = None,
    remove_cover: bool = False,
) -> Entry:
    """Publish (or re-publish) a portfolio to its course gallery.

    1. Take the snapshot: the compiled portfolio, with its images copied, so later edits
       to the portfolio do not change what peers see until the learner publishes again.
    2. Create or update the entry; re-publishing moves it to the top (published_at) and
       keeps its comments and first_published_at.
    3. After commit: render the snapshot PDF, evaluate badges, delete replaced files.
    """
    from gallery.tasks import render_entry_pdf

    enrollment = portfolio.enrollment
    snapshot = _freeze_snapshot_images(compile_portfolio(portfolio))
    now = timezone.now()
    entry = Entry.objects.filter(portfolio=portfolio).first()
    old_files = []
    if entry is None:
        entry = Entry(portfolio=portfolio, course_id=enrollment.course_id, author_id=enrollment.user_id, first_published_at=now)
    else:
        old_files = _snapshot_images(entry.snapshot) + [entry.snapshot_pdf.name]
    entry.title = title
    entry.summary = summary
    entry.critical_evaluation = critical_evaluation
    entry.snapshot = snapshot
    entry.snapshot_pdf = ""
    entry.is_published = True
    entry.published_at = now
    if cover is not None or remove_cover:
        old_files += [entry.cover.name, entry.cover_small.name, entry.cover_large.name]
        entry.cover = entry.cover_small = entry.cover_large = ""
    if cover is not None:
        entry.cover.save("cover.jpg", reencode(cover, max_side=2000, fmt="JPEG"), save=False)
        entry.cover_large.save("large.jpg", reencode(cover, max_side=COVER_LARGE_SIDE, fmt="JPEG"), save=False)
        entry.cover_small.save("small.jpg", square_thumbnail(cover, COVER_SMALL_SIDE, fmt="JPEG"), save=False)
    entry.save()
    transaction.on_commit(lambda: _delete_files(old_files))
    render_entry_pdf.delay_on_commit(entry.pk)
    entry_published.send(sender=Entry, user_id=entry.author_id, course_id=entry.course_id)
    return entry


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


class RateLimited(Exception):
    """The learner posted too many comments too quickly."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        minutes = max(1, round(seconds / 60))
        wait = "a minute" if seconds <= 60 else f"{minutes} minutes"
        super().__init__(
            f"You are commenting faster than we allow (5 comments a minute, 30 an hour). "
            f"Please slow down and try again in {wait} — your comment is still in the box below."
        )


def check_comment_rate(user) -> None:
    """Count one comment against fixed windows in the cache; raise RateLimited when over a limit.

    Fixed windows in the shared cache (Redis in production) work across every web process.
    """
    now = int(time.time())
    for window, limit in COMMENT_LIMITS:
        key = f"gallery:comment-rate:{user.pk}:{window}:{now // window}"
        cache.add(key, 0, timeout=window + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 5)
            count = 1
        if count > limit:
            raise RateLimited(window - now % window)


def resolve_parent(entry: Entry, parent_id, viewer) -> Comment | None:
    """The comment a reply attaches to: a reply to a reply attaches to its top-level comment."""
    if not parent_id:
        return None
    try:
        parent_id = int(parent_id)
    except (TypeError, ValueError):
        return None
    parent = Comment.objects.visible_to(viewer).filter(entry=entry, pk=parent_id, is_deleted=False).first()
    if parent is None:
        return None
    if parent.parent_id:
        return Comment.objects.get(pk=parent.parent_id)
    return parent


def post_comment(entry: Entry, author: User, body: str, *, parent: Comment | None = None) -> Comment:
    comment = Comment.objects.create(
        entry=entry, author=author, parent=parent, body=body, body_html=render_markdown(body)
    )
    entry.refresh_comment_count()
    _notify_about_comment(comment)
    comment_posted.send(sender=Comment, user_id=author.pk, course_id=entry.course_id)
    return comment


def edit_comment(comment: Comment, body: str) -> None:
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
    """After commit, schedule one digest email per recipient for EMAIL_BATCH_SECONDS from now.

    A cache flag marks a digest as already scheduled, so a burst of comments queues one
    task; the task clears the flag before it collects, so nothing that arrives later is missed.
    """
    if not user.wants_gallery_emails:
        return
    user_id = user.pk

    def schedule():
        from gallery.tasks import send_gallery_emails

        if cache.add(f"gallery:email-scheduled:{user_id}", 1, timeout=EMAIL_BATCH_SECONDS + 300):
            send_gallery_emails.apply_async(args=[user_id], countdown=EMAIL_BATCH_SECONDS)

    transaction.on_commit(schedule)


def send_gallery_digest(user_id: int) -> int:
    """Email one message listing every unread gallery notification not emailed yet; returns how many.

    Idempotent: the notifications are claimed (emailed_at set) before the email goes out,
    so a repeated or concurrent run finds nothing left to send.
    """
    cache.delete(f"gallery:email-scheduled:{user_id}")
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
    context = {
        "user": user,
        "notifications": notifications,
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
    }
    try:
        send_templated_email("gallery_digest", user.email, context)
    except Exception:
        # Release the claim so the task's retry sends them.
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=None)
        raise
    return len(notifications)


# --- moderation -------------------------------------------------------------------------


def report_item(reporter: User, reason: str, *, entry: Entry, comment: Comment | None = None) -> Report:
    return Report.objects.create(reporter=reporter, entry=entry, comment=comment, reason=reason)


def set_entry_hidden(entry: Entry, hidden: bool, *, by: User | None = None) -> None:
    if entry.is_hidden == hidden:
        return
    entry.is_hidden = hidden
    entry.save(update_fields=["is_hidden", "updated_at"])
    if hidden:
        notify(
            entry.author,
            Notification.Kind.MODERATION,
            f"A moderator hid your gallery entry “{entry.title}” because it may break the community rules.",
            entry.get_absolute_url(),
        )


def set_comment_hidden(comment: Comment, hidden: bool, *, by: User | None = None) -> None:
    if comment.is_hidden == hidden:
        return
    comment.is_hidden = hidden
    comment.save(update_fields=["is_hidden"])
    comment.entry.refresh_comment_count()
    if hidden:
        notify(
            comment.author,
            Notification.Kind.MODERATION,
            f"A moderator hid your comment on “{comment.entry.title}” because it may break the community rules.",
            comment.entry.get_absolute_url(),
        )


def set_report_target_hidden(report: Report, hidden: bool, *, by: User) -> None:
    if report.comment_id:
        set_comment_hidden(report.comment, hidden, by=by)
    else:
        set_entry_hidden(report.entry, hidden, by=by)


def resolve_reports(reports, by: User) -> int:
    """Close open reports (a queryset); returns how many were open."""
    return reports.filter(status=Report.Status.OPEN).update(
        status=Report.Status.RESOLVED, resolved_by=by, resolved_at=timezone.now()
    )
