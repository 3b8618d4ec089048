"""The course dashboard for its staff: how the learners are doing (figures in courses/studio.py)."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from courses.models import Course, Enrollment
from courses.services import get_taught_course_or_404
from courses.signals import dashboard_sections
from courses.studio import STUCK_DAYS, behind_condition, lesson_funnel, offering_rows, stuck_learners

DEFAULT_STUCK_DAYS = 14


def _choice(value: str, allowed) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number in allowed else None


@login_required
@require_GET
def dashboard(request, course_slug: str):
    course = get_taught_course_or_404(request.user, course_slug)
    now = timezone.now()
    offerings = list(course.offerings.order_by("starts_on", "pk"))
    chosen = _choice(request.GET.get("offering"), {o.pk for o in offerings})
    days = _choice(request.GET.get("days"), STUCK_DAYS) or DEFAULT_STUCK_DAYS
    behind = behind_condition(course, offerings, now=now)
    rows = offering_rows(course, offerings, behind, now=now)
    scope = Enrollment.objects.filter(course=course).exclude(status=Enrollment.Status.WITHDRAWN)
    if chosen:
        scope = scope.filter(offering_id=chosen)
    enrolled = sum(row.enrolled for row in rows if not chosen or row.offering.pk == chosen)
    stuck, stuck_count = stuck_learners(scope, behind, days=days, now=now)
    subject = quote(f"{course.title}: how are you getting on?")
    context = {
        "course": course,
        "offerings": offerings,
        "chosen": chosen,
        "days": days,
        "stuck_days": STUCK_DAYS,
        "rows": rows,
        "enrolled": enrolled,
        "funnel": lesson_funnel(course, scope, enrolled),
        "stuck": [(e, f"mailto:{quote(e.user.email, safe='@')}?subject={subject}") for e in stuck],
        "stuck_count": stuck_count,
        "mail_all": f"mailto:?bcc={','.join(quote(e.user.email, safe='@') for e in stuck)}&subject={subject}" if stuck else "",
        "sections": [answer for _, answer in dashboard_sections.send(sender=Course, course=course, now=now) if answer],
        "announcements": list(course.announcements.select_related("offering")[:5]),
        "announce_url": reverse("admin:courses_announcement_add") + f"?course={course.pk}",
    }
    return render(request, "courses/studio_dashboard.html", context)
