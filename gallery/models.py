import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from core.cache import bump_version
from core.prepared import PreparedRows
from courses.models import Course
from portfolios.models import Portfolio, WithPdf


def cover_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"gallery/{uuid.uuid4().hex}.{ext}"


PUBLISHED_COUNT_TIMEOUT = 5 * 60


def published_count_key(course_id: int) -> str:
    return f"gallery:published-count:{course_id}"


class EntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see every entry (hidden ones are marked); learners see published, unhidden
        entries plus their own, so an author can still find an entry they unpublished."""
        if user.is_staff:
            return self
        return self.filter(models.Q(is_published=True, is_hidden=False) | models.Q(author=user))

    def published_count(self, course_id: int) -> int:
        """How many entries every learner sees in the course's gallery (the unsearched list's
        count), kept in the cache until an entry of the course is saved or deleted
        (gallery/apps.py). The timeout bounds a count computed just before a change commits."""
        key = published_count_key(course_id)
        count = cache.get(key)
        if count is None:
            count = self.filter(course_id=course_id, is_published=True, is_hidden=False).count()
            cache.set(key, count, PUBLISHED_COUNT_TIMEOUT)
        return count

    def forget_published_count(self, course_id: int) -> None:
        cache.delete(published_count_key(course_id))

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(title__icontains=text)
            | models.Q(author__display_name__icontains=text)
            | models.Q(author__first_name__icontains=text)
            | models.Q(author__last_name__icontains=text)
            | models.Q(author__username__icontains=text)
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

    # Transitional, until publish_entry and the entry admin say `pdf` (the i13-portfolios report).
    @property
    def snapshot_pdf(self):
        return self.pdf

    @snapshot_pdf.setter
    def snapshot_pdf(self, value):
        self.pdf = value

    @property
    def is_visible_to_peers(self) -> bool:
        return self.is_published and not self.is_hidden

    def refresh_comment_count(self) -> None:
        """Recount in one UPDATE: comments that peers can see (not hidden, not deleted).

        A recount rather than +1/-1 keeps the number right whatever happened (hide,
        restore, delete of a comment with replies) and costs one indexed query.
        """
        visible = (
            Comment.objects.filter(entry=models.OuterRef("pk"), is_hidden=False, is_deleted=False)
            .order_by()
            .values("entry")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        Entry.objects.filter(pk=self.pk).update(
            comment_count=Coalesce(models.Subquery(visible), 0)
        )
        self.refresh_from_db(fields=["comment_count"])
        # The list's cards print the count (gallery.views._published_grid_html).
        bump_list_version(self.course_id)

    def snapshot_worksheets(self) -> list[dict]:
        """The snapshot's worksheets ready to show: only answered prompts, links only for web addresses."""
        worksheets = []
        for worksheet in self.snapshot.get("worksheets", []):
            prompts = []
            for prompt in worksheet.get("prompts", []):
                display = prompt.get("display") or ""
                image = prompt.get("image") or ""
                if not display and not image:
                    continue
                is_link = prompt.get("kind") == "url" and display.lower().startswith(("http://", "https://"))
                prompts.append(
                    {
                        "label": prompt.get("label", ""),
                        "display": display,
                        "image_url": default_storage.url(image) if image else "",
                        "is_link": is_link,
                    }
                )
            if prompts:
                worksheets.append({"title": worksheet.get("title", ""), "step": worksheet.get("step"), "prompts": prompts})
        return worksheets


# --- the gallery list's lookups, prepared once (core.prepared) -------------------------------

# What a card in the list shows, and the author's name columns (User.public_name).
LIST_COLUMNS = ("title", "cover_small", "published_at", "comment_count", "is_published", "is_hidden", "author")
NAME_COLUMNS = ("display_name", "first_name", "last_name", "username")
_OWN_ENTRY = PreparedRows(
    [("g", Entry, ["is_published", "is_hidden"])],
    "FROM {g} g INNER JOIN {p} p ON p.id = g.portfolio_id WHERE p.enrollment_id = %s",
    tables={"p": Portfolio},
)
_PUBLISHED_PAGE = "FROM {g} g INNER JOIN {u} u ON u.id = g.author_id WHERE g.course_id = %s AND g.is_published AND NOT g.is_hidden"
# The sorts' ORDER BY, as the list's ORM ordering writes them (gallery.views.SORTS).
_PUBLISHED_PAGES = {
    sort: PreparedRows(
        [("g", Entry, LIST_COLUMNS), ("u", settings.AUTH_USER_MODEL, NAME_COLUMNS)],
        f"{_PUBLISHED_PAGE} ORDER BY {order} LIMIT %s OFFSET %s",
    )
    for sort, order in {
        "newest": "g.published_at DESC, g.id DESC",
        "discussed": "g.comment_count DESC, g.published_at DESC, g.id DESC",
    }.items()
}


def own_entry(enrollment_id: int) -> "Entry | None":
    """The learner's own gallery entry (is_published and is_hidden only), or None."""
    rows = _OWN_ENTRY.rows([enrollment_id])
    return rows[0][0] if rows else None


# The big columns: only the entry page's cached body (gallery.views._entry_body_html) reads them.
LIST_DEFERRED = ("summary", "critical_evaluation", "snapshot")
_ENTRY_PAGE = PreparedRows(
    [("g", Entry, [f.name for f in Entry._meta.concrete_fields if f.name not in LIST_DEFERRED]),
     ("u", settings.AUTH_USER_MODEL)],
    "FROM {g} g INNER JOIN {u} u ON u.id = g.author_id WHERE g.course_id = %s AND g.id = %s",
)


def entry_for_reader(course_id: int, pk: int, user) -> "Entry | None":
    """The course's entry with its author, if this reader may see it (Entry.objects.visible_to's rule):
    staff see every entry, learners published unhidden ones and their own. The texts and snapshot are deferred."""
    rows = _ENTRY_PAGE.rows([course_id, pk])
    if not rows:
        return None
    entry, author = rows[0]
    if not (user.is_staff or entry.is_visible_to_peers or entry.author_id == user.pk):
        return None
    Entry.author.field.set_cached_value(entry, author)
    return entry


class PublishedEntries:
    """A course's published, unhidden entries in one sort order, for the Paginator.

    What every learner sees in the unsearched gallery list: the count comes from the cache
    (Entry.objects.published_count) and each page is one prepared query, entries with their
    authors' names (the rest of both rows deferred).
    """

    ordered = True

    def __init__(self, course_id: int, sort: str):
        self.course_id = course_id
        self.query = _PUBLISHED_PAGES[sort]

    def count(self) -> int:
        return Entry.objects.published_count(self.course_id)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list:
        if not isinstance(page, slice) or page.step is not None or (page.start or 0) < 0 or page.stop is None:
            raise TypeError("PublishedEntries only takes a page slice such as [24:48].")
        start = page.start or 0
        entries = []
        for entry, author in self.query.rows([self.course_id, max(page.stop - start, 0), start]):
            Entry.author.field.set_cached_value(entry, author)
            entries.append(entry)
        return entries


def list_version_key(course_id: int) -> str:
    return f"gallery:list-version:{course_id}"


def bump_list_version(course_id: int) -> None:
    """Mark a course's gallery list as changed: an entry saved or deleted, a comment count recounted."""
    bump_version(list_version_key(course_id))


def comments_version_key(entry_id: int) -> str:
    return f"gallery:comments-version:{entry_id}"


def bump_comments_version(entry_id: int) -> None:
    """Mark an entry's comments as changed (any save or delete of one, gallery/apps.py)."""
    bump_version(comments_version_key(entry_id))


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Hidden comments stay visible (marked) to staff only."""
        return self if user.is_staff else self.filter(is_hidden=False)


class Comment(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gallery_comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(max_length=5000)
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    is_deleted = models.BooleanField(
        default=False, help_text="Deleted by its author but kept as a placeholder because it has replies."
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["entry", "created_at"]), models.Index(fields=["author", "created_at"])]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.entry}"

    def get_absolute_url(self) -> str:
        return f"{self.entry.get_absolute_url()}#comment-{self.pk}"


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

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entry__isnull=False) | models.Q(comment__isnull=False),
                name="report_has_target",
            )
        ]

    def __str__(self) -> str:
        return f"Report by {self.reporter}: {self.reason[:40]}"

    @property
    def target(self):
        """The reported comment or entry (a comment report also names its entry)."""
        return self.comment or self.entry


class RulesAcceptance(models.Model):
    """A learner accepted the course's community rules (asked once, before the first post)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="unique_rules_acceptance")]

    def __str__(self) -> str:
        return f"{self.user} accepted the rules of {self.course}"
