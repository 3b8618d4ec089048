from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class BadgesConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'badges'

    def ready(self):
        """Badges sit above every other app: what can earn a badge is a signal sent below and
        connected here, so no lower app imports badges. Badges also keep their course's cache
        keys current themselves (core/cache.py)."""
        # Imported here, not at the top: these modules load models, which Django allows only
        # once the app registry is ready.
        from badges import receivers
        from badges.models import BadgeClass
        from courses.signals import progress_recomputed
        from gallery.signals import comment_posted, entry_published
        from portfolios.signals import worksheet_submitted

        for name, signal in [
            ("progress", progress_recomputed),
            ("worksheet", worksheet_submitted),
            ("entry", entry_published),
            ("comment", comment_posted),
        ]:
            signal.connect(receivers.evaluate_badges, dispatch_uid=f"evaluate-badges-on-{name}")
        post_save.connect(receivers.touch_course, sender=BadgeClass, dispatch_uid="touch-course-on-badge-save")
        post_delete.connect(receivers.touch_course, sender=BadgeClass, dispatch_uid="touch-course-on-badge-delete")
