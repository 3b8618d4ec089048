"""The courses app's signal and the receivers that keep its cached content current.

Every cached copy of a course's content is keyed by `Course.updated_at` (core/cache.py), so a
change to any part of it touches the course; courses/apps.py connects these receivers. The apps
above connect their own for the parts they own (worksheets, prompts, badges).
"""

from django.dispatch import Signal

from core.cache import touch
from courses.models import Course

# Sent after a learner's stored progress was recomputed (user_id, course_id); apps above
# courses (badges) connect to it in their own apps.py instead of being imported here.
progress_recomputed = Signal()


def course_part_changed(sender, instance, **kwargs):
    """A session, outcome, staff member or offering was saved or deleted."""
    touch(Course.objects.filter(pk=instance.course_id))


def lesson_changed(sender, instance, **kwargs):
    touch(Course.objects.filter(sessions=instance.session_id))
