from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CoursesConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'courses'

    def ready(self):
        # The receivers use the models, which can be imported only once the registry is ready.
        from courses.signals import course_part_changed, lesson_changed

        parts = [(name, course_part_changed) for name in ("Session", "LearningOutcome", "StaffMember", "Offering")]
        for name, receiver in [*parts, ("Lesson", lesson_changed)]:
            model = self.get_model(name)
            post_save.connect(receiver, sender=model, dispatch_uid=f"touch-course-{name}-save")
            post_delete.connect(receiver, sender=model, dispatch_uid=f"touch-course-{name}-delete")
