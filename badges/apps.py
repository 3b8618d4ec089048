from django.apps import AppConfig

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
        # The course page lists the course's badges (core/cache.py).
        Course = self.apps.get_model("courses", "Course")
        touch_on_change(BadgeClass, lambda badge: Course.objects.filter(pk=badge.course_id))
