"""The admin index's desk: the courses the user teaches, each with its reports still open."""

from django import template
from django.db.models import Count, Q

from courses.admin import courses_of
from gallery.models import Report

register = template.Library()


@register.simple_tag
def teaching_desk(user) -> dict:
    """{"courses": the user's courses (all for a superuser) with `open_reports`, "open_reports": their sum}.
    Two queries: the courses with their counts, none per course."""
    open_reports = Count("entries__reports", filter=Q(entries__reports__status=Report.Status.OPEN))
    courses = list(courses_of(user).annotate(open_reports=open_reports).order_by("title").only("pk", "slug", "title", "is_published"))
    return {"courses": courses, "open_reports": sum(course.open_reports for course in courses)}
