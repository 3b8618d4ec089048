import functools
import uuid
import zoneinfo
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat, Greatest, NullIf, Trim
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField


def validate_time_zone(value: str) -> None:
    """An IANA name this Python knows (zoneinfo), so activating it can never fail on a later request."""
    if value and value not in available_time_zones():
        raise ValidationError(f"“{value}” is not a time zone we know. Please choose one from the list.")


@functools.cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def avatar_path(instance: "User", filename: str) -> str:
    # A random name: the uploaded file name is never trusted or shown.
    return f"avatars/{uuid.uuid4().hex}.png"


class User(AbstractUser):
    """A learner, instructor or admin. Email is the login; username is the public handle."""

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=80, blank=True)
    country = CountryField(blank=True, help_text="Some courses are not available in every country.")
    bio = models.TextField(max_length=2000, blank=True)
    avatar = models.ImageField(upload_to=avatar_path, blank=True)
    profile_is_public = models.BooleanField(
        "show my profile publicly",
        default=False,
        help_text="When on, anyone with the link can see your name, bio and badges.",
    )
    wants_gallery_emails = models.BooleanField(
        "email me about comments on my gallery entry and replies to my comments", default=True
    )
    wants_pace_reminders = models.BooleanField(
        "email me a weekly reminder when I fall behind my recommended schedule", default=True
    )
    # Blank until the browser reports it (static/js/site.js): until then pages show the server's zone.
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Dates and deadlines are shown in this time zone.",
    )
    wants_course_emails = models.BooleanField(
        "email me my instructors' announcements and their feedback on my work", default=True
    )
    email_token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    # The header's count, kept beside the user row so the page header needs no query of its
    # own: notify() adds one, marking read takes away what it marked, and the notifications
    # page puts it right if it ever drifted.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name other people see: the display name, else the full name, else the username
        (public_name_sql is the same rule in SQL)."""
        return self.display_name or self.get_full_name() or self.username

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The person's time zone (time_zone), else the site's (TIME_ZONE): for dates shown on
        their behalf to someone else, as on their certificate."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone) if self.time_zone else timezone.get_default_timezone()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return timezone.get_default_timezone()

    def get_absolute_url(self) -> str:
        return reverse("accounts:public_profile", args=[self.username])


def public_name_sql(path: str = ""):
    """User.public_name as an expression, for the user at `path` ("author__"), so a search can
    match the name people see and nothing behind it."""
    full_name = Trim(Concat(f"{path}first_name", Value(" "), f"{path}last_name"))
    return Coalesce(NullIf(f"{path}display_name", Value("")), NullIf(full_name, Value("")), f"{path}username")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.filter(user=user)

    def mark_read(self, user) -> int:
        """Mark all of the user's unread notifications read and take them off the count."""
        marked = self.for_user(user).unread().update(read_at=timezone.now())
        if marked:
            User.objects.filter(pk=user.pk).update(unread_notifications=Greatest(F("unread_notifications") - marked, 0))
        return marked

    def recount(self, user) -> int:
        """The true unread count, written back to the user row when it differs."""
        count = self.for_user(user).unread().count()
        if count != user.unread_notifications:
            User.objects.filter(pk=user.pk).update(unread_notifications=count)
            user.unread_notifications = count
        return count


class Notification(models.Model):
    """An on-site message for one user (gallery comments, replies, badges)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "New comment"
        REPLY = "reply", "Reply"
        BADGE = "badge", "Badge earned"
        MODERATION = "moderation", "Moderation"
        COURSE = "course", "Course"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.text

    def mark_read(self) -> None:
        """Mark as read once: only the request that flips it takes it off the user's count."""
        if self.read_at is not None:
            return
        self.read_at = timezone.now()
        if Notification.objects.filter(pk=self.pk, read_at__isnull=True).update(read_at=self.read_at):
            User.objects.filter(pk=self.user_id).update(unread_notifications=Greatest(F("unread_notifications") - 1, 0))


def export_path(instance: "DataExport", filename: str) -> str:
    """`exports/<random>.zip`: a prefix core.media never serves, so only the owner's view reads it."""
    return f"exports/{uuid.uuid4().hex}.zip"


class DataExportQuerySet(models.QuerySet):
    def expired(self, now: datetime | None = None):
        """Exports whose download is past DataExport.KEPT_FOR (the daily task deletes them, files and all)."""
        return self.filter(finished_at__lte=(now or timezone.now()) - DataExport.KEPT_FOR)


class DataExport(models.Model):
    """A learner's download of their data, one per learner: asking again replaces it.

    Built in the background (accounts.tasks.build_data_export) into private storage, announced by
    email, served only to its owner (accounts.views.data_export_download) and deleted KEPT_FOR
    after it was made. The job is claimed in the database like a portfolio PDF's: asking queues
    a job unless one is queued or building within BUILD_DEADLINE, and the worker records its file
    only while the job it started is still the current one.
    """

    class Status(models.TextChoices):
        NONE = "none", "Not asked for"
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    KEPT_FOR = timedelta(days=7)
    # The build task's hard limit; a job not done this long after it was queued or started (plus
    # a margin to be picked up) is dead, and may be asked for again.
    BUILD_TIME_LIMIT = 300
    BUILD_DEADLINE = timedelta(seconds=BUILD_TIME_LIMIT + 60)
    FAILED_MESSAGE = "We could not prepare your download this time. Please try again in a few minutes."

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="data_export")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NONE)
    file = models.FileField(upload_to=export_path, blank=True)
    # When the current job was queued, or once building, started: its deadline runs from here.
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    objects = DataExportQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Data export of {self.user} ({self.get_status_display()})"

    @property
    def job_status(self) -> str:
        """status as the page shows it: a job past its deadline has failed (it may be asked for again),
        and a download past KEPT_FOR is gone (the daily task may not have deleted it yet)."""
        now = timezone.now()
        if self.status in (self.Status.QUEUED, self.Status.BUILDING) and self.requested_at <= now - self.BUILD_DEADLINE:
            return self.Status.FAILED
        if self.status == self.Status.READY and (not self.file or self.finished_at <= now - self.KEPT_FOR):
            return "expired"
        return self.status

    @property
    def expires_at(self) -> datetime | None:
        return self.finished_at + self.KEPT_FOR if self.finished_at else None

    def _rows(self):
        return DataExport.objects.filter(pk=self.pk)

    def claim(self) -> bool:
        """Queue a new job unless one is queued or building within its deadline; True if this call
        queued it. The previous download's file goes (after the commit) with the claim."""
        now = timezone.now()
        busy = models.Q(status__in=[self.Status.QUEUED, self.Status.BUILDING], requested_at__gt=now - self.BUILD_DEADLINE)
        previous = self.file.name
        claimed = self._rows().exclude(busy).update(
            status=self.Status.QUEUED, requested_at=now, file="", finished_at=None, emailed_at=None, size=0
        )
        self.refresh_from_db()
        if claimed and previous:
            storage = self.file.storage
            transaction.on_commit(lambda: storage.delete(previous))
        return bool(claimed)

    def start_build(self) -> datetime | None:
        """The worker's claim: building, unless another worker builds within the deadline (or the
        job is done). Returns the claim's time, which `store` and `fail` check, or None."""
        now = timezone.now()
        pending = models.Q(status=self.Status.QUEUED) | models.Q(
            status=self.Status.BUILDING, requested_at__lte=now - self.BUILD_DEADLINE
        )
        taken = self._rows().filter(pending).update(status=self.Status.BUILDING, requested_at=now)
        return now if taken else None

    def store(self, name: str, size: int, started_at: datetime) -> bool:
        """Record the built file, if the job started at `started_at` is still this worker's."""
        return bool(
            self._rows().filter(status=self.Status.BUILDING, requested_at=started_at).update(
                status=self.Status.READY, file=name, size=size, finished_at=timezone.now()
            )
        )

    def fail(self, started_at: datetime) -> None:
        self._rows().filter(status=self.Status.BUILDING, requested_at=started_at).update(status=self.Status.FAILED)

    def claim_email(self) -> bool:
        """The ready email's claim, so a retried or repeated task sends it once."""
        return bool(
            self._rows().filter(status=self.Status.READY, emailed_at__isnull=True).update(emailed_at=timezone.now())
        )

    def release_email(self) -> None:
        self._rows().update(emailed_at=None)
