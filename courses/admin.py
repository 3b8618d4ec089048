import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils.html import format_html

from courses.forms import CourseAdminForm, LessonAdminForm, SessionAdminForm, StaffMemberAdminForm
from courses.models import (
    Course,
    Enrollment,
    LearningOutcome,
    Lesson,
    LessonCaption,
    LessonCompletion,
    Offering,
    Session,
    StaffMember,
)


class LearningOutcomeInline(admin.TabularInline):
    model = LearningOutcome
    extra = 0


class StaffMemberInline(admin.StackedInline):
    model = StaffMember
    form = StaffMemberAdminForm
    extra = 0
    fields = ["order", "name", "role", "bio", "photo", "user"]
    autocomplete_fields = ["user"]


class OfferingInline(admin.TabularInline):
    model = Offering
    extra = 0
    fields = ["title", "mode", "starts_on", "enrollment_opens_at", "enrollment_closes_at", "capacity", "is_active"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["number", "title", "estimated_hours", "release_offset_days"]
    show_change_link = True


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    form = CourseAdminForm
    list_display = ["title", "slug", "is_published", "skill_level", "view_link"]
    list_filter = ["is_published", "skill_level"]
    search_fields = ["title", "subtitle", "description"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LearningOutcomeInline, StaffMemberInline, OfferingInline, SessionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "provider", "is_published", "hero_image", "hero_image_alt"]}),
        ("Course page", {"fields": ["description", "skill_level", "topics", "prerequisites", "community_rules", "additional_info"]}),
        ("Pace and access", {"fields": ["hours_per_session", "target_weeks", "access_days", "reenrollment", "unavailable_countries"]}),
    ]

    @admin.display(description="On site")
    def view_link(self, obj):
        return format_html('<a href="{}">View on site</a>', obj.get_absolute_url())


class LessonInline(admin.StackedInline):
    model = Lesson
    form = LessonAdminForm
    extra = 0
    # Captions, transcript and the document's page are on the lesson's own form ("Change").
    fields = [("order", "title", "slug"), ("kind", "estimated_minutes", "is_required"), "body", "video_url", "video_file", "video_poster", "document"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["order"]
    show_change_link = True


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionAdminForm
    fields = ["course", "number", "title", "summary", "image", "image_alt", "estimated_hours", "release_offset_days"]
    list_display = ["__str__", "course", "number", "estimated_hours", "lesson_count"]
    list_filter = ["course"]
    search_fields = ["title", "summary"]
    ordering = ["course", "number"]
    list_select_related = ["course"]
    inlines = [LessonInline]

    @admin.display(description="Lessons")
    def lesson_count(self, obj):
        return obj.lessons.count()

    def view_on_site(self, obj):
        return obj.course.get_absolute_url() + "#outline-heading"


class LessonCaptionInline(admin.TabularInline):
    model = LessonCaption
    extra = 0
    fields = ["order", "language", "label", "file"]
    verbose_name = "captions file (WebVTT)"
    verbose_name_plural = "captions: one WebVTT file per language; the first also gives the transcript unless one is written above"


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonAdminForm
    list_display = ["title", "session", "order", "kind", "estimated_minutes", "is_required", "caption_languages"]
    list_filter = ["kind", "is_required", "session__course", "session"]
    search_fields = ["title", "body"]
    ordering = ["session__course", "session__number", "order"]
    list_select_related = ["session", "session__course"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["session", ("order", "title", "slug"), ("kind", "estimated_minutes", "is_required"), "body"]}),
        ("Video", {"fields": ["video_url", "video_file", "video_poster", "transcript"]}),
        ("Document", {"fields": ["document", "document_text"]}),
    ]
    inlines = [LessonCaptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("captions")

    @admin.display(description="Captions")
    def caption_languages(self, obj):
        return ", ".join(caption.language for caption in obj.captions.all()) or "—"


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "mode", "starts_on", "enrollment_opens_at", "enrollment_closes_at", "is_active"]
    list_filter = ["mode", "is_active", "course"]
    search_fields = ["title", "course__title"]
    list_select_related = ["course"]

    def view_on_site(self, obj):
        return obj.course.get_absolute_url()


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    """The instructors' view of learner progress."""

    list_display = ["user", "course", "offering", "status", "progress", "last_activity_at", "access_expires_at"]
    list_filter = ["status", "course", "offering", "offering__mode", ("last_activity_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__display_name", "user__username"]
    list_select_related = ["user", "course", "offering"]
    autocomplete_fields = ["user"]
    date_hierarchy = "enrolled_at"
    ordering = ["-last_activity_at"]
    readonly_fields = ["progress_percent", "completed_lessons", "total_lessons", "last_lesson", "last_activity_at", "last_reminder_at"]
    actions = ["export_csv"]

    @admin.display(description="Progress", ordering="progress_percent")
    def progress(self, obj):
        return f"{obj.progress_percent}% ({obj.completed_lessons} of {obj.total_lessons})"

    @admin.action(description="Export selected enrollments as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="enrollments.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for e in queryset.select_related("user", "course", "offering").order_by("course__title", "user__email"):
            row = [
                e.user.email,
                e.user.public_name,
                e.user.country.code if e.user.country else "",
                e.course.title,
                e.offering.title,
                e.get_status_display(),
                e.progress_percent,
                e.completed_lessons,
                e.total_lessons,
                _iso(e.enrolled_at),
                _iso(e.started_at),
                _iso(e.recommended_finish_at),
                _iso(e.access_expires_at),
                _iso(e.completed_at),
                _iso(e.last_activity_at),
            ]
            writer.writerow([csv_safe(cell) for cell in row])
        return response


CSV_COLUMNS = [
    "email",
    "name",
    "country",
    "course",
    "offering",
    "status",
    "progress_percent",
    "completed_lessons",
    "total_lessons",
    "enrolled_at",
    "started_at",
    "recommended_finish_at",
    "access_expires_at",
    "completed_at",
    "last_activity_at",
]


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A text cell that a spreadsheet would take for a formula, prefixed with a quote so it shows as
    text: learners choose their display names, so `=HYPERLINK(...)` must not become a live link."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def _iso(value) -> str:
    return value.isoformat() if value else ""


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "lesson", "completed_at"]
    list_select_related = ["enrollment__user", "enrollment__course", "lesson"]
    search_fields = ["enrollment__user__email", "lesson__title"]
