from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.html import format_html
from PIL import Image, ImageOps

from badges.models import Award, BadgeClass, Certificate
from badges.services import award_badge, revoke_award, revoke_certificate
from core.images import open_image, reencode
from courses.admin import AuthoringAdminMixin, CourseScopedAdmin
from courses.models import Enrollment

BADGE_MIN_SIDE = 400
BADGE_MAX_SIDE = 1024


def square_badge_png(uploaded) -> ContentFile:
    """Decode a PNG/JPEG upload and return a square PNG of at least 400×400.

    Non-square artwork is padded with transparency rather than cropped, so nothing of the
    design is lost; small images are scaled up, huge ones down.
    """
    image = open_image(uploaded, max_side=BADGE_MAX_SIDE)  # validated, size-limited, upright, at most 1024
    uploaded.seek(0)
    with Image.open(uploaded) as probe:  # open_image's upright copy no longer knows its format
        fmt = probe.format
    if fmt not in ("PNG", "JPEG"):
        raise ValidationError("Please upload the badge image as a PNG or JPEG file.", code="format")
    side = min(max(BADGE_MIN_SIDE, *image.size), BADGE_MAX_SIDE)
    square = ImageOps.pad(image.convert("RGBA"), (side, side), Image.Resampling.LANCZOS, color=(0, 0, 0, 0))
    return reencode(square, fmt="PNG")


class BadgeClassForm(forms.ModelForm):
    class Meta:
        model = BadgeClass
        fields = [
            "course", "name", "slug", "description", "criteria", "order", "is_active", "image", "rule", "rule_param",
        ]
        help_texts = {
            "description": "Markdown: one or two sentences on what the badge recognises.",
            "image": "PNG or JPEG. It becomes a square PNG of at least 400×400 pixels (padded, never cropped).",
            "rule_param": "Session rule: the session number. Worksheet rule: the strategy step. "
            "Comments rule: how many different peers' entries. Leave empty for the other rules.",
        }

    def clean_image(self):
        image = self.cleaned_data["image"]
        if isinstance(image, UploadedFile):
            # A new picture: its page-sized copies are made again from it when the badge is saved.
            self.instance.image_96 = self.instance.image_192 = ""
            return square_badge_png(image)
        return image

    def clean(self):
        cleaned = super().clean()
        rule = cleaned.get("rule")
        needs_param = {BadgeClass.Rule.SESSION_COMPLETED, BadgeClass.Rule.WORKSHEET_SUBMITTED, BadgeClass.Rule.COMMENTS_GIVEN}
        if rule in needs_param and not cleaned.get("rule_param"):
            self.add_error("rule_param", "This rule needs a number: the session, the step or how many peers.")
        if rule != BadgeClass.Rule.MANUAL and not cleaned.get("course"):
            self.add_error("course", "Automatic badges belong to a course: choose one, or use the manual rule.")
        return cleaned


@admin.register(BadgeClass)
class BadgeClassAdmin(AuthoringAdminMixin, CourseScopedAdmin):
    # An instructor manages their courses' badges; a badge of no course (manual, site-wide) is the superusers'.
    form = BadgeClassForm
    markdown_fields = ("description", "criteria")
    list_display = ["thumbnail", "name", "course", "rule", "rule_param", "order", "is_active", "award_count"]
    list_display_links = ["thumbnail", "name"]
    list_filter = ["rule", "is_active", "course"]
    list_select_related = ["course"]
    search_fields = ["name", "description", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["preview", "json_link"]
    fieldsets = [
        (None, {"fields": ["course", "name", "slug", "description", "criteria", "order", "is_active"]}),
        ("Image", {"fields": ["image", "preview"]}),
        ("How it is earned", {"fields": ["rule", "rule_param"]}),
        ("Open Badges", {"fields": ["json_link"]}),
    ]

    @admin.display(description="")
    def thumbnail(self, badge):
        return format_html('<img src="{}" alt="" width="40" height="40">', badge.image.url) if badge.image else ""

    @admin.display(description="Preview")
    def preview(self, badge):
        return format_html('<img src="{}" alt="" width="160" height="160">', badge.image.url) if badge.image else "—"

    @admin.display(description="Badge class JSON")
    def json_link(self, badge):
        if not badge.pk:
            return "—"
        url = reverse("badges:class", args=[badge.slug])
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description="Awards")
    def award_count(self, badge):
        return badge.awards.count()


class AwardAddForm(forms.ModelForm):
    """Staff award a badge by hand: the service creates it, so the learner is notified as usual."""

    evidence_url = forms.URLField(
        label="Evidence link (optional)", required=False, assume_scheme="https",
        help_text="A page that shows the work, if there is one.",
    )

    class Meta:
        model = Award
        fields = ["badge", "recipient", "reason", "evidence_url"]
        help_texts = {"reason": "Why you are awarding it; shown on the badge page and in the assertion."}

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Please say why you are awarding this badge.")
        return reason

    def clean(self):
        cleaned = super().clean()
        badge, recipient = cleaned.get("badge"), cleaned.get("recipient")
        # A course's badge says its holder took part in that course: only its learners can hold one.
        if badge and recipient and badge.course_id and not Enrollment.objects.filter(user=recipient, course_id=badge.course_id).exists():
            self.add_error("recipient", f"{recipient.public_name} has never enrolled in {badge.course.title}, so cannot hold its badge.")
        return cleaned


class AwardChangeForm(forms.ModelForm):
    revoke = forms.BooleanField(
        required=False, help_text="Revoke this award. Its page and assertion then say it is no longer valid."
    )

    class Meta:
        model = Award
        fields = ["is_public", "revocation_reason"]
        labels = {"revocation_reason": "Reason for revoking"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("revoke") and not cleaned.get("revocation_reason", "").strip():
            self.add_error("revocation_reason", "Please give the reason for revoking; the learner and verifiers see it.")
        return cleaned


@admin.register(Award)
class AwardAdmin(CourseScopedAdmin):
    course_path = "badge__course"
    scoped_choices = {**CourseScopedAdmin.scoped_choices, "badge": "course"}
    list_display = ["badge", "recipient", "awarded_at", "awarded_by", "is_public", "is_revoked", "view_on_site_link"]
    list_filter = ["is_revoked", "is_public", "badge__course", "badge"]
    search_fields = ["recipient__email", "recipient__username", "badge__name", "uuid"]
    list_select_related = ["badge", "recipient", "awarded_by"]
    autocomplete_fields = ["recipient"]
    date_hierarchy = "awarded_at"

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AwardChangeForm if obj else AwardAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["badge", "recipient", "reason", "evidence_url"]
        fields = ["badge", "recipient", "uuid", "awarded_at", "awarded_by", "reason", "evidence_url", "is_public"]
        if obj.is_revoked:
            return fields + ["revoked_at", "revoked_by", "revocation_reason"]
        return fields + ["revoke", "revocation_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fields = ["badge", "recipient", "uuid", "awarded_at", "awarded_by", "reason", "evidence_url"]
        if obj.is_revoked:
            fields += ["revoked_at", "revoked_by", "revocation_reason"]
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            award = award_badge(
                form.cleaned_data["recipient"],
                form.cleaned_data["badge"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                evidence_url=form.cleaned_data["evidence_url"],
            )
            if award is None:  # awarded by a task between validation and save
                messages.warning(request, "This learner already holds that badge.")
                award = Award.objects.get(badge=form.cleaned_data["badge"], recipient=form.cleaned_data["recipient"])
            obj.pk = award.pk
            obj.uuid = award.uuid
            return
        if "is_public" in form.changed_data:
            obj.set_public(form.cleaned_data["is_public"])
        if form.cleaned_data.get("revoke"):
            revoke_award(obj, form.cleaned_data["revocation_reason"].strip(), by=request.user)

    @admin.display(description="Badge page")
    def view_on_site_link(self, award):
        return format_html('<a href="{}">View</a>', award.get_absolute_url())


class CertificateChangeForm(forms.ModelForm):
    revoke = forms.BooleanField(
        required=False, help_text="Revoke this certificate. Its public page and every verifier then say it is no longer valid."
    )

    class Meta:
        model = Certificate
        fields = ["revocation_reason"]
        labels = {"revocation_reason": "Reason for revoking"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("revoke") and not cleaned.get("revocation_reason", "").strip():
            self.add_error("revocation_reason", "Please give the reason for revoking; verifiers see it.")
        return cleaned


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Certificates are issued when a learner completes a course; staff can only revoke them."""

    form = CertificateChangeForm
    list_display = ["recipient_name", "course_title", "issued_at", "code", "is_revoked", "view_on_site_link"]
    list_filter = ["is_revoked", "enrollment__course"]
    search_fields = ["recipient_name", "code", "enrollment__user__email"]
    list_select_related = ["enrollment__course"]
    date_hierarchy = "issued_at"

    def has_add_permission(self, request):
        return False

    def get_fields(self, request, obj=None):
        fields = ["recipient_name", "code", "issued_at", "hours"]
        if obj is not None and obj.is_revoked:
            return fields + ["revoked_at", "revoked_by", "revocation_reason"]
        return fields + ["revoke", "revocation_reason"]

    def get_readonly_fields(self, request, obj=None):
        fields = ["recipient_name", "code", "issued_at", "hours"]
        if obj is not None and obj.is_revoked:
            fields += ["revoked_at", "revoked_by", "revocation_reason"]
        return fields

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("revoke"):
            revoke_certificate(obj, form.cleaned_data["revocation_reason"].strip(), by=request.user)

    @admin.display(description="Course")
    def course_title(self, certificate):
        return certificate.enrollment.course.title

    @admin.display(description="Public page")
    def view_on_site_link(self, certificate):
        return format_html('<a href="{}">View</a>', certificate.get_absolute_url())
