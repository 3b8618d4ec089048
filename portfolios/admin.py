from django.contrib import admin

from portfolios.models import Prompt, Worksheet


class PromptInline(admin.StackedInline):
    model = Prompt
    extra = 0
    fields = [("order", "kind", "required"), "label", "help_text", "choices", ("max_length", "min_value", "max_value")]
    ordering = ["order"]


@admin.register(Worksheet)
class WorksheetAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "step", "lesson"]
    list_filter = ["course"]
    search_fields = ["title", "intro"]
    list_select_related = ["course", "lesson"]
    inlines = [PromptInline]
