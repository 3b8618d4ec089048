from adminsortable2.admin import SortableAdminBase, SortableStackedInline
from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from courses.admin import AuthoringAdminMixin, CourseScopedAdmin, SortableInline
from portfolios.forms import PromptAdminForm
from portfolios.models import Portfolio, Prompt, Review, Worksheet, WorksheetSubmission
from portfolios.services import compile_portfolio, request_pdf
from portfolios.tasks import render_portfolio_pdf


class PromptInlineForm(PromptAdminForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices"].widget.attrs["rows"] = 4  # a few options each: keep the worksheet's page short


class PromptInline(SortableInline, AuthoringAdminMixin, SortableStackedInline):
    model = Prompt
    form = PromptInlineForm
    extra = 0
    # A question can run to 300 characters: a box that shows it whole.
    textarea_fields = ("label", "help_text")
    fields = [
        ("kind", "required"), "label", "help_text", ("section", "key"), "choices", ("max_length", "min_value", "max_value"),
        ("max_choices", "whole_number"),
    ]
    ordering = ["order"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if request.user.is_superuser:
            return fields
        # `key` is for the add_worksheet_prompts command, which instructors do not run.
        return [("section",) if item == ("section", "key") else item for item in fields]


@admin.register(Worksheet)
class WorksheetAdmin(AuthoringAdminMixin, SortableAdminBase, CourseScopedAdmin):
    list_display = ["title", "course", "step", "lesson", "view_on_site_link"]
    list_filter = ["course"]
    search_fields = ["title", "intro"]
    list_select_related = ["course", "lesson"]
    inlines = [PromptInline]
    markdown_fields = ("intro",)

    @admin.display(description="Learner page")
    def view_on_site_link(self, obj):
        return format_html('<a href="{}">Preview as a learner</a>', obj.get_absolute_url())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "lesson":
            # Thirty-odd lessons by title alone are hard to tell apart: name each one's session and kind.
            field.queryset = field.queryset.select_related("session").order_by("session__number", "order")
            field.label_from_instance = lambda lesson: f"Session {lesson.session.number}: {lesson.title} ({lesson.get_kind_display()})"
        return field


class ReadOnlyAdmin(CourseScopedAdmin):
    """Learners' work and instructors' reviews are written on the site, through its services: the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Portfolio)
class PortfolioAdmin(ReadOnlyAdmin):
    """Read-only for instructors: a learner's compiled answers and their PDF."""

    class Media:
        css = {"all": ["css/portfolio-admin.css"]}

    list_display = ["learner", "course", "pdf_status", "updated_at"]
    list_filter = ["enrollment__course", "pdf_status"]
    search_fields = ["enrollment__user__email", "enrollment__user__display_name"]
    list_select_related = ["enrollment__user", "enrollment__course"]
    fields = ["learner", "course", "pdf_link", "summary", "critical_evaluation", "compiled_answers", "updated_at"]
    readonly_fields = fields
    actions = ["prepare_pdf"]
    course_path = "enrollment__course"

    @admin.display(description="Learner", ordering="enrollment__user__email")
    def learner(self, obj):
        user = obj.enrollment.user
        return f"{user.public_name} <{user.email}>"

    @admin.display(description="Course")
    def course(self, obj):
        return obj.enrollment.course.title

    @admin.display(description="PDF")
    def pdf_link(self, obj):
        if obj.pdf:
            return format_html(
                '<a href="{}">Download PDF</a> (made {})', obj.pdf.url, obj.pdf_rendered_at or "earlier"
            )
        return "No PDF yet — use the “Prepare PDF” action on the list page."

    @admin.display(description="Answers")
    def compiled_answers(self, obj):
        return render_to_string("portfolios/admin_compiled.html", {"compiled": compile_portfolio(obj)})

    @admin.action(description="Prepare PDF for the selected portfolios")
    def prepare_pdf(self, request, queryset):
        for portfolio in queryset.select_related("enrollment__user", "enrollment__course"):
            request_pdf(portfolio, compile_portfolio(portfolio), render_portfolio_pdf)
        self.message_user(request, "PDFs are being prepared; reload this page in a moment.", messages.SUCCESS)



# --- Teaching: reviews of learners' work (#17) ------------------------------------------------
# Kept in one block at the end. Reviews are written on the review pages (portfolios/studio_views.py),
# which the admin links; here they are listed, and each portfolio links to its review.


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    course_path = "portfolio__enrollment__course"
    list_display = ["reviewed_at", "learner", "what", "state", "reviewer", "review_link"]
    list_filter = ["state", "portfolio__enrollment__course"]
    search_fields = ["portfolio__enrollment__user__email", "portfolio__enrollment__user__display_name", "comment"]
    list_select_related = ["portfolio__enrollment__user", "portfolio__enrollment__course", "worksheet", "reviewer"]
    date_hierarchy = "reviewed_at"

    @admin.display(description="Learner")
    def learner(self, obj):
        return obj.portfolio.enrollment.user.public_name

    @admin.display(description="Of")
    def what(self, obj):
        return obj.worksheet.title if obj.worksheet_id else "The whole portfolio"

    @admin.display(description="Review page")
    def review_link(self, obj):
        course = obj.portfolio.enrollment.course
        if obj.worksheet_id:
            submission = WorksheetSubmission.objects.filter(portfolio_id=obj.portfolio_id, worksheet_id=obj.worksheet_id).first()
            if submission:
                return format_html('<a href="{}">Open</a>', reverse("reviews:worksheet", args=[course.slug, submission.pk]))
            return "—"
        return format_html('<a href="{}">Open</a>', reverse("reviews:portfolio", args=[course.slug, obj.portfolio_id]))


class TeachingPortfolioAdmin(PortfolioAdmin):
    list_display = [*PortfolioAdmin.list_display, "review_link"]
    fields = ["review_link", *PortfolioAdmin.fields]
    readonly_fields = fields

    @admin.display(description="Review")
    def review_link(self, obj):
        url = reverse("reviews:portfolio", args=[obj.enrollment.course.slug, obj.pk])
        return format_html('<a href="{}">Review this portfolio</a>', url)


admin.site.unregister(Portfolio)
admin.site.register(Portfolio, TeachingPortfolioAdmin)
