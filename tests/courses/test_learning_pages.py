import re
from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from courses.models import Enrollment, Lesson, LessonCompletion
from courses.services import complete_lesson, enroll
from portfolios.models import Worksheet
from tests import factories


def lessons_of(course):
    return list(Lesson.objects.filter(session__course=course).select_related("session"))


# --- My learning ----------------------------------------------------------------------------


def test_my_learning_shows_progress_resume_schedule_and_access(enrolled_client, enrollment, course):
    lessons = lessons_of(course)
    complete_lesson(enrollment, lessons[0])
    complete_lesson(enrollment, lessons[1])
    complete_lesson(enrollment, lessons[2])
    html = enrolled_client.get(reverse("learn:dashboard")).content.decode()
    assert "25% complete" in html
    assert "3 of 12 lessons" in html
    assert 'value="25" max="100"' in html
    assert f'href="{lessons[3].get_absolute_url()}"' in html  # resume at the next lesson not done
    assert "Resume" in html
    assert "On track" in html
    assert "120 days</strong> of access left" in html
    assert "Your recommended schedule" in html
    first_due = timezone.localtime(enrollment.started_at + timedelta(days=7)).date()
    assert first_due.strftime("%-d %b %Y") in html


def test_my_learning_says_behind_when_a_recommended_date_has_passed(enrolled_client, enrollment):
    Enrollment.objects.filter(pk=enrollment.pk).update(started_at=timezone.now() - timedelta(days=15))
    html = enrolled_client.get(reverse("learn:dashboard")).content.decode()
    assert "Behind schedule" in html
    assert "You are 2 sessions behind" in html


def test_my_learning_shows_the_start_date_of_a_future_offering(client, learner, db):
    course = factories.make_course()
    future = factories.make_future_offering(course, days=9)
    enroll(learner, course, future)
    client.force_login(learner)
    html = client.get(reverse("learn:dashboard")).content.decode()
    assert f"Starts on <strong>{future.starts_on:%A %-d %B %Y}</strong>" in html
    # The schedule shows the release dates of a scheduled offering.
    assert (future.starts_on + timedelta(days=7)).strftime("%-d %b %Y") in html


def test_my_learning_resumes_the_last_lesson_viewed(enrolled_client, enrollment, course):
    lesson = lessons_of(course)[5]
    enrolled_client.get(lesson.get_absolute_url())
    html = enrolled_client.get(reverse("learn:dashboard")).content.decode()
    assert f'<a class="button" href="{lesson.get_absolute_url()}">Resume' in html


def test_my_learning_without_enrollments_points_to_the_courses(client, learner):
    client.force_login(learner)
    html = client.get(reverse("learn:dashboard")).content.decode()
    assert "You are not enrolled in a course yet" in html


def test_my_learning_needs_login(client):
    response = client.get(reverse("learn:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- outline and session --------------------------------------------------------------------


def test_the_outline_marks_done_lessons_and_session_progress(enrolled_client, enrollment, course):
    lessons = lessons_of(course)
    complete_lesson(enrollment, lessons[0])
    html = enrolled_client.get(reverse("learn:outline", args=[course.slug])).content.decode()
    assert html.count('class="is-done"') == 1
    assert "1 of 2 done" in html
    assert "0 of 2 done" in html
    for lesson in lessons:
        assert lesson.get_absolute_url() in html


def test_the_session_page_lists_its_lessons_with_marks(enrolled_client, enrollment, course):
    lessons = lessons_of(course)
    complete_lesson(enrollment, lessons[2])
    html = enrolled_client.get(reverse("learn:session", args=[course.slug, 2])).content.decode()
    assert "Session topic 2" in html
    assert "1 of 2 lessons done" in html
    assert html.count('class="is-done"') == 1
    assert enrolled_client.get(reverse("learn:session", args=[course.slug, 9])).status_code == 404


@pytest.fixture
def scheduled(learner, db):
    """A learner in a scheduled offering that started 3 days ago: session 1 open, the rest locked."""
    course = factories.make_course()
    offering = factories.make_offering(course, mode="scheduled", starts_on=timezone.localdate() - timedelta(days=3))
    return enroll(learner, course, offering)


def test_unreleased_sessions_are_locked_with_their_date(client, learner, scheduled):
    client.force_login(learner)
    course = scheduled.course
    html = client.get(reverse("learn:outline", args=[course.slug])).content.decode()
    release = scheduled.offering.starts_on + timedelta(days=7)
    assert f"Locked until {release:%-d %B %Y}" in html
    assert html.count("Locked until") == 5
    locked_lesson = Lesson.objects.get(session__course=course, session__number=2, order=1)
    assert locked_lesson.get_absolute_url() not in html
    session_html = client.get(reverse("learn:session", args=[course.slug, 2])).content.decode()
    assert f"This session opens on {release:%A %-d %B %Y}" in session_html


def test_a_lesson_of_a_locked_session_is_refused_with_a_clear_page(client, learner, scheduled):
    client.force_login(learner)
    lesson = Lesson.objects.select_related("session").get(session__course=scheduled.course, session__number=2, order=1)
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 403
    assert "This lesson is not open yet" in response.content.decode()
    response = client.post(reverse("learn:complete", args=[scheduled.course.slug, 2, lesson.slug]))
    assert response.status_code == 403
    assert not LessonCompletion.objects.exists()
    open_lesson = Lesson.objects.get(session__course=scheduled.course, session__number=1, order=1)
    assert client.get(open_lesson.get_absolute_url()).status_code == 200


def test_after_access_ends_the_course_is_read_only_and_progress_is_kept(enrolled_client, enrollment, course):
    lessons = lessons_of(course)
    complete_lesson(enrollment, lessons[0])
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=Enrollment.Status.EXPIRED, access_expires_at=timezone.now() - timedelta(days=1)
    )
    html = enrolled_client.get(lessons[1].get_absolute_url()).content.decode()
    assert "Your access to this course ended" in html
    assert "Mark as complete" not in html
    response = enrolled_client.post(reverse("learn:complete", args=[course.slug, 1, lessons[1].slug]), follow=True)
    assert "can no longer change" in response.content.decode()
    enrolled_client.post(reverse("learn:uncomplete", args=[course.slug, 1, lessons[0].slug]))
    assert list(enrollment.completions.values_list("lesson_id", flat=True)) == [lessons[0].pk]
    outline = enrolled_client.get(reverse("learn:outline", args=[course.slug])).content.decode()
    assert "Access ended" in outline
    assert "1 of 12 lessons" in outline


# --- the lesson player ----------------------------------------------------------------------


def test_the_lesson_page_renders_sanitised_markdown_and_navigation(enrolled_client, course):
    lessons = lessons_of(course)
    lesson = lessons[1]  # the last lesson of session 1: next is in session 2
    lesson.body = "## Notes\n\nSome **bold** text.<script>alert(1)</script>"
    lesson.save()
    html = enrolled_client.get(lesson.get_absolute_url()).content.decode()
    assert "<h2>Notes</h2>" in html
    assert "<strong>bold</strong>" in html
    assert "<script>alert" not in html
    assert f'rel="prev" href="{lessons[0].get_absolute_url()}"' in html
    assert f'rel="next" href="{lessons[2].get_absolute_url()}"' in html
    assert "Mark as complete" in html


def test_the_first_lesson_has_no_previous_and_the_last_leads_back_to_the_outline(enrolled_client, course):
    lessons = lessons_of(course)
    first = enrolled_client.get(lessons[0].get_absolute_url()).content.decode()
    assert 'rel="prev"' not in first
    last = enrolled_client.get(lessons[-1].get_absolute_url()).content.decode()
    assert 'rel="next"' not in last
    assert "Back to the course outline" in last


def test_viewing_a_lesson_remembers_it_for_resume(enrolled_client, enrollment, course):
    lesson = lessons_of(course)[4]
    enrolled_client.get(lesson.get_absolute_url())
    enrollment.refresh_from_db()
    assert enrollment.last_lesson == lesson
    assert enrollment.last_activity_at is not None


def test_mark_complete_and_not_complete(enrolled_client, enrollment, course, django_capture_on_commit_callbacks):
    lesson = lessons_of(course)[0]
    url = reverse("learn:complete", args=[course.slug, 1, lesson.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = enrolled_client.post(url)
    assert response.status_code == 302 and response.url == lesson.get_absolute_url() + "#completion"  # focus goes back there
    enrollment.refresh_from_db()
    assert enrollment.completed_lessons == 1
    assert enrollment.progress_percent == 8
    html = enrolled_client.get(lesson.get_absolute_url()).content.decode()
    assert "Mark as not complete" in html
    with django_capture_on_commit_callbacks(execute=True):
        enrolled_client.post(url)  # twice: still one completion
    assert LessonCompletion.objects.filter(enrollment=enrollment).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        enrolled_client.post(reverse("learn:uncomplete", args=[course.slug, 1, lesson.slug]))
    enrollment.refresh_from_db()
    assert enrollment.completed_lessons == 0
    assert not LessonCompletion.objects.filter(enrollment=enrollment).exists()


def test_completion_needs_post(enrolled_client, course):
    lesson = lessons_of(course)[0]
    assert enrolled_client.get(reverse("learn:complete", args=[course.slug, 1, lesson.slug])).status_code == 405


def test_a_video_lesson_without_a_video_explains_itself(enrolled_client, course):
    lesson = Lesson.objects.get(session__course=course, session__number=1, kind="video")
    html = enrolled_client.get(lesson.get_absolute_url()).content.decode()
    assert "The instructor has not attached a video to this lesson yet" in html
    assert "<video" not in html and "<iframe" not in html


def test_a_youtube_link_plays_through_the_privacy_enhanced_embed(enrolled_client, course):
    lesson = Lesson.objects.select_related("session").get(session__course=course, session__number=1, kind="video")
    lesson.video_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s"
    lesson.save()
    html = enrolled_client.get(lesson.get_absolute_url()).content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html


@pytest.mark.parametrize(
    "url, embed",
    [
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://vimeo.com/channels/staffpicks/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://example.com/video.mp4", ""),
    ],
)
def test_video_links_are_turned_into_privacy_enhanced_embeds(url, embed):
    assert Lesson(video_url=url).video_embed_url() == embed


def _worksheet_page_exists() -> bool:
    try:
        reverse("portfolios:worksheet", args=["course", "worksheet"])
    except NoReverseMatch:
        return False
    return True


@pytest.mark.skipif(not _worksheet_page_exists(), reason="the worksheet page (portfolio issue) is not merged yet")
def test_a_worksheet_lesson_links_to_its_worksheet(enrolled_client, course):
    lesson = Lesson.objects.select_related("session").get(session__course=course, session__number=1, kind="text")
    worksheet = Worksheet.objects.create(course=course, lesson=lesson, slug="plan", title="My plan")
    html = enrolled_client.get(lesson.get_absolute_url()).content.decode()
    assert f'href="{worksheet.get_absolute_url()}"' in html


# --- authorization --------------------------------------------------------------------------


def test_a_learner_not_enrolled_gets_404_on_every_learning_page(client, other_learner, course, enrollment):
    client.force_login(other_learner)
    lesson = lessons_of(course)[0]
    for url in [
        reverse("learn:outline", args=[course.slug]),
        reverse("learn:session", args=[course.slug, 1]),
        lesson.get_absolute_url(),
        reverse("learn:video", args=[course.slug, 1, lesson.slug]),
        reverse("learn:document", args=[course.slug, 1, lesson.slug]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("learn:complete", args=[course.slug, 1, lesson.slug])).status_code == 404


def test_one_learner_cannot_touch_another_learners_completions(client, other_learner, course, enrollment):
    lesson = lessons_of(course)[0]
    complete_lesson(enrollment, lesson)
    other_course = factories.make_course()
    factories.make_offering(other_course)
    factories.enroll(other_learner, other_course)
    client.force_login(other_learner)
    # Not enrolled in this course: 404, and the other learner's completion stays.
    assert client.post(reverse("learn:uncomplete", args=[course.slug, 1, lesson.slug])).status_code == 404
    # Lessons are looked up inside the learner's own course: the same slug there is their own lesson.
    client.post(reverse("learn:uncomplete", args=[other_course.slug, 1, lesson.slug]))
    assert LessonCompletion.objects.filter(enrollment=enrollment, lesson=lesson).exists()


def test_a_lesson_from_another_course_cannot_be_completed_on_an_enrollment(enrollment):
    other_lesson = lessons_of(factories.make_course())[0]
    with pytest.raises(ValueError):
        complete_lesson(enrollment, other_lesson)


def test_learning_pages_of_an_unpublished_course_are_404(enrolled_client, course):
    course.is_published = False
    course.save()
    assert enrolled_client.get(reverse("learn:outline", args=[course.slug])).status_code == 404


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("crowded", [False, True])
def test_learning_pages_run_a_constant_number_of_queries(
    enrolled_client, enrollment, course, crowd, crowded, django_assert_num_queries
):
    lessons = lessons_of(course)
    complete_lesson(enrollment, lessons[0])
    if crowded:
        crowd(course)
    # The first page builds the per-course outline cache: session, user (+the header's unread
    # count), enrollments (+course, offering), completions, sessions, lessons (+worksheet)
    with django_assert_num_queries(6):
        assert enrolled_client.get(reverse("learn:dashboard")).status_code == 200
    # From then on the outline comes from the cache: session, user (+unread count), enrollments,
    # completions
    with django_assert_num_queries(4):
        assert enrolled_client.get(reverse("learn:dashboard")).status_code == 200
    # session, user (+unread count), enrollment (+course, offering), completions, and the first time
    # the offering's announcements (then cached for every learner of it, courses.caching)
    with django_assert_num_queries(5):
        assert enrolled_client.get(reverse("learn:outline", args=[course.slug])).status_code == 200
    with django_assert_num_queries(4):
        assert enrolled_client.get(reverse("learn:outline", args=[course.slug])).status_code == 200
    # the same as the outline
    with django_assert_num_queries(4):
        assert enrolled_client.get(reverse("learn:session", args=[course.slug, 1])).status_code == 200
    lesson_url = lessons[1].get_absolute_url()
    # the same, plus the UPDATE that remembers the lesson for Resume
    with django_assert_num_queries(5):
        assert enrolled_client.get(lesson_url).status_code == 200
    # a reload of the same lesson writes nothing
    with django_assert_num_queries(4):
        assert enrolled_client.get(lesson_url).status_code == 200


def test_every_page_of_an_enrolled_course_carries_the_course_navigation(enrolled_client, course, enrollment):
    from django.urls import reverse

    lesson = course.sessions.get(number=1).lessons.first()
    pages = {
        reverse("learn:dashboard"): None,
        reverse("learn:outline", args=[course.slug]): "Outline",
        reverse("learn:session", args=[course.slug, 1]): "Outline",
        reverse("learn:lesson", args=[course.slug, 1, lesson.slug]): "Outline",
        reverse("portfolios:portfolio", args=[course.slug]): "My portfolio",
        reverse("gallery:list", args=[course.slug]): "Gallery",
    }
    for url, current in pages.items():
        html = enrolled_client.get(url).content.decode()
        nav = html[html.index('<nav class="course-nav"'):]
        nav = nav[: nav.index("</nav>")]
        for place in ("Outline", "My portfolio", "Gallery", "Badges"):
            assert f">{place}</a>" in nav, (url, place)
        if current:
            assert f'aria-current="page">{current}</a>' in nav, url


def test_completing_the_last_lesson_opens_the_completion_page_with_badges_and_the_next_step(
    enrolled_client, course, enrollment, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from badges.models import BadgeClass
    from courses.models import Lesson, LessonCompletion

    BadgeClass.objects.create(course=course, slug="done", name="Course complete", description="d", criteria="c",
                              rule=BadgeClass.Rule.COURSE_COMPLETED, image="badges/done.png")
    finished = reverse("learn:finished", args=[course.slug])
    assert enrolled_client.get(finished).url == reverse("learn:outline", args=[course.slug])  # not yet
    lessons = list(Lesson.objects.filter(session__course=course).order_by("session__number", "order"))
    for lesson in lessons[:-1]:
        LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)
    last = lessons[-1]
    with django_capture_on_commit_callbacks(execute=True):
        response = enrolled_client.post(reverse("learn:complete", args=[course.slug, last.session.number, last.slug]))
    assert response.url == finished
    html = enrolled_client.get(finished).content.decode()
    assert "You completed the course" in html
    assert "Course complete" in html  # the badge just earned (badges' section)
    assert "Publish to the gallery" in html  # the next step (the gallery's section)
    dashboard = enrolled_client.get(reverse("learn:dashboard")).content.decode()
    assert "See what you achieved" in dashboard and "Pick up where you left off" not in dashboard


def test_an_instructor_lands_on_the_courses_they_teach_with_their_places(client, instructor, course):
    from django.urls import reverse

    from courses.models import StaffMember

    StaffMember.objects.create(course=course, name=instructor.public_name, role=StaffMember.Role.INSTRUCTOR, user=instructor)
    client.force_login(instructor)
    html = client.get(reverse("learn:dashboard")).content.decode()
    assert "Courses you teach" in html and course.title in html
    assert reverse("gallery:list", args=[course.slug]) in html
    assert reverse("admin:courses_course_change", args=[course.pk]) in html
    assert "You are not enrolled in a course yet" not in html
    learners = client.get(reverse("admin:courses_enrollment_changelist") + f"?course__id__exact={course.pk}")
    assert learners.status_code == 200  # the instructors group may see its learners


def test_a_learners_my_learning_asks_nothing_about_teaching(enrolled_client, django_assert_num_queries):
    from django.urls import reverse

    enrolled_client.get(reverse("learn:dashboard"))
    with django_assert_num_queries(4):  # session, user, enrollments, completions
        enrolled_client.get(reverse("learn:dashboard"))


def test_the_course_page_and_the_outline_have_titles_of_their_own(enrolled_client, course):
    def title(url):
        return " ".join(re.search(r"<title>(.*?)</title>", enrolled_client.get(url).content.decode(), re.S).group(1).split())

    course_page, outline = title(reverse("courses:detail", args=[course.slug])), title(reverse("learn:outline", args=[course.slug]))
    assert course_page != outline
    assert outline == f"Your outline · {course.title} · Atelier"
