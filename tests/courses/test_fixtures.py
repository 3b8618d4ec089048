"""The shipped course fixture loads completely, and loading again changes nothing."""

from django.core.management import call_command

from accounts.models import User
from courses.models import Course, Lesson, Offering


def test_load_course_loads_the_real_course_once_and_keeps_changes(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_course", verbosity=0)
    course = Course.objects.get(slug="introduction-to-micro-influence")
    assert course.title == "Introduction to Micro-Influence for Creative Professionals"
    assert course.sessions.count() == 6
    assert [s.lessons.count() for s in course.sessions.order_by("number")] == [8, 5, 5, 4, 4, 6]
    assert Lesson.objects.filter(session__course=course).count() == 32
    assert course.outcomes.count() == 7
    assert course.worksheets.count() == 8
    assert all(4 <= w.prompts.count() <= 14 for w in course.worksheets.all())
    assert [c.code for c in course.unavailable_countries] == ["IN"]
    assert course.offerings.filter(mode=Offering.Mode.ADAPTIVE).get().is_open()
    cohort = course.offerings.get(title="2024 cohort")
    assert not cohort.is_open()
    assert str(cohort.session_release_date(course.sessions.get(number=6))) == "2024-07-02"
    documents = Lesson.objects.filter(session__course=course, kind="document")
    assert documents.count() == 6 and all(d.document for d in documents)
    assert (tmp_path / documents.first().document.name).read_bytes().startswith(b"%PDF-")
    assert User.objects.get(email="instructor@atelier.test").groups.filter(name="instructors").exists()

    lesson = Lesson.objects.get(session__number=3, order=1)
    lesson.title = "Edited by an instructor"
    lesson.save()
    call_command("load_course", verbosity=0)
    assert Lesson.objects.filter(session__course=course).count() == 32
    assert Lesson.objects.get(pk=lesson.pk).title == "Edited by an instructor"
    assert User.objects.filter(email__endswith="@atelier.test").count() == 4


def test_every_text_lesson_has_a_substantial_body(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_course", verbosity=0)
    for lesson in Lesson.objects.filter(kind="text"):
        assert len(lesson.body.split()) > 600, lesson.title
    for lesson in Lesson.objects.exclude(kind="text"):
        assert len(lesson.body.split()) > 100, lesson.title
