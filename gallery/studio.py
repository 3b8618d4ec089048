"""What the gallery gives the course's staff: its part of the course dashboard and of the enrollment
CSV (connected to courses.signals in gallery/apps.py)."""

from datetime import timedelta

from django.db.models import Count, F, Q
from django.urls import reverse

from gallery.models import Comment, Entry, Report

WEEK = timedelta(days=7)


def dashboard_section(sender, course, now, **kwargs):
    """The dashboard's "Gallery": entries (published, hidden), comments (all, this week) and open
    reports, with links to the gallery and to the reports in the admin. Three queries."""
    entries = Entry.objects.filter(course=course).aggregate(
        published=Count("pk", filter=Q(is_published=True, is_hidden=False)),
        hidden=Count("pk", filter=Q(is_hidden=True)),
        this_week=Count("pk", filter=Q(is_published=True, published_at__gte=now - WEEK)),
    )
    comments = Comment.objects.filter(entry__course=course, is_deleted=False).aggregate(
        total=Count("pk"), this_week=Count("pk", filter=Q(created_at__gte=now - WEEK))
    )
    # A report on a comment names the comment's entry too.
    open_reports = Report.objects.filter(status=Report.Status.OPEN, entry__course=course).count()
    context = {
        "course": course,
        "entries": entries,
        "comments": comments,
        "open_reports": open_reports,
        "gallery_url": reverse("gallery:list", args=[course.slug]),
        "reports_url": reverse("admin:gallery_report_changelist")  # open reports first,
    }
    return "gallery/includes/studio_dashboard_section.html", context


def export_columns(sender, enrollments, **kwargs):
    """The enrollment CSV's gallery columns: the entry's state and comments written. Two queries."""
    states = {}
    for enrollment_id, is_published, is_hidden in Entry.objects.filter(portfolio__enrollment__in=enrollments).values_list(
        "portfolio__enrollment_id", "is_published", "is_hidden"
    ):
        states[enrollment_id] = "hidden" if is_hidden else ("published" if is_published else "unpublished")
    # Comments belong to the author, not the enrollment: count them in the enrollment's course.
    counted = Q(user__gallery_comments__entry__course=F("course"), user__gallery_comments__is_deleted=False)
    written = dict(
        enrollments.model.objects.filter(pk__in=enrollments.values("pk"))
        .annotate(n=Count("user__gallery_comments", filter=counted)).values_list("pk", "n")
    )
    cells = {pk: [states.get(pk, ""), written.get(pk, 0)] for pk in set(states) | set(written)}
    return ["gallery_entry", "gallery_comments"], cells
