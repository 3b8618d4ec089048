"""Touch Course.updated_at whenever the content shown to every learner changes (courses/caching.py)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from courses.caching import touch_course
from courses.models import LearningOutcome, Lesson, Offering, Session, StaffMember

# Sent after a learner's stored progress was recomputed (user_id, course_id); apps above
# courses (badges) connect to it in their own apps.py instead of being imported here.
progress_recomputed = Signal()


@receiver([post_save, post_delete], sender=Session)
@receiver([post_save, post_delete], sender=LearningOutcome)
@receiver([post_save, post_delete], sender=StaffMember)
@receiver([post_save, post_delete], sender=Offering)
def course_part_changed(sender, instance, **kwargs):
    touch_course(instance.course_id)


@receiver([post_save, post_delete], sender=Lesson)
def lesson_changed(sender, instance, **kwargs):
    from courses.models import Session

    touch_course(Session.objects.filter(pk=instance.session_id).values_list("course_id", flat=True).first())


def prompt_changed(sender, instance, **kwargs):
    from portfolios.models import Worksheet

    touch_course(Worksheet.objects.filter(pk=instance.worksheet_id).values_list("course_id", flat=True).first())


def connect_other_apps() -> None:
    """Badges, worksheets and prompts live in other apps; they are shown in the outline and the course page."""
    from badges.models import BadgeClass
    from portfolios.models import Prompt, Worksheet

    post_save.connect(prompt_changed, sender=Prompt, dispatch_uid="touch-course-Prompt-save")
    post_delete.connect(prompt_changed, sender=Prompt, dispatch_uid="touch-course-Prompt-delete")
    for model in (BadgeClass, Worksheet):
        post_save.connect(course_part_changed, sender=model, dispatch_uid=f"touch-course-{model.__name__}-save")
        post_delete.connect(course_part_changed, sender=model, dispatch_uid=f"touch-course-{model.__name__}-delete")
