from django.apps import AppConfig
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _forget_published_count(sender, instance, **kwargs):
    from gallery.models import bump_list_version

    def forget():
        sender.objects.forget_published_count(instance.course_id)

    # Now, and again once the change commits, so a count read meanwhile does not stay behind
    # (the list version does the same by itself).
    forget()
    transaction.on_commit(forget)
    bump_list_version(instance.course_id)


def _forget_rules_acceptance(sender, instance, **kwargs):
    from gallery.services import rules_key

    cache.delete(rules_key(instance.user_id, instance.course_id))


def _bump_comments_version(sender, instance, **kwargs):
    from gallery.models import bump_comments_version

    bump_comments_version(instance.entry_id)


class GalleryConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'gallery'

    def ready(self):
        # The gallery list's cached entry count (Entry.objects.published_count) and pages
        # (gallery.views._published_grid_html) follow every change.
        entry = self.get_model("Entry")
        post_save.connect(_forget_published_count, sender=entry, dispatch_uid="forget-published-count-save")
        post_delete.connect(_forget_published_count, sender=entry, dispatch_uid="forget-published-count-delete")
        # The entry page's cached comment threads (gallery.views._threads_html) follow every change.
        comment = self.get_model("Comment")
        post_save.connect(_bump_comments_version, sender=comment, dispatch_uid="bump-comments-version-save")
        post_delete.connect(_bump_comments_version, sender=comment, dispatch_uid="bump-comments-version-delete")
        # has_accepted_rules remembers a yes; a deleted acceptance (admin, a deleted user) is forgotten.
        acceptance = self.get_model("RulesAcceptance")
        post_delete.connect(_forget_rules_acceptance, sender=acceptance, dispatch_uid="forget-rules-acceptance")
