from django.contrib import admin

from gallery.models import Comment, Entry, Report


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "course", "published_at", "is_published", "is_hidden", "comment_count"]
    list_filter = ["is_published", "is_hidden", "course"]
    search_fields = ["title", "author__email", "author__display_name"]
    list_select_related = ["author", "course"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author", "entry", "created_at", "is_hidden"]
    list_filter = ["is_hidden"]
    search_fields = ["body", "author__email"]
    list_select_related = ["author", "entry"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["reporter", "entry", "comment", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["reporter", "entry", "comment"]
