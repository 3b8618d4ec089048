from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.utils.html import format_html

from portfolios.forms import PromptAdminForm
from portfolios.models import Portfolio, Prompt, Worksheet
from portfolios.services import compile_portfolio, request_pdf
from portfolios.tasks import render_portfolio_pdf


class PromptInline(admin.StackedInline):
    model = Prompt
    form = PromptAdminForm
    extra = 0
    fields = [("order", "kind", "required"), "label", "help_text", ("section", "key"), "choices", ("max_length", "min_value", "max_value")]
    ordering = ["order"]


@admin.register(Worksheet)
class WorksheetAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "step", "lesson", "view_on_site_link"]
    list_filter = ["course"]
    search_fields = ["title", "intro"]
    list_select_related = ["course", "lesson"]
    inlines = [PromptInline]

    @admin.display(description="Learner page")
    def view_on_site_link(self, obj):
        return format_html('<a href="{}">Open</a>', obj.get_absolute_url())


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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

