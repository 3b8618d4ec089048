from django.apps import AppConfig


def _evaluate_badges(sender, user_id, course_id, **kwargs):
    from badges.services import queue_badge_evaluation  # badges' own module, loaded after the app registry

    queue_badge_evaluation(user_id, course_id)


class BadgesConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'badges'

    def ready(self):
        # Badges sit above every other app: each event that can earn a badge is a signal sent
        # below, and the evaluation is queued here, so no lower app imports badges.
        from courses.signals import progress_recomputed
        from gallery.signals import comment_posted, entry_published
        from portfolios.signals import worksheet_submitted

        for name, signal in [
            ("progress", progress_recomputed),
            ("worksheet", worksheet_submitted),
            ("entry", entry_published),
            ("comment", comment_posted),
        ]:
            signal.connect(_evaluate_badges, dispatch_uid=f"evaluate-badges-on-{name}")
