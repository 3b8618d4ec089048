import uuid

from django.conf import settings
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from core.markdown import render_markdown
from core.prepared import PreparedRows
from courses.models import Course


def badge_image_path(instance, filename: str) -> str:
    return f"badges/{uuid.uuid4().hex}.png"


class BadgeClassQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


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


class Award(models.Model):
    """An Open Badges 2.0 assertion: one badge class earned by one learner."""

    badge = models.ForeignKey(BadgeClass, on_delete=models.CASCADE, related_name="awards")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="awards")
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
        return f"{self.badge} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse("badges:award", args=[self.uuid])

    def is_visible_to(self, user) -> bool:
        """A private award is seen only by its owner; a public one by anyone (revoked ones say so)."""
        return self.is_public or (user.is_authenticated and user.pk == self.recipient_id)

    def set_public(self, is_public: bool) -> None:
        self.is_public = is_public
        self.save(update_fields=["is_public"])


# --- the badge pages' lookups, prepared once (core.prepared) --------------------------------

_AWARDS_OF = PreparedRows(
    [("a", Award), ("b", BadgeClass)],
    "FROM {a} a INNER JOIN {b} b ON b.id = a.badge_id WHERE a.recipient_id = %s ORDER BY a.awarded_at, a.id",
)
_AWARD_PAGE = PreparedRows(
    [("a", Award), ("b", BadgeClass), ("c", Course), ("u", settings.AUTH_USER_MODEL)],
    "FROM {a} a INNER JOIN {b} b ON b.id = a.badge_id INNER JOIN {c} c ON c.id = b.course_id"
    " INNER JOIN {u} u ON u.id = a.recipient_id WHERE a.uuid = %s",
)


def awards_of(user_id: int) -> list[Award]:
    """The learner's awards, revoked ones included, with their badge classes, oldest first."""
    awards = []
    for award, badge in _AWARDS_OF.rows([user_id]):
        Award.badge.field.set_cached_value(award, badge)
        awards.append(award)
    return awards


def award_with_badge(award_uuid) -> Award | None:
    """The award with its badge class, the badge's course and the recipient loaded, or None."""
    value = Award._meta.get_field("uuid").get_db_prep_value(award_uuid, connection)
    rows = _AWARD_PAGE.rows([value])
    if not rows:
        return None
    award, badge, course, recipient = rows[0]
    BadgeClass.course.field.set_cached_value(badge, course)
    Award.badge.field.set_cached_value(award, badge)
    Award.recipient.field.set_cached_value(award, recipient)
    return award
