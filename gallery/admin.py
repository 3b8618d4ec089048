from django.contrib import admin, messages
from django.template.defaultfilters import pluralize
from django.utils.html import format_html

from gallery import services
from gallery.models import Comment, Entry, Report, RulesAcceptance


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "course", "published_at", "is_published", "is_hidden", "comment_count", "view_on_site_link"]
    list_filter = ["is_published", "is_hidden", "course"]
    search_fields = ["title", "author__email", "author__display_name"]
    list_select_related = ["author", "course"]
    # Staff may hide an entry (moderation); its content and whether it is published are the learner's.
    readonly_fields = [
        "title", "summary", "critical_evaluation", "is_published",
        "portfolio", "course", "author", "snapshot", "pdf", "pdf_status", "pdf_requested_at", "pdf_rendered_at",
        "pdf_error", "pdf_hash", "first_published_at", "published_at", "comment_count", "moderated_by", "moderated_at",
    ]
    actions = ["hide", "restore"]

    @admin.display(description="On site")
    def view_on_site_link(self, obj):
        return format_html('<a href="{}">View on site</a>', obj.get_absolute_url())

    def save_model(self, request, obj, form, change):
        # Hiding on the form is moderation: it records who did it, tells the author and resolves the reports.
        if change and "is_hidden" in form.changed_data:
            hidden, obj.is_hidden = obj.is_hidden, not obj.is_hidden
            super().save_model(request, obj, form, change)
            services.moderate(obj, hide=hidden, by=request.user)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description="Hide the selected entries from learners")
    def hide(self, request, queryset):
        for entry in queryset:
            services.moderate(entry, hide=True, by=request.user)
        self.message_user(request, f"{len(queryset)} entries hidden.", messages.SUCCESS)

    @admin.action(description="Restore the selected entries")
    def restore(self, request, queryset):
        for entry in queryset:
            services.moderate(entry, hide=False, by=request.user)
        self.message_user(request, f"{len(queryset)} entries restored.", messages.SUCCESS)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author", "entry", "excerpt", "created_at", "is_hidden", "is_deleted"]
    list_filter = ["is_hidden", "is_deleted"]
    search_fields = ["body", "author__email", "author__display_name"]
    list_select_related = ["author", "entry"]
    readonly_fields = [
        "entry", "author", "parent", "body", "body_html", "created_at", "edited_at", "is_deleted", "moderated_by", "moderated_at",
    ]
    fields = ["entry", "author", "parent", "body", "created_at", "edited_at", "is_hidden", "is_deleted", "moderated_by", "moderated_at"]
    actions = ["hide", "restore"]

    @admin.display(description="Comment")
    def excerpt(self, obj):
        return obj.body[:80]

    def save_model(self, request, obj, form, change):
        # Toggling is_hidden on the form is moderation: the count, the author's notice and the reports follow.
        if change and "is_hidden" in form.changed_data:
            hidden, obj.is_hidden = obj.is_hidden, not obj.is_hidden
            services.moderate(obj, hide=hidden, by=request.user)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description="Hide the selected comments from learners")
    def hide(self, request, queryset):
        for comment in queryset.select_related("entry__course", "author"):
            services.moderate(comment, hide=True, by=request.user)
        self.message_user(request, f"{len(queryset)} comments hidden.", messages.SUCCESS)

    @admin.action(description="Restore the selected comments")
    def restore(self, request, queryset):
        for comment in queryset.select_related("entry__course", "author"):
            services.moderate(comment, hide=False, by=request.user)
        self.message_user(request, f"{len(queryset)} comments restored.", messages.SUCCESS)


class OpenFirstStatusFilter(admin.SimpleListFilter):
    """Reports default to the open ones: that is the moderator's to-do list."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("resolved", "Resolved"), ("all", "All")]

    def choices(self, changelist):
        value = self.value() or "open"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reporter", "reported_item", "reason_excerpt", "item_state", "status"]
    list_filter = [OpenFirstStatusFilter]
    list_select_related = ["reporter", "entry__course", "comment__author"]
    search_fields = ["reason", "reporter__email", "entry__title", "comment__body"]
    readonly_fields = ["reporter", "entry", "comment", "reason", "created_at", "resolved_by", "resolved_at", "reported_item", "item_state"]
    fields = ["reported_item", "item_state", "reason", "reporter", "created_at", "status", "resolved_by", "resolved_at"]
    actions = ["hide_item", "restore_item", "resolve"]

    @admin.display(description="Reported")
    def reported_item(self, obj):
        if obj.comment_id:
            return format_html(
                'Comment by {} on <a href="{}">{}</a>', obj.comment.author, obj.comment.get_absolute_url(), obj.entry
            )
        return format_html('Entry <a href="{}">{}</a>', obj.entry.get_absolute_url(), obj.entry)

    @admin.display(description="Reason")
    def reason_excerpt(self, obj):
        return obj.reason[:100]

    @admin.display(description="Item is")
    def item_state(self, obj):
        return "hidden" if obj.target.is_hidden else "visible"

    @admin.action(description="Hide the reported items")
    def hide_item(self, request, queryset):
        resolved = sum(
            services.moderate(report.target, hide=True, by=request.user)
            for report in queryset.select_related("entry__course", "entry__author", "comment__entry__course", "comment__author")
        )
        self.message_user(
            request, f"The reported items are hidden from learners; {resolved} open report{pluralize(resolved)} on them resolved.",
            messages.SUCCESS,
        )

    @admin.action(description="Restore the reported items")
    def restore_item(self, request, queryset):
        for report in queryset.select_related("entry__course", "entry__author", "comment__entry__course", "comment__author"):
            services.moderate(report.target, hide=False, by=request.user)
        self.message_user(request, "The reported items are visible again.", messages.SUCCESS)

    @admin.action(description="Mark the selected reports resolved")
    def resolve(self, request, queryset):
        count = services.resolve_reports(queryset, request.user)
        self.message_user(request, f"{count} report{pluralize(count)} resolved.", messages.SUCCESS)

    def has_add_permission(self, request):
        return False


@admin.register(RulesAcceptance)
class RulesAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "accepted_at"]
    list_select_related = ["user", "course"]
    search_fields = ["user__email"]
