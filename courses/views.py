from django.shortcuts import get_object_or_404, redirect, render

from courses.models import Course
from courses.services import enrollment_state


def catalog(request):
    courses = list(Course.objects.published())
    if len(courses) == 1:
        return redirect(courses[0])
    return render(request, "courses/course_list.html", {"courses": courses})


def course_detail(request, slug):
    course = get_object_or_404(Course.objects.published(), slug=slug)
    sessions = list(course.sessions_with_lessons())
    context = {
        "course": course,
        "sessions": sessions,
        "lesson_count": sum(len(s.lessons.all()) for s in sessions),
        "outcomes": list(course.outcomes.all()),
        "staff": list(course.staff.all()),
        "badges": list(course.badges.active()),
        "state": enrollment_state(course, request.user),
    }
    return render(request, "courses/course_detail.html", context)
