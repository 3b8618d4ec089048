from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from core.cache import touch_on_change


def _export_courses(sender, user, archive, **kwargs):
    from courses.services import export_personal_data  # services import models: not at app loading

    export_personal_data(user, archive)


def reconcile_course_progress(sender, instance, raw=False, **kwargs):
    from courses.models import Session  # apps.py is imported before the models are ready
    from courses.tasks import reconcile_progress

    if raw:  # loaddata: a whole course arriving, no learner yet
        return
    course_id = Session.objects.filter(pk=instance.session_id).values_list("course_id", flat=True).first()
    if course_id is not None:  # None: the whole course is being deleted
        reconcile_progress.delay_on_commit(course_id=course_id)


class CoursesConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'courses'

    def ready(self):
        # Every cached copy of a course's content is keyed by the course's updated_at (core/cache.py):
        # a change to any part of it touches the course.
        Course = self.get_model("Course")
        for name in ("Session", "LearningOutcome", "StaffMember", "Offering", "Announcement"):
            touch_on_change(self.get_model(name), lambda part: Course.objects.filter(pk=part.course_id))
        touch_on_change(self.get_model("Lesson"), lambda lesson: Course.objects.filter(sessions=lesson.session_id))
        # A required lesson added, removed or made optional changes every learner's figures: recompute
        # the course's enrollments in the background (only those that now disagree).
        for signal in (post_save, post_delete):
            signal.connect(reconcile_course_progress, sender=self.get_model("Lesson"), dispatch_uid=f"reconcile-{signal}")
        from accounts.signals import collect_personal_data

        collect_personal_data.connect(_export_courses, dispatch_uid="courses-export-personal-data")
