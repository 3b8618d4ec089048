"""What the gallery tells the apps above it; they connect their receivers in their own apps.py."""

from django.dispatch import Signal

# An entry was published or re-published (user_id, course_id).
entry_published = Signal()
# A learner posted a comment (user_id, course_id).
comment_posted = Signal()
