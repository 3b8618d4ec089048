"""What courses tells the apps above it; they connect their receivers in their own apps.py."""

from django.dispatch import Signal

# Sent after a learner's stored progress was recomputed (user_id, course_id); apps above
# courses (badges) connect to it in their own apps.py instead of being imported here.
progress_recomputed = Signal()


# Sent by the course-completion page (enrollment, user): each receiver returns a section to show,
# (template name, context), or None. Badges answers with what was earned, the gallery with the
# next step; courses knows neither.
completion_sections = Signal()


# Sent by the course dashboard (course, now): each receiver returns a section to show,
# (template name, context), or None, reading its figures in a constant number of queries.
# The worksheets' reviews come from portfolios, the gallery's activity from the gallery.
dashboard_sections = Signal()


# Sent by the enrollment CSV export (enrollments: a queryset of the exported enrollments): each
# receiver returns (column names, {enrollment id: cells}) in a constant number of queries, for
# what the apps above courses know of a learner (portfolio, gallery, badges).
enrollment_export_columns = Signal()
