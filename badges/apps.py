from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_delete

from core.cache import touch_on_change


class BadgesConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'badges'

    def ready(self):
        """Badges sit above every other app: what can earn a badge is a signal sent below and
        connected here, so no lower app imports badges. Badges also keep their course's cache
        keys current themselves (core/cache.py)."""
        # Imported here, not at the top: these modules load models, which Django allows only
        # once the app registry is ready.
        from accounts.signals import before_account_deletion, collect_personal_data
        from badges import receivers
        from badges.models import BadgeClass
        from courses.signals import completion_sections, progress_recomputed
        from gallery.signals import comment_posted, entry_published
        from portfolios.signals import worksheet_submitted

        for name, signal in [
            ("progress", progress_recomputed),
            ("worksheet", worksheet_submitted),
            ("entry", entry_published),
            ("comment", comment_posted),
        ]:
            signal.connect(receivers.evaluate_badges, dispatch_uid=f"evaluate-badges-on-{name}")
        completion_sections.connect(receivers.completion_badges, dispatch_uid="badges-completion-section")
        # Awards outlive their earner's account, kept verifiable or withdrawn as the learner chose.
        before_account_deletion.connect(receivers.withdraw_awards_if_asked, dispatch_uid="badges-withdraw-on-account-deletion")
        collect_personal_data.connect(receivers.export_badges, dispatch_uid="badges-export-personal-data")
        from courses.signals import enrollment_export_columns

        enrollment_export_columns.connect(receivers.export_columns, dispatch_uid="badges-export-columns")
        pre_delete.connect(receivers.keep_awards_of_deleted_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="badges-keep-awards-of-deleted-user")
        # The course page lists the course's badges (core/cache.py).
        Course = self.apps.get_model("courses", "Course")
        touch_on_change(BadgeClass, lambda badge: Course.objects.filter(pk=badge.course_id))
