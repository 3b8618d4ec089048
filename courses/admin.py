import csv

from adminsortable2.admin import CustomInlineFormSet, SortableAdminBase, SortableStackedInline, SortableTabularInline
from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from accounts.admin import UserAdmin
from accounts.models import User
from core.markdown import render_markdown
from courses import services
from courses.forms import CourseAdminForm, LessonAdminForm, SessionAdminForm, StaffMemberAdminForm
from courses.models import (
    Announcement,
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
from courses.signals import enrollment_export_columns

# --- shared by the admins of every app: a course's rows for its staff, Markdown with a preview, labels ---


def courses_of(user):
    """The courses whose rows a staff account manages in the admin: a superuser's every course, else
    the ones naming it an instructor (Course.objects.taught_by)."""
    return Course.objects.all() if user.is_superuser else Course.objects.filter(pk__in=Course.objects.taught_by(user).values("pk"))


class CourseScopedAdmin(admin.ModelAdmin):
    """Only the rows of the courses the user teaches, and only those courses (and their sessions and
    lessons) to choose from: an instructor manages their own courses, a superuser every one.
    `course_path` is the lookup from the model to its Course."""

    course_path = "course"
    # Foreign keys offered only within the user's courses: field name -> lookup from that model to Course.
    scoped_choices = {"course": "pk", "session": "course", "lesson": "session__course", "offering": "course"}

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(**{f"{self.course_path}__in": courses_of(request.user)})

    def get_list_display(self, request):
        # One course taught: a "Course" column repeats its long title on every row and pushes the
        # columns that differ off a laptop's screen.
        columns = super().get_list_display(request)
        if "course" in columns and not request.user.is_superuser and courses_of(request.user).count() <= 1:
            return [column for column in columns if column != "course"]
        return columns

    def get_list_filter(self, request):
        # A filter by course, session or offering offers only those of the user's rows.
        return [
            (item, admin.RelatedOnlyFieldListFilter) if isinstance(item, str) and item.rsplit("__", 1)[-1] in self.scoped_choices else item
            for item in super().get_list_filter(request)
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        lookup = self.scoped_choices.get(db_field.name)
        if lookup and not request.user.is_superuser:
            queryset = kwargs.get("queryset", db_field.related_model._default_manager.all())
            kwargs["queryset"] = queryset.filter(**{f"{lookup}__in": courses_of(request.user)})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# accounts cannot know about courses, so its user admin is narrowed here for instructors.
admin.site.unregister(User)


@admin.register(User)
class CourseScopedUserAdmin(UserAdmin):
    """An instructor (view only) sees the learners and staff of the courses they teach, and of each
    the name, country and profile: no password hash, permissions or groups, and nobody else's account."""

    instructor_fieldsets = [
        (None, {"fields": ["email", "display_name", "country", "date_joined", "last_login"]}),
        ("Profile", {"fields": ["bio", "avatar", "profile_is_public"]}),
    ]

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        courses = courses_of(request.user)
        return users.filter(Q(enrollments__course__in=courses) | Q(staff_roles__course__in=courses)).distinct()

    def get_fieldsets(self, request, obj=None):
        return super().get_fieldsets(request, obj) if request.user.is_superuser else self.instructor_fieldsets

    def get_list_display(self, request):
        return super().get_list_display(request) if request.user.is_superuser else ["email", "display_name", "country", "date_joined"]

    def get_list_filter(self, request):
        return super().get_list_filter(request) if request.user.is_superuser else ["country"]


class MarkdownTextarea(forms.Textarea):
    """A Markdown field with a live preview beside it, rendered by the site's own renderer and
    sanitiser (core.markdown) through the staff-only endpoint CourseAdmin.markdown_preview."""

    class Media:
        js = ["js/admin-markdown.js"]

    def __init__(self, attrs=None):
        super().__init__({"rows": 8, "class": "vLargeTextField markdown-source", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-markdown-preview"] = reverse("admin:courses_markdown_preview")
        return context


class AuthoringAdminMixin:
    """Markdown fields get MarkdownTextarea; long single-line texts (a prompt's label) a text area."""

    markdown_fields: tuple = ()
    textarea_fields: tuple = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.markdown_fields:
            kwargs["widget"] = MarkdownTextarea
        elif db_field.name in self.textarea_fields:
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class LabelledInlineFormSet(CustomInlineFormSet):
    """Every input of an inline row names its column and row, so a screen reader (and axe) knows
    what it is: a tabular inline shows the column's title only once, in the table head."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = f"{self.model._meta.verbose_name} {index + 1}" if index is not None else f"new {self.model._meta.verbose_name}"
        for name, field in form.fields.items():
            label = "Delete" if name == "DELETE" else (field.label or name.replace("_", " ").capitalize())
            field.widget.attrs.setdefault("aria-label", f"{label} ({row})")


class SortableInline:
    """Rows dragged into order (django-admin-sortable2) with labelled inputs."""

    formset = LabelledInlineFormSet


class LearningOutcomeInline(SortableInline, AuthoringAdminMixin, SortableTabularInline):
    model = LearningOutcome
    extra = 0
    ordering = ["order"]
    textarea_fields = ("text",)


class StaffFormSet(LabelledInlineFormSet):
    """An instructor may edit the course's people but not remove their own instructor row: the course
    would vanish from their admin and studio at once, with nobody to undo it but a superuser."""

    editor = None  # set per request by StaffMemberInline.get_formset

    def clean(self):
        super().clean()
        editor = self.editor
        if editor is None or editor.is_superuser or self.instance.pk is None or any(self.errors):
            return
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        if not any(row.get("user") == editor and row.get("role") == StaffMember.Role.INSTRUCTOR for row in kept):
            raise forms.ValidationError(
                "Keep an “Instructor” row linked to your own account: without it you would lose access to this course. "
                "To hand the course over, ask an administrator."
            )


class StaffMemberInline(SortableInline, SortableStackedInline):
    model = StaffMember
    form = StaffMemberAdminForm
    formset = StaffFormSet
    extra = 0
    fields = ["order", "name", "role", "bio", "photo", "user"]
    ordering = ["order"]
    # A plain select (not select2): it is labelled, and an instructor picks among few accounts.
    raw_id_fields = ["user"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a new class per request
        formset.editor = request.user
        return formset


class OfferingInline(admin.TabularInline):
    model = Offering
    formset = LabelledInlineFormSet
    extra = 0
    fields = ["title", "mode", "starts_on", "enrollment_opens_at", "enrollment_closes_at", "capacity", "is_active"]


class SessionInline(SortableInline, SortableTabularInline):
    model = Session
    extra = 0
    ordering = ["number"]
    fields = ["title", "estimated_hours", "release_offset_days"]
    show_change_link = True


@admin.register(Course)
class CourseAdmin(AuthoringAdminMixin, SortableAdminBase, CourseScopedAdmin):
    form = CourseAdminForm
    list_display = ["title", "slug", "is_published", "skill_level", "view_link"]
    list_filter = ["is_published", "skill_level"]
    search_fields = ["title", "subtitle", "description"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LearningOutcomeInline, StaffMemberInline, OfferingInline, SessionInline]
    course_path = "pk"
    markdown_fields = ("description", "prerequisites", "community_rules", "additional_info")
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "provider", "is_published", "hero_image", "hero_image_alt", "preview_links"]}),
        ("Course page", {"fields": ["description", "skill_level", "topics", "prerequisites", "community_rules", "additional_info"]}),
        ("Pace and access", {"fields": ["hours_per_session", "target_weeks", "access_days", "reenrollment", "unavailable_countries"]}),
    ]
    readonly_fields = ["preview_links"]

    def get_urls(self):
        preview = path("markdown-preview/", self.admin_site.admin_view(self.markdown_preview), name="courses_markdown_preview")
        return [preview, *super().get_urls()]

    @staticmethod
    @require_POST
    def markdown_preview(request):
        """The HTML a Markdown text becomes on the site (core.markdown: the same renderer and nh3
        allow-list), for the preview beside every Markdown field of the admin. Staff only (admin_view)."""
        text = request.POST.get("text", "")
        if len(text) > 100_000:
            return JsonResponse({"error": "This text is too long to preview."}, status=400)
        return JsonResponse({"html": render_markdown(text)})

    @admin.display(description="On site")
    def view_link(self, obj):
        return format_html('<a href="{}">View on site</a>', obj.get_absolute_url() if obj.is_published else _outline_url(obj))

    @admin.display(description="Preview as a learner")
    def preview_links(self, obj):
        if obj is None or obj.pk is None:
            return "Save the course first."
        return format_html(
            '<a href="{}">The outline</a> · <a href="{}">The portfolio</a> — as a new learner sees them; nothing is recorded.',
            _outline_url(obj), reverse("portfolios:portfolio", args=[obj.slug]),
        )

    def view_on_site(self, obj):
        # An unpublished course has no public page yet; its staff preview its outline.
        return obj.get_absolute_url() if obj.is_published else _outline_url(obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not request.user.is_superuser:
            # Whoever creates a course teaches it, or it would vanish from their admin at once.
            StaffMember.objects.create(course=obj, name=request.user.public_name, role=StaffMember.Role.INSTRUCTOR, user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is Session:
            _make_room_for_session_numbers(formset)
        super().save_formset(request, form, formset, change)


def _outline_url(course) -> str:
    return reverse("learn:outline", args=[course.slug])


def _make_room_for_session_numbers(formset) -> None:
    """Sessions dragged into a new order swap numbers, and a course's numbers are unique (checked
    row by row on PostgreSQL): move the renumbered sessions out of the way first, in the same
    transaction, then the formset saves each one's new number."""
    moved = [f.instance.pk for f in formset.initial_forms if "number" in f.changed_data and f.instance.pk]
    if moved:
        with transaction.atomic():
            Session.objects.filter(pk__in=moved).update(number=F("number") + 10000)


class LessonInline(SortableInline, SortableStackedInline):
    model = Lesson
    form = LessonAdminForm
    extra = 0
    # Captions, transcript and the document's page are on the lesson's own form ("Change").
    fields = [("title", "slug"), ("kind", "estimated_minutes", "is_required"), "body", "video_url", "video_file", "video_poster", "document"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["order"]
    show_change_link = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = MarkdownTextarea
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Session)
class SessionAdmin(AuthoringAdminMixin, SortableAdminBase, CourseScopedAdmin):
    form = SessionAdminForm
    fields = ["course", "number", "title", "summary", "image", "image_alt", "estimated_hours", "release_offset_days"]
    list_display = ["__str__", "course", "number", "estimated_hours", "lesson_count"]
    list_filter = ["course"]
    search_fields = ["title", "summary"]
    ordering = ["course", "number"]
    list_select_related = ["course"]
    inlines = [LessonInline]
    markdown_fields = ("summary",)

    @admin.display(description="Lessons")
    def lesson_count(self, obj):
        return obj.lessons.count()

    def view_on_site(self, obj):
        return obj.get_absolute_url()


class LessonCaptionInline(admin.TabularInline):
    model = LessonCaption
    formset = LabelledInlineFormSet
    extra = 0
    fields = ["order", "language", "label", "file"]
    verbose_name = "captions file (WebVTT)"
    verbose_name_plural = "captions: one WebVTT file per language; the first also gives the transcript unless one is written above"


@admin.register(Lesson)
class LessonAdmin(AuthoringAdminMixin, CourseScopedAdmin):
    form = LessonAdminForm
    list_display = ["title", "session", "order", "kind", "estimated_minutes", "is_required", "caption_languages"]
    list_filter = ["kind", "is_required", "session__course", "session"]
    search_fields = ["title", "body"]
    ordering = ["session__course", "session__number", "order"]
    list_select_related = ["session", "session__course"]
    prepopulated_fields = {"slug": ["title"]}
    course_path = "session__course"
    markdown_fields = ("body", "transcript", "document_text")
    fieldsets = [
        (None, {"fields": ["session", ("order", "title", "slug"), ("kind", "estimated_minutes", "is_required"), "body"]}),
        ("Video", {"fields": ["video_url", "video_file", "video_poster", "transcript"]}),
        ("Document", {"fields": ["document", "document_text"]}),
    ]
    inlines = [LessonCaptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("captions")

    def save_model(self, request, obj, form, change):
        if not change and "order" not in form.changed_data:
            # Left at its default (0), a new lesson would become the session's first.
            obj.order = (obj.session.lessons.aggregate(last=Max("order"))["last"] or 0) + 1
        super().save_model(request, obj, form, change)
        if missing := obj.missing_content():
            messages.warning(request, missing)

    @admin.display(description="Captions")
    def caption_languages(self, obj):
        return ", ".join(caption.language for caption in obj.captions.all()) or "—"


@admin.register(Offering)
class OfferingAdmin(CourseScopedAdmin):
    list_display = ["title", "course", "mode", "starts_on", "enrollment_opens_at", "enrollment_closes_at", "is_active"]
    list_filter = ["mode", "is_active", "course"]
    search_fields = ["title", "course__title"]
    list_select_related = ["course"]

    def view_on_site(self, obj):
        return obj.course.get_absolute_url()


@admin.register(Enrollment)
class EnrollmentAdmin(CourseScopedAdmin):
    """The instructors' view of learner progress."""

    list_display = ["user", "course", "offering_title", "status", "progress", "last_activity_at", "access_expires_at"]
    list_filter = ["status", "course", "offering", "offering__mode", ("last_activity_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__display_name", "user__username"]
    list_select_related = ["user", "course", "offering"]
    autocomplete_fields = ["user"]
    date_hierarchy = "enrolled_at"
    ordering = ["-last_activity_at"]
    readonly_fields = ["progress_percent", "completed_lessons", "total_lessons", "last_lesson", "last_activity_at", "last_reminder_at"]
    actions = ["export_csv"]

    @admin.display(description="Offering", ordering="offering__title")
    def offering_title(self, obj):
        return obj.offering.title  # its __str__ repeats the course's title

    @admin.display(description="Progress", ordering="progress_percent")
    def progress(self, obj):
        return f"{obj.progress_percent}% ({obj.completed_lessons} of {obj.total_lessons})"

    @admin.action(description="Export selected enrollments as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="enrollments.csv"'
        write_enrollments_csv(queryset, response)
        return response


def write_enrollments_csv(queryset, out) -> None:
    """The enrollment CSV: CSV_COLUMNS, each session's progress (percent of its required lessons
    done), then the columns the apps above add through courses.signals.enrollment_export_columns
    (portfolio, gallery, badges). A constant number of queries whatever the number of rows; every
    cell goes through csv_safe."""
    enrollments = queryset.select_related("user", "course", "offering").order_by("course__title", "user__email")
    ids = Enrollment.objects.filter(pk__in=queryset.values("pk"))
    per_session, numbers = session_progress_cells(ids)
    extra_names, extra = [], []
    for _receiver, answer in enrollment_export_columns.send(sender=Enrollment, enrollments=ids):
        if answer:
            names, cells = answer
            extra_names += names
            extra.append((len(names), cells))
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS + [f"session_{n}_percent" for n in numbers] + extra_names)
    for e in enrollments:
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
        row += [per_session.get((e.pk, n), "") for n in numbers]
        for width, cells in extra:
            row += cells.get(e.pk, [""] * width)
        writer.writerow([csv_safe(cell) for cell in row])


def session_progress_cells(enrollments) -> tuple[dict, list[int]]:
    """{(enrollment id, session number): percent of the session's required lessons done}, and the
    session numbers of the exported courses. Two queries."""
    required = {
        (course_id, number): n
        for course_id, number, n in Lesson.objects.filter(session__course__in=enrollments.values("course_id"), is_required=True)
        .values("session__course_id", "session__number").annotate(n=Count("pk")).order_by()
        .values_list("session__course_id", "session__number", "n")
    }
    done = {
        (enrollment_id, number): n
        for enrollment_id, number, n in LessonCompletion.objects.filter(enrollment__in=enrollments, lesson__is_required=True)
        .values("enrollment_id", "lesson__session__number").annotate(n=Count("pk")).order_by()
        .values_list("enrollment_id", "lesson__session__number", "n")
    }
    cells = {}
    for enrollment_id, course_id in enrollments.values_list("pk", "course_id"):
        for (required_course, number), total in required.items():
            if required_course == course_id:
                cells[(enrollment_id, number)] = round(done.get((enrollment_id, number), 0) * 100 / total)
    return cells, sorted({number for _, number in required})


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
class LessonCompletionAdmin(CourseScopedAdmin):
    course_path = "enrollment__course"
    list_display = ["enrollment", "lesson", "completed_at"]
    list_select_related = ["enrollment__user", "enrollment__course", "lesson"]
    search_fields = ["enrollment__user__email", "lesson__title"]


# --- Teaching: announcements, and what staff do for one learner (#17) -------------------------
# Kept in one block at the end: the enrollment admin gains its actions by a subclass registered
# in its place, so the authoring configuration above stays as it is.


@admin.register(Announcement)
class AnnouncementAdmin(AuthoringAdminMixin, CourseScopedAdmin):
    list_display = ["title", "course", "audience", "created_at", "emails_sent"]
    markdown_fields = ("body",)
    list_filter = ["course"]
    search_fields = ["title", "body"]
    list_select_related = ["course", "offering"]
    fields = ["course", "offering", "title", "body"]
    date_hierarchy = "created_at"

    @admin.display(description="To")
    def audience(self, obj):
        return obj.offering.title if obj.offering_id else "Every learner"

    @admin.display(description="Emails sent")
    def emails_sent(self, obj):
        return obj.deliveries.filter(emailed_at__isnull=False).count()

    def get_readonly_fields(self, request, obj=None):
        # Once sent, who it went to is history: only the words can be corrected (on the site, not in the emails).
        return ["course", "offering"] if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # Saving sends it, with no second step: say so where the instructor writes it.
        if "body" in form.base_fields:
            form.base_fields["body"].help_text = (
                "Markdown, with a preview. Saving posts it on the course page and emails it to every learner it is for, "
                "at once; later edits change the page only." if obj is None else
                "Markdown, with a preview. Edits change the course page; the emails already sent stay as they were."
            )
        return form

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.author = request.user
        services.publish_announcement(obj)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, "The announcement is on the learners' course page; its emails are on their way.", messages.SUCCESS)
        return super().response_add(request, obj, post_url_continue)


class ExtendAccessForm(forms.Form):
    days = forms.IntegerField(label="Days of access to add", min_value=1, max_value=365, initial=30,
                              help_text="Counted from the day access ends, or from today when it has already ended.")


class MoveOfferingForm(forms.Form):
    offering = forms.ModelChoiceField(label="Move to", queryset=Offering.objects.none(), empty_label=None)

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = course.offerings.order_by("starts_on", "pk")


def _action_page(modeladmin, request, queryset, form, title: str, action: str):
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title, "form": form, "queryset": queryset, "action": action, "opts": modeladmin.model._meta,
        "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
    }
    return TemplateResponse(request, "courses/admin_enrollment_action.html", context)


@admin.action(description="Extend the selected learners' access", permissions=["manage"])
def extend_access(modeladmin, request, queryset):
    form = ExtendAccessForm(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        return _action_page(modeladmin, request, queryset, form, "Extend access", "extend_access")
    days = form.cleaned_data["days"]
    for enrollment in queryset:
        services.extend_access(enrollment, days)
    modeladmin.message_user(request, f"{len(queryset)} learner{pluralize(len(queryset))} got {days} more days of access.", messages.SUCCESS)
    return None


@admin.action(description="Move the selected learners to another offering", permissions=["manage"])
def move_to_offering(modeladmin, request, queryset):
    courses = set(queryset.values_list("course_id", flat=True))
    if len(courses) != 1:
        modeladmin.message_user(request, "Select learners of one course: each course has its own offerings.", messages.ERROR)
        return None
    course = Course.objects.get(pk=courses.pop())
    form = MoveOfferingForm(request.POST if "apply" in request.POST else None, course=course)
    if not form.is_valid():
        return _action_page(modeladmin, request, queryset, form, "Move to another offering", "move_to_offering")
    offering = form.cleaned_data["offering"]
    moved, refused = 0, []
    for enrollment in queryset.select_related("user"):
        try:
            services.move_to_offering(enrollment, offering)
            moved += 1
        except services.EnrollmentRefused as refusal:
            refused.append(f"{enrollment.user.public_name}: {refusal.message}")
    if moved:
        text = f"{moved} learner{pluralize(moved)} moved to {offering.title}; their dates start again with it."
        modeladmin.message_user(request, text, messages.SUCCESS)
    for message in refused:
        modeladmin.message_user(request, message, messages.ERROR)
    return None


class TeachingEnrollmentAdmin(EnrollmentAdmin):
    actions = [*EnrollmentAdmin.actions, extend_access, move_to_offering]

    def has_manage_permission(self, request) -> bool:
        """Extending access and moving offering: the course's staff (who see its enrollments), not only superusers."""
        return request.user.is_active and request.user.is_staff and request.user.has_perm("courses.view_enrollment")


admin.site.unregister(Enrollment)
admin.site.register(Enrollment, TeachingEnrollmentAdmin)
