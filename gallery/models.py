import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import public_name_sql
from courses.models import Course, StaffMember
from portfolios.models import Portfolio, WithPdf


def cover_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"gallery/{uuid.uuid4().hex}.{ext}"


COVER_MEDIUM_SIDE = 700  # longest side of the entry page's smaller cover (services.store_cover_thumbnails)

# The gallery's sort orders (?sort=), each a full order so pages never overlap.
SORTS = {"newest": ("-published_at", "-pk"), "discussed": ("-comment_count", "-published_at", "-pk")}


# What the `instructors` group carries for the gallery (accounts/groups.py): seeing every entry and
# comment, and hiding or restoring them.
STAFF_PERMISSIONS = ("gallery.view_entry", "gallery.change_entry", "gallery.view_comment", "gallery.change_comment")


def is_course_staff(user, course: Course) -> bool:
    """Whether the user is staff in the course's gallery: sees its unpublished and hidden entries,
    their PDFs and hidden comments, and moderates. That is a superuser, or a staff account that is
    one of the course's instructors (Course.is_taught_by) and holds the gallery permissions of the
    `instructors` group. Anyone else, is_staff or not, is a learner there (and needs an enrollment)."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or (user.has_perms(STAFF_PERMISSIONS) and course.is_taught_by(user))


class EntryQuerySet(models.QuerySet):
    def published(self):
        """What every learner sees in a gallery."""
        return self.filter(is_published=True, is_hidden=False)

    def visible_to(self, user, *, staff: bool):
        """The course's staff (`staff`, is_course_staff) see every entry (hidden ones are marked);
        learners see published, unhidden entries plus their own, so an author can still find an
        entry they unpublished."""
        if staff:
            return self
        return self.filter(models.Q(is_published=True, is_hidden=False) | models.Q(author=user))

    def search(self, text: str):
        """Entries whose card matches: its title or its author's public name, never what that name
        hides (a username is the email's local part; a first name behind a display name)."""
        text = text.strip()
        if not text:
            return self
        return self.alias(author_name=public_name_sql("author__")).filter(
            models.Q(title__icontains=text) | models.Q(author_name__icontains=text)
        )

    def for_grid(self, course, sort: str):
        """A course's gallery cards in one of SORTS, each with its author (not the texts a card does not show)."""
        return (
            self.filter(course=course).select_related("author").order_by(*SORTS[sort])
            .defer("snapshot", "summary", "critical_evaluation")
        )


class Entry(WithPdf):
    """A portfolio published to the course gallery, as a snapshot taken at publish time.

    Its PDF (WithPdf: `pdf` and its job) shows the snapshot: portfolios.services.request_pdf(entry,
    entry.snapshot, gallery.tasks.render_entry_pdf) asks for it.
    """

    portfolio = models.OneToOneField(Portfolio, on_delete=models.CASCADE, related_name="entry")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entries")
    title = models.CharField(max_length=150)
    summary = models.TextField()
    critical_evaluation = models.TextField()
    cover = models.ImageField(upload_to=cover_path, blank=True)
    cover_small = models.ImageField(upload_to=cover_path, blank=True)
    cover_large = models.ImageField(upload_to=cover_path, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    is_published = models.BooleanField(default=True)
    is_hidden = models.BooleanField(default=False)
    first_published_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(default=timezone.now)
    comment_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Who last hid or restored it.",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    # --- #16.11: the cover's description (its alt text), a middle size for srcset and its shape ---
    cover_alt = models.CharField(max_length=250, blank=True)
    cover_medium = models.ImageField(upload_to=cover_path, blank=True)
    cover_width = models.PositiveIntegerField(null=True, blank=True)
    cover_height = models.PositiveIntegerField(null=True, blank=True)
    # --- #16.9: a copy of the portfolio's own file (portfolios.Portfolio.attachment) as published ---
    attachment = models.FileField(upload_to=cover_path, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["course", "is_published", "is_hidden", "-published_at"]),
            models.Index(fields=["course", "is_published", "is_hidden", "-comment_count"]),
            # The learners' gallery list: only what peers see, in each sort's full order, so a
            # page is an index range scan (a bare boolean test cannot use the indexes above on SQLite).
            models.Index(
                fields=["course", "-published_at", "-id"],
                condition=models.Q(is_published=True, is_hidden=False),
                name="entry_peer_newest",
            ),
            models.Index(
                fields=["course", "-comment_count", "-published_at", "-id"],
                condition=models.Q(is_published=True, is_hidden=False),
                name="entry_peer_discussed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("gallery:entry", args=[self.course.slug, self.pk])

    @property
    def cover_medium_width(self) -> int:
        """#16.11: the width of the middle cover size (its longer side at most COVER_MEDIUM_SIDE), for srcset."""
        if not self.cover_width or not self.cover_height:
            return 0
        return max(1, round(self.cover_width * min(1.0, COVER_MEDIUM_SIDE / max(self.cover_width, self.cover_height))))

    @property
    def is_visible_to_peers(self) -> bool:
        return self.is_published and not self.is_hidden

    def refresh_comment_count(self) -> None:
        """Recount in one UPDATE: comments that peers can see (not hidden, not deleted).

        A recount rather than +1/-1 keeps the number right whatever happened (hide,
        restore, delete of a comment with replies) and costs one indexed query. The entry's
        updated_at moves with it, so the cached grid shows the new count.
        """
        visible = (
            Comment.objects.filter(entry=models.OuterRef("pk"), is_hidden=False, is_deleted=False)
            .order_by()
            .values("entry")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        Entry.objects.filter(pk=self.pk).update(
            comment_count=Coalesce(models.Subquery(visible), 0), updated_at=timezone.now()
        )
        self.refresh_from_db(fields=["comment_count", "updated_at"])

    @property
    def has_snapshot_answers(self) -> bool:
        return any(worksheet.get("answered") for worksheet in self.snapshot.get("worksheets", []))

class CommentQuerySet(models.QuerySet):
    def visible_to(self, *, staff: bool):
        """Hidden comments stay visible (marked) to the course's staff only (is_course_staff)."""
        return self if staff else self.filter(is_hidden=False)

    def threads(self, entry, *, staff: bool):
        """The entry's conversations this reader sees, oldest first: its top-level comments with
        their authors, leaving out a deleted one unless replies this reader sees hang under it."""
        has_replies = models.Exists(self.model.objects.visible_to(staff=staff).filter(parent=models.OuterRef("pk")))
        return (
            self.visible_to(staff=staff)
            # "not a reply" as NOT (parent IS NOT NULL), the same rows as parent=None: SQLite would
            # answer `parent_id IS NULL` from the parent index, which holds every top-level comment of
            # every entry; written this way it counts them from the entry's index.
            .filter(~models.Q(parent__isnull=False), entry=entry)
            .filter(models.Q(is_deleted=False) | has_replies)
            .select_related("author")
            .with_author_roles(entry.course_id)
            .with_open_reports(staff=staff)
        )

    def with_open_reports(self, *, staff: bool):
        """For the course's staff, each comment's `open_reports` (a count, in the same query), so the
        page flags what learners reported; other readers never learn of reports."""
        if not staff:
            return self
        reports = Report.objects.filter(comment=models.OuterRef("pk"), status=Report.Status.OPEN).order_by().values("comment")
        return self.annotate(open_reports=models.Subquery(reports.annotate(n=models.Count("pk")).values("n")))

    def with_author_roles(self, course_id: int):
        """Each comment with `author_teaches`: whether its author is one of the course's instructors
        (Course.is_taught_by), so the page marks staff posts in a way no display name can imitate."""
        teaches = StaffMember.objects.filter(course_id=course_id, user=models.OuterRef("author_id"), role=StaffMember.Role.INSTRUCTOR)
        return self.annotate(author_teaches=models.Exists(teaches))

    def with_replies(self, *, staff: bool, course_id: int):
        """Each comment's replies this reader sees, with their authors and roles, as `reply_list` (one query)."""
        replies = self.model.objects.visible_to(staff=staff).select_related("author").with_author_roles(course_id).with_open_reports(staff=staff)
        return self.prefetch_related(models.Prefetch("replies", queryset=replies, to_attr="reply_list"))

    def page_of(self, comment_id, per_page: int) -> int:
        """The page of these threads that holds the comment (a reply is on its thread's page); 1 if none does."""
        try:
            thread = self.filter(models.Q(pk=comment_id) | models.Q(replies__pk=comment_id)).first()
        except (TypeError, ValueError):
            return 1
        if thread is None:
            return 1
        earlier = models.Q(created_at__lt=thread.created_at) | models.Q(created_at=thread.created_at, pk__lt=thread.pk)
        return self.filter(earlier).count() // per_page + 1


class Comment(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="comments")
    # None only on a "deleted" placeholder whose author's account was deleted (services.delete_comments_by).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="gallery_comments"
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(max_length=5000)
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    is_deleted = models.BooleanField(
        default=False, help_text="Deleted by its author but kept as a placeholder because it has replies."
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Who last hid or restored it.",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # A thread in order; is_deleted rides along so the course dashboard's comment counts read
            # only the index (gallery.studio.dashboard_section).
            models.Index(fields=["entry", "created_at", "is_deleted"], name="gallery_comment_thread_idx"),
            models.Index(fields=["author", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Comment by {self.author or 'a deleted account'} on {self.entry}"

    def get_absolute_url(self) -> str:
        """The entry page that holds this comment (it finds the page of the discussion) at the comment."""
        return f"{self.entry.get_absolute_url()}?comment={self.pk}#comment-{self.pk}"


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reason = models.TextField(max_length=1000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # When the course's staff were told of it (services.notify_staff_of_report claims it once).
    staff_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entry__isnull=False) | models.Q(comment__isnull=False),
                name="report_has_target",
            ),
            # One open report per reporter and target (services.report_item); a report on a comment
            # also names its entry, so an entry's own reports are those without a comment.
            models.UniqueConstraint(
                fields=["reporter", "entry"], condition=models.Q(status="open", comment__isnull=True),
                name="one_open_report_per_reporter_and_entry",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"], condition=models.Q(status="open", comment__isnull=False),
                name="one_open_report_per_reporter_and_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"Report by {self.reporter}: {self.reason[:40]}"

    @property
    def target(self):
        """The reported comment or entry (a comment report also names its entry)."""
        return self.comment or self.entry

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class RulesAcceptance(models.Model):
    """A learner accepted the course's community rules (asked once, before the first post)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="unique_rules_acceptance")]

    def __str__(self) -> str:
        return f"{self.user} accepted the rules of {self.course}"
