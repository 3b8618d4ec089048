import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat, Greatest, NullIf, Trim
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField


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
