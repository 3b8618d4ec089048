import hashlib
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import condition, require_POST

from courses import caching, services
from courses.files import ranged_file_response
from courses.forms import EnrollForm, VideoPositionForm
from courses.models import Course, Enrollment, Lesson, LessonCaption
from courses.progress import CourseProgress, learning_overview, progress_for
from courses.services import PREVIEW_MESSAGE, EnrollmentRefused, enrollment_state, get_enrollment_or_404, get_learning_or_404
from courses.signals import completion_sections


def catalog(request):
    courses = list(Course.objects.published())
    if len(courses) == 1:
        return redirect(courses[0])
    return render(request, "courses/course_list.html", {"courses": courses})


def _course_and_open_offerings(request, slug) -> tuple[Course, list]:
    """The published course and its offerings open now, read once per request: the ETag and the
    page both need them."""
    if not hasattr(request, "course_page"):
        course = get_object_or_404(Course.objects.published(), slug=slug)
        request.course_page = (course, caching.open_offerings(course))
    return request.course_page


def _course_page_etag(request, slug):
    """ETag of the public course page for visitors who are not logged in.

    The page is the shared body (cached per course version) plus the enroll box, which for a
    visitor depends only on the offerings open right now; the CSRF cookie is part of the tag
    because the page carries a token. Logged-in pages (header, enrollment, messages) get none.
    """
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return None
    course, offerings = _course_and_open_offerings(request, slug)
    opening = [(o.pk, o.mode, o.starts_on) for o in offerings]
    raw = f"{course.pk}|{course.updated_at.timestamp()}|{opening}|{timezone.localdate()}|{request.COOKIES.get(settings.CSRF_COOKIE_NAME, '')}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


@condition(etag_func=_course_page_etag)
def course_detail(request, slug):
    course, offerings = _course_and_open_offerings(request, slug)
    state = enrollment_state(course, request.user, offerings=offerings)
    session_count, lesson_count = caching.outline_counts(course)
    context = {
        "course": course,
        # Read only when the shared body's fragment is built (course_body.html).
        "sessions": SimpleLazyObject(lambda: caching.sessions_with_lessons(course)),
        "session_count": session_count,
        "lesson_count": lesson_count,
        "state": state,
        "enroll_form": EnrollForm(course) if state.needs_country else None,
        # Staff who teach it and are not enrolled get a link to the learner pages' preview; a learner's page runs no query for it.
        "can_preview": request.user.is_staff and state.enrollment is None
        and Course.objects.previewable_by(request.user).filter(pk=course.pk).exists(),
    }
    return render(request, "courses/course_detail.html", context)


# --- Enrolling ---------------------------------------------------------------------------


@require_POST
def enroll(request, slug):
    course = get_object_or_404(Course.objects.published(), slug=slug)
    if not request.user.is_authenticated:
        return redirect(reverse("account_signup") + "?" + urlencode({"next": course.get_absolute_url()}))
    form = EnrollForm(course, request.POST)
    if not form.is_valid():
        messages.error(request, "That offering is no longer available. Please pick one from the list.")
        return redirect(course)
    try:
        enrollment = services.enroll(
            request.user, course, form.cleaned_data["offering"], form.cleaned_data["country"] or None
        )
    except EnrollmentRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(course)
    if not enrollment.offering.has_started():
        messages.success(
            request, f"You are enrolled in {enrollment.offering.title}. It starts on {enrollment.offering.starts_on:%-d %B %Y}."
        )
        return redirect("learn:dashboard")
    messages.success(request, f"You are enrolled in {course.title}. Welcome! Start with session 1 below.")
    return redirect("learn:outline", course.slug)


@require_POST
@login_required
def withdraw(request, slug):
    # Leaving is always possible, whatever the country in the profile says now.
    enrollment = services.get_own_enrollment_or_404(request.user, slug)
    services.withdraw(enrollment)
    until = f" before your access ends on {timezone.localtime(enrollment.access_expires_at):%-d %B %Y}" if enrollment.access_expires_at else ""
    messages.success(
        request,
        f"You have left {enrollment.course.title}. Your work is kept: enroll again{until} to pick it up. "
        "Anything you posted in its gallery stays there until you take it down (Courses you left, below).",
    )
    return redirect("learn:dashboard")


# --- My learning, outline and session ---------------------------------------------------


@login_required
def dashboard(request):
    progresses, left = learning_overview(request.user)
    # Staff land here after logging in: the courses they teach come first, with their places.
    teaching = list(Course.objects.taught_by(request.user).only("pk", "slug", "title", "is_published")) if request.user.is_staff else []
    return render(request, "courses/enrollment_list.html", {"progresses": progresses, "left": left, "teaching": teaching})


@login_required
def outline(request, course_slug):
    enrollment = get_learning_or_404(request.user, course_slug)
    announcements = caching.course_announcements(enrollment.course, enrollment.offering_id)
    context = {"progress": progress_for(enrollment), "preview": enrollment.is_preview, "announcements": announcements}
    return render(request, "courses/enrollment_outline.html", context)


@login_required
def session_detail(request, course_slug, number):
    enrollment = get_learning_or_404(request.user, course_slug)
    progress = progress_for(enrollment)
    current = progress.session_progress(number)
    if current is None:
        raise Http404("This course has no such session.")
    previous, following = progress.session_neighbours(current)
    context = {"progress": progress, "current": current, "previous": previous, "next": following, "preview": enrollment.is_preview}
    return render(request, "courses/session_detail.html", context)


# --- The lesson player ------------------------------------------------------------------


def _lesson_or_404(progress: CourseProgress, number: int, lesson_slug: str) -> Lesson:
    lesson = progress.lesson(number, lesson_slug)
    if lesson is None:
        raise Http404("This course has no such lesson.")
    return lesson


def _locked_page(request, progress, lesson):
    context = {
        "progress": progress, "current": progress.session_progress(lesson.session.number), "lesson": lesson,
        "preview": progress.enrollment.is_preview,
    }
    return render(request, "courses/lesson_locked.html", context, status=403)


@login_required
def lesson_detail(request, course_slug, number, lesson_slug):
    enrollment = get_learning_or_404(request.user, course_slug)
    progress = progress_for(enrollment)
    lesson = _lesson_or_404(progress, number, lesson_slug)
    if progress.is_lesson_locked(lesson):
        return _locked_page(request, progress, lesson)
    enrollment.view_lesson(lesson)
    previous, following = progress.neighbours(lesson)
    context = {
        "progress": progress,
        "current": progress.session_progress(number),
        "lesson": lesson,
        "is_done": progress.is_done(lesson),
        "previous": previous,
        "next": following,
        "preview": enrollment.is_preview,
    }
    if lesson.has_player:
        context["captions"] = list(lesson.captions.all())
        context["position"] = enrollment.video_position(lesson) if lesson.video_file else None
    return render(request, "courses/lesson_detail.html", context)


@login_required
def lesson_page(request, course_slug, number, lesson_slug):
    """The lesson's document as a web page: the same text as its PDF, for reading on screen."""
    enrollment = get_learning_or_404(request.user, course_slug)
    progress = progress_for(enrollment)
    lesson = _lesson_or_404(progress, number, lesson_slug)
    if progress.is_lesson_locked(lesson):
        return _locked_page(request, progress, lesson)
    if not lesson.document_text:  # deferred in the cached outline: read here, once
        raise Http404("This lesson's document has no page version.")
    context = {"progress": progress, "current": progress.session_progress(number), "lesson": lesson, "preview": enrollment.is_preview}
    return render(request, "courses/lesson_document_page.html", context)


@require_POST
@login_required
def lesson_position(request, course_slug, number, lesson_slug):
    """The player reports where the learner is in the video (JSON in, JSON out)."""
    enrollment, lesson = _released_lesson_or_404(request, course_slug, number, lesson_slug)
    if not lesson.video_file:
        raise Http404("This lesson has no uploaded video.")
    form = VideoPositionForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "The position must be a number of seconds."}, status=400)
    if enrollment.is_preview:
        return JsonResponse({"error": PREVIEW_MESSAGE}, status=403)
    if enrollment.is_read_only:
        return JsonResponse({"error": "Your access to this course has ended, so your place is not saved."}, status=403)
    seconds = enrollment.save_video_position(lesson, form.cleaned_data["seconds"])
    return JsonResponse({"seconds": seconds})


def _change_completion(request, course_slug, number, lesson_slug, *, complete: bool):
    enrollment = get_learning_or_404(request.user, course_slug)
    progress = progress_for(enrollment)
    lesson = _lesson_or_404(progress, number, lesson_slug)
    if progress.is_lesson_locked(lesson):
        return _locked_page(request, progress, lesson)
    if enrollment.is_preview:
        messages.info(request, PREVIEW_MESSAGE)
    elif enrollment.is_read_only:
        messages.error(request, "Your access to this course has ended, so your progress can no longer change.")
    elif lesson.has_worksheet:
        # Submitting the worksheet is what completes the lesson (portfolios.services.submit_worksheet).
        messages.info(request, f"“{lesson.title}” is complete when you submit its worksheet, and stays complete once you have.")
    elif complete:
        services.complete_lesson(enrollment, lesson)
        if progress_for(enrollment).is_complete:
            return redirect("learn:finished", course_slug=enrollment.course.slug)
        messages.success(request, f"“{lesson.title}” is marked as complete.")
    else:
        services.uncomplete_lesson(enrollment, lesson)
        messages.info(request, f"“{lesson.title}” is marked as not complete.")
    # Back to the button's place, which takes focus (site.js), not the top of the page.
    return redirect(lesson.get_absolute_url() + "#completion")


@login_required
def finished(request, course_slug):
    """The course's last page: congratulations, what the learner achieved, what the apps above add
    (badges earned, the gallery as the next step) and where to go from here."""
    enrollment = get_enrollment_or_404(request.user, course_slug)
    progress = progress_for(enrollment)
    if not progress.is_complete:
        messages.info(request, "This page opens when every required lesson is complete.")
        return redirect("learn:outline", course_slug=course_slug)
    responses = completion_sections.send(sender=Enrollment, enrollment=enrollment, user=request.user)
    context = {
        "progress": progress, "course": enrollment.course, "enrollment": enrollment,
        "outcomes": enrollment.course.outcomes.all(),
        "sections": [section for _, section in responses if section],  # in INSTALLED_APPS order
    }
    return render(request, "courses/finished.html", context)


@require_POST
@login_required
def lesson_complete(request, course_slug, number, lesson_slug):
    return _change_completion(request, course_slug, number, lesson_slug, complete=True)


@require_POST
@login_required
def lesson_uncomplete(request, course_slug, number, lesson_slug):
    return _change_completion(request, course_slug, number, lesson_slug, complete=False)


def _released_lesson_or_404(request, course_slug, number, lesson_slug) -> tuple[Enrollment, Lesson]:
    enrollment = get_learning_or_404(request.user, course_slug)
    lesson = get_object_or_404(
        Lesson.objects.select_related("session"), session__course=enrollment.course, session__number=number, slug=lesson_slug
    )
    if enrollment.offering.locked_until(lesson.session):
        raise Http404("This session has not been released yet.")
    return enrollment, lesson


@login_required
def lesson_video(request, course_slug, number, lesson_slug):
    """The uploaded video, with HTTP range support so the player can seek."""
    _, lesson = _released_lesson_or_404(request, course_slug, number, lesson_slug)
    if not lesson.video_file:
        raise Http404("This lesson has no uploaded video.")
    return ranged_file_response(request, lesson.video_file)


@login_required
def lesson_poster(request, course_slug, number, lesson_slug):
    _, lesson = _released_lesson_or_404(request, course_slug, number, lesson_slug)
    if not lesson.video_poster:
        raise Http404("This lesson's video has no poster.")
    return ranged_file_response(request, lesson.video_poster)


@login_required
def lesson_captions(request, course_slug, number, lesson_slug, language):
    """One language of the video's captions, for its <track>."""
    _, lesson = _released_lesson_or_404(request, course_slug, number, lesson_slug)
    caption = get_object_or_404(LessonCaption, lesson=lesson, language=language)
    response = ranged_file_response(request, caption.file)
    response["Content-Type"] = "text/vtt; charset=utf-8"
    return response


@login_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def lesson_document(request, course_slug, number, lesson_slug):
    """The lesson's PDF: inline for the <iframe> on the lesson page, or as a download with ?download=1."""
    _, lesson = _released_lesson_or_404(request, course_slug, number, lesson_slug)
    if not lesson.document:
        raise Http404("This lesson has no document.")
    response = ranged_file_response(request, lesson.document)
    disposition = "attachment" if "download" in request.GET else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{lesson.slug}.pdf"'
    return response
