from django.apps import AppConfig

from core.cache import touch_on_change


class CoursesConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'courses'

    def ready(self):
        # Every cached copy of a course's content is keyed by the course's updated_at (core/cache.py):
        # a change to any part of it touches the course.
        Course = self.get_model("Course")
        for name in ("Session", "LearningOutcome", "StaffMember", "Offering"):
            touch_on_change(self.get_model(name), lambda part: Course.objects.filter(pk=part.course_id))
        touch_on_change(self.get_model("Lesson"), lambda lesson: Course.objects.filter(sessions=lesson.session_id))
