import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.markdown import render_markdown
from courses.models import Course


def badge_image_path(instance, filename: str) -> str:
    return f"badges/{uuid.uuid4().hex}.png"


class BadgeClassQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def to_earn(self, *, course_ids, held_ids):
        """The active badges of these courses that are not held, in each course's order.

        A revoked award stays among the held ones: a revocation is not undone by showing the
        badge as still to earn."""
        return self.active().filter(course_id__in=course_ids).exclude(pk__in=held_ids).order_by("order", "pk")


class BadgeClass(models.Model):
    class Rule(models.TextChoices):
        SESSION_COMPLETED = "session_completed", "Session N completed"
        COURSE_COMPLETED = "course_completed", "Course completed"
        WORKSHEET_SUBMITTED = "worksheet_submitted", "Worksheet submitted (parameter: step number)"
        PORTFOLIO_PUBLISHED = "portfolio_published", "Portfolio published to the gallery"
        COMMENTS_GIVEN = "comments_given", "N comments given on peers' entries"
        MANUAL = "manual", "Awarded manually by staff"

    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="badges")
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField()
    criteria = models.TextField(help_text="Markdown: what a learner does to earn it.")
    image = models.ImageField(upload_to=badge_image_path)
    rule = models.CharField(max_length=30, choices=Rule.choices, default=Rule.MANUAL)
    rule_param = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BadgeClassQuerySet.as_manager()

    class Meta:
        ordering = ["course", "order", "pk"]
        verbose_name = "badge"

    def __str__(self) -> str:
        return self.name

    def criteria_html(self) -> str:
        return render_markdown(self.criteria)


class AwardQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(is_revoked=False)

    def shown_publicly(self):
        """Awards anyone may see: not revoked and not made private by the learner."""
        return self.valid().filter(is_public=True)

    def visible_to(self, user):
        """Awards whose page `user` may open: every public one (a revoked one says so on its page)
        and, for a logged-in learner, their own private ones too."""
        if user.is_authenticated:
            return self.filter(Q(is_public=True) | Q(recipient=user))
        return self.filter(is_public=True)

    def for_recipient(self, user):
        """A learner's awards, revoked ones included, with their badge classes, oldest first."""
        return self.filter(recipient=user).select_related("badge").order_by("awarded_at", "pk")


class Award(models.Model):
    """An Open Badges 2.0 assertion: one badge class earned by one learner."""

    badge = models.ForeignKey(BadgeClass, on_delete=models.CASCADE, related_name="awards")
    # None once the earner's account is deleted: the award outlives it, naming them by
    # recipient_name and the identity hash (badges.services.keep_awards_of).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    awarded_at = models.DateTimeField(default=timezone.now)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    evidence_url = models.URLField(blank=True)
    salt = models.CharField(max_length=32, blank=True)
    # The hashed email the assertion names, fixed when the badge is awarded: a learner who later
    # changes their email keeps badges (and baked PNGs) that still verify.
    recipient_identity = models.CharField(max_length=80, blank=True)
    # The name the award page showed, kept when the earner's account is deleted ("" while it exists).
    recipient_name = models.CharField(max_length=300, blank=True)
    is_public = models.BooleanField(default=True)
    is_revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["-awarded_at"]
        constraints = [models.UniqueConstraint(fields=["badge", "recipient"], name="unique_award_per_learner")]

    def __str__(self) -> str:
        return f"{self.badge} → {self.earner_name or 'a deleted account'}"

    def get_absolute_url(self) -> str:
        return reverse("badges:award", args=[self.uuid])

    @property
    def earner_name(self) -> str:
        """Who earned it, as the award page names them: the account's public name, or once the
        account is deleted the name kept for a badge left valid ("" for one withdrawn)."""
        return self.recipient.public_name if self.recipient_id else self.recipient_name

    def set_public(self, is_public: bool) -> None:
        self.is_public = is_public
        self.save(update_fields=["is_public"])

