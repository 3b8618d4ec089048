import logging
import secrets
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from PIL import UnidentifiedImageError

from badges.images import VARIANT_SIDES, variant_png
from core.markdown import markdown_to_text, render_markdown
from courses.models import Course, Enrollment
from portfolios.models import WithPdf

logger = logging.getLogger(__name__)


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
    # Smaller copies for the pages (made from `image` on save); the full size is the Open Badges image.
    image_96 = models.ImageField(upload_to=badge_image_path, blank=True, editable=False)
    image_192 = models.ImageField(upload_to=badge_image_path, blank=True, editable=False)
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

    def save(self, *args, **kwargs):
        """Make the small copies when the image is new (the admin's form clears them on a new upload)."""
        update_fields = kwargs.get("update_fields")
        if self.image and not (self.image_96 and self.image_192) and (update_fields is None or "image" in update_fields):
            self.store_variants()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "image_96", "image_192"}
        super().save(*args, **kwargs)

    def description_html(self) -> str:
        return render_markdown(self.description)

    def description_text(self) -> str:
        """The description without its Markdown, for meta tags and the Open Badges JSON, whose
        `description` is plain text (OB 2.0 Text, OB 3.0 String; only `criteria.narrative` is Markdown)."""
        return markdown_to_text(self.description)

    def criteria_html(self) -> str:
        return render_markdown(self.criteria)

    def store_variants(self) -> None:
        """Make the 96 and 192 px copies; when the stored image cannot be read, the pages keep
        showing the full image (small_url) and the next save tries again."""
        try:
            with self.image.open("rb") as stored:
                data = stored.read()
            copies = {side: variant_png(data, side) for side in VARIANT_SIDES}
        except (OSError, UnidentifiedImageError):
            logger.warning("Badge %s: no small copies, its image %s cannot be read", self.slug, self.image.name)
            return
        for side, png in copies.items():
            getattr(self, f"image_{side}").save(f"{side}.png", ContentFile(png), save=False)

    def srcset(self) -> str:
        """The `srcset` of the page-sized copies, or "" before they exist (then `src` is the full image)."""
        if not (self.image_96 and self.image_192):
            return ""
        return f"{self.image_96.url} 96w, {self.image_192.url} 192w"

    def small_url(self) -> str:
        return self.image_192.url if self.image_192 else self.image.url


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
    """One badge class earned by one learner: an Open Badges 2.0 hosted assertion, and an
    Open Badges 3.0 verifiable credential whose revocation status index is this row's id."""

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
    # The Open Badges 3.0 credential as signed when it was issued (badges.services.issue_credential):
    # with its Data Integrity proof, and as a VC-JWT. Never rebuilt, so it verifies as issued.
    credential = models.JSONField(null=True, blank=True, editable=False)
    credential_jwt = models.TextField(blank=True, editable=False)

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



def certificate_code() -> str:
    """The short code of a certificate's public URL (/c/<code>/): 10 characters a person can type
    from paper (no 0/O, 1/l/I), about 50 bits, so the pages cannot be found by guessing."""
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(is_revoked=False)


class Certificate(WithPdf):
    """A learner's certificate of completion of a course: an Open Badges 3.0 credential of its own
    (achievement type CertificateOfCompletion, status index = this row's id in the `certificates`
    list), a PDF with a QR code to its public page, revoked the same way as an award."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=16, unique=True, default=certificate_code, editable=False)
    issued_at = models.DateTimeField(default=timezone.now)
    hours = models.PositiveSmallIntegerField(default=0)
    salt = models.CharField(max_length=32)
    recipient_identity = models.CharField(max_length=80)
    recipient_name = models.CharField(max_length=200)
    credential = models.JSONField(null=True, blank=True, editable=False)
    credential_jwt = models.TextField(blank=True, editable=False)
    is_revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"Certificate: {self.enrollment.course} → {self.recipient_name}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:detail", args=[self.code])
