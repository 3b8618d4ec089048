from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Notification, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["email", "username", "display_name", "country", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "country"]
    search_fields = ["email", "username", "display_name"]
    ordering = ["email"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Profile", {"fields": ["display_name", "country", "bio", "avatar", "profile_is_public"]}),
        ("Email preferences", {"fields": ["wants_gallery_emails", "wants_pace_reminders"]}),
    )
    add_fieldsets = (
        (None, {"classes": ["wide"], "fields": ["email", "username", "password1", "password2"]}),
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "text", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["user__email", "text"]
    list_select_related = ["user"]
