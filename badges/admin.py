from django.contrib import admin

from badges.models import Award, BadgeClass


@admin.register(BadgeClass)
class BadgeClassAdmin(admin.ModelAdmin):
    list_display = ["name", "course", "rule", "rule_param", "is_active"]
    list_filter = ["rule", "is_active", "course"]
    search_fields = ["name", "description"]


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["badge", "recipient", "awarded_at", "is_revoked", "is_public"]
    list_filter = ["is_revoked", "badge"]
    search_fields = ["recipient__email", "badge__name"]
    list_select_related = ["badge", "recipient"]
    autocomplete_fields = ["recipient"]
