from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from courses.admin import CourseScopedAdmin
from gallery import services
from gallery.models import Comment, Entry, Report, RulesAcceptance


@admin.register(Entry)
class EntryAdmin(CourseScopedAdmin):
    list_display = ["title", "author", "course", "published_at", "is_published", "is_hidden", "comment_count", "view_on_site_link"]
    list_filter = ["is_published", "is_hidden", "course"]
    search_fields = ["title", "author__email", "author__display_name"]
    list_select_related = ["author", "course"]
    # Staff may hide an entry (moderation); its content and whether it is published are the learner's.
    # The cover's sizes, the portfolio's JSON snapshot and the PDF's bookkeeping are the site's, so not shown.
    fields = [
        "title", "author", "course", "is_published", "is_hidden", "cover", "cover_alt", "summary", "critical_evaluation",
        "attachment", "first_published_at", "published_at", "comment_count", "moderated_by", "moderated_at", "pdf_status",
    ]
    readonly_fields = [name for name in fields if name != "is_hidden"]
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
class CommentAdmin(CourseScopedAdmin):
    course_path = "entry__course"
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


# The buttons of a report's page (templates/admin/gallery/report/change_form.html): name -> what it does.
MODERATION_BUTTONS = ("_hide", "_restore", "_resolve", "_reopen")


@admin.register(Report)
class ReportAdmin(CourseScopedAdmin):
    """A report is read and settled on its own page: what was reported, in its context, with hide,
    restore, resolve and reopen as buttons that call the gallery's services (as the actions do)."""

    change_form_template = "admin/gallery/report/change_form.html"
    list_display = ["created_at", "reporter", "reported_item", "reason_excerpt", "item_state", "status"]
    list_filter = [OpenFirstStatusFilter, "entry__course"]
    list_select_related = ["reporter", "entry__course", "entry__author", "comment__author"]
    search_fields = ["reason", "reporter__email", "entry__title", "comment__body"]
    course_path = "entry__course"
    # Nothing here is edited as a field: the status changes only through the buttons (a reopened
    # report that clashed with another open one used to fail on save).
    readonly_fields = [
        "reported_item", "reported_text", "context", "item_state", "reason", "reporter", "created_at", "status",
        "resolved_by", "resolved_at", "other_reports",
    ]
    fieldsets = [
        ("What was reported", {"fields": ["reported_item", "reported_text", "context", "item_state"]}),
        ("The report", {"fields": ["reason", ("reporter", "created_at"), ("status", "other_reports"), ("resolved_by", "resolved_at")]}),
    ]
    actions = ["hide_item", "restore_item", "resolve"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "reporter", "resolved_by", "entry__course", "entry__author", "comment__author", "comment__parent__author",
        )

    @admin.display(description="Reported")
    def reported_item(self, obj):
        if obj.comment_id:
            return format_html(
                'A comment by {} on <a href="{}">{}</a>', _who(obj.comment.author), obj.comment.get_absolute_url(), obj.entry
            )
        return format_html('The entry <a href="{}">{}</a> by {}', obj.entry.get_absolute_url(), obj.entry, _who(obj.entry.author))

    @admin.display(description="Its text")
    def reported_text(self, obj):
        if obj.comment_id:
            comment = obj.comment
            when = timezone.localtime(comment.created_at)
            edited = " (edited)" if comment.edited_at else ""
            return format_html(
                '<p class="small">Posted {}{}</p><div class="reported-text">{}</div>',
                f"{when:%-d %B %Y, %H:%M}", edited, comment.body or "(deleted by its author)",
            )
        entry = obj.entry
        parts = [("Title", entry.title), ("Summary", entry.summary), ("Critical evaluation", entry.critical_evaluation)]
        return format_html_join("", '<p><strong>{}</strong></p><div class="reported-text">{}</div>', ((k, v or "—") for k, v in parts))

    @admin.display(description="Context")
    def context(self, obj):
        entry = obj.entry
        published = f"{timezone.localtime(entry.published_at):%-d %B %Y}" if entry.published_at else "not published"
        lines = [format_html('In the gallery of {}: the entry “{}” by {}, published {}.', entry.course, entry.title, _who(entry.author), published)]
        comment = obj.comment
        if comment is not None and comment.parent_id:
            parent = comment.parent
            lines.append(format_html(
                'A reply to {}, who wrote:<div class="reported-text">{}</div>', _who(parent.author), parent.body or "(deleted)"
            ))
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines))

    @admin.display(description="Reason")
    def reason_excerpt(self, obj):
        return obj.reason[:100]

    @admin.display(description="The item is")
    def item_state(self, obj):
        return "hidden from learners" if obj.target.is_hidden else "visible to learners"

    @admin.display(description="Other open reports on it")
    def other_reports(self, obj):
        reports = Report.objects.filter(status=Report.Status.OPEN).exclude(pk=obj.pk)
        reports = reports.filter(comment=obj.comment) if obj.comment_id else reports.filter(entry=obj.entry, comment=None)
        return reports.count()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        button = next((name for name in MODERATION_BUTTONS if name in request.POST), None) if request.method == "POST" else None
        if button is None:
            return super().change_view(request, object_id, form_url, extra_context)
        report = self.get_object(request, object_id)
        if report is None:
            raise Http404("No such report.")
        if not self.has_change_permission(request, report):
            return super().change_view(request, object_id, form_url, extra_context)  # answers 403 itself
        self._moderate(request, report, button)
        return redirect(request.path)

    def _moderate(self, request, report, button: str) -> None:
        target, noun = report.target, "comment" if report.comment_id else "entry"
        if button == "_hide":
            resolved = services.moderate(target, hide=True, by=request.user)
            reports = f"{resolved} open report{pluralize(resolved)} on it resolved"
            self.message_user(request, f"The {noun} is hidden from learners; {reports}.", messages.SUCCESS)
        elif button == "_restore":
            services.moderate(target, hide=False, by=request.user)
            self.message_user(request, f"The {noun} is visible to learners again.", messages.SUCCESS)
        elif button == "_resolve":
            services.resolve_reports(Report.objects.filter(pk=report.pk), request.user)
            self.message_user(request, f"The report is resolved; the {noun} stays as it is.", messages.SUCCESS)
        elif services.reopen_report(report):
            self.message_user(request, "The report is open again.", messages.SUCCESS)
        else:
            self.message_user(
                request, "This report cannot be reopened: its reporter already has an open report on the same item. Settle that one instead.",
                messages.WARNING,
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["report"] = obj
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description="Hide the reported items")
    def hide_item(self, request, queryset):
        resolved = sum(services.moderate(report.target, hide=True, by=request.user) for report in queryset)
        self.message_user(
            request, f"The reported items are hidden from learners; {resolved} open report{pluralize(resolved)} on them resolved.",
            messages.SUCCESS,
        )

    @admin.action(description="Restore the reported items")
    def restore_item(self, request, queryset):
        for report in queryset:
            services.moderate(report.target, hide=False, by=request.user)
        self.message_user(request, "The reported items are visible again.", messages.SUCCESS)

    @admin.action(description="Mark the selected reports resolved")
    def resolve(self, request, queryset):
        count = services.resolve_reports(queryset, request.user)
        self.message_user(request, f"{count} report{pluralize(count)} resolved.", messages.SUCCESS)

    def has_add_permission(self, request):
        return False


def _who(user) -> str:
    return f"{user.public_name} <{user.email}>" if user else "a deleted account"


@admin.register(RulesAcceptance)
class RulesAcceptanceAdmin(CourseScopedAdmin):
    list_display = ["user", "course", "accepted_at"]
    list_select_related = ["user", "course"]
    search_fields = ["user__email"]
