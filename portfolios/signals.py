"""What portfolios tells the apps above it; they connect their receivers in their own apps.py."""

from django.dispatch import Signal

# A learner submitted a complete worksheet (user_id, course_id).
worksheet_submitted = Signal()
