"""The shipped course fixture loads completely, and loading again changes nothing."""

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from accounts.models import User
from courses.models import Course, Lesson, Offering


def test_load_course_loads_the_real_course_once_and_keeps_changes(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_course", "--demo-users", verbosity=0)
    course = Course.objects.get(slug="introduction-to-micro-influence")
    assert course.title == "Introduction to Micro-Influence for Creative Professionals"
    assert course.sessions.count() == 6
    assert [s.lessons.count() for s in course.sessions.order_by("number")] == [8, 5, 5, 5, 5, 6]
    assert Lesson.objects.filter(session__course=course).count() == 34
    assert course.outcomes.count() == 7
    assert course.worksheets.count() == 8
    assert all(4 <= w.prompts.count() <= 14 for w in course.worksheets.exclude(slug="portfolio-setup"))
    # #16.9: the set-up worksheet carries the six parts the course promises, under their headings.
    setup_sections = set(course.worksheets.get(slug="portfolio-setup").prompts.values_list("section", flat=True))
    assert {"Beliefs", "Skills", "Networks", "Content", "Endorsements", "Experiences"} <= setup_sections
    assert course.worksheets.filter(asks_portfolio_texts=True).get().slug == "continuous-improvement"
    assert [c.code for c in course.unavailable_countries] == ["IN"]
    assert course.offerings.filter(mode=Offering.Mode.ADAPTIVE).get().is_open()
    cohort = course.offerings.get(title="2024 cohort")
    assert not cohort.is_open()
    assert str(cohort.session_release_date(course.sessions.get(number=6))) == "2024-07-02"
    documents = Lesson.objects.filter(session__course=course, kind="document")
    assert documents.count() == 6 and all(d.document for d in documents)
    assert (tmp_path / documents.first().document.name).read_bytes().startswith(b"%PDF-")
    instructor = User.objects.get(email="instructor@atelier.test")
    assert instructor.groups.filter(name="instructors").exists()
    assert course.is_taught_by(instructor)  # so the demo instructor moderates the course's gallery

    lesson = Lesson.objects.get(session__number=3, order=1)
    lesson.title = "Edited by an instructor"
    lesson.save()
    call_command("load_course", "--demo-users", verbosity=0)
    assert Lesson.objects.filter(session__course=course).count() == 34
    assert Lesson.objects.get(pk=lesson.pk).title == "Edited by an instructor"
    assert User.objects.filter(email__endswith="@atelier.test").count() == 4


def test_every_text_lesson_has_a_substantial_body(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_course", verbosity=0)
    for lesson in Lesson.objects.filter(kind="text"):
        assert len(lesson.body.split()) > 600, lesson.title
    for lesson in Lesson.objects.exclude(kind="text"):
        assert len(lesson.body.split()) > 100, lesson.title


def test_every_session_has_a_text_lesson(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_course", verbosity=0)
    for session in Course.objects.get().sessions.all():
        assert session.lessons.filter(kind="text").exists(), session


def test_every_ebook_can_also_be_read_as_a_page(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_course", verbosity=0)
    documents = Lesson.objects.filter(kind="document")
    assert documents.count() == 6
    for lesson in documents:
        assert len(lesson.document_text.split()) > 700, lesson.title
        assert not lesson.document_text.startswith("# ")  # the page prints the lesson's title itself


def test_every_ebook_pdf_is_tagged_for_screen_readers_with_its_language(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_course", verbosity=0)
    for lesson in Lesson.objects.exclude(document=""):
        reader = PdfReader(tmp_path / lesson.document.name)
        catalog = reader.trailer["/Root"]
        assert "/StructTreeRoot" in catalog, lesson.title
        assert catalog["/Lang"] == "en", lesson.title
        assert reader.metadata.title == lesson.title


def test_load_course_never_rewrites_a_course_an_instructor_has_changed(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_course", verbosity=0)
    course = Course.objects.get(slug="introduction-to-micro-influence")
    course.slug = "micro-influence"
    course.save()
    session = course.sessions.get(number=2)
    session.title = "Renamed by the instructor"
    session.save()
    lesson = Lesson.objects.get(session__course=course, session__number=3, order=1)
    lesson.title = "Edited by an instructor"
    lesson.save()

    call_command("load_course", verbosity=0)  # what bin/prod-local runs on every start

    assert Course.objects.count() == 1
    assert Course.objects.get().slug == "micro-influence"
    assert course.sessions.get(number=2).title == "Renamed by the instructor"
    assert Lesson.objects.get(pk=lesson.pk).title == "Edited by an instructor"


def test_load_course_never_overwrites_an_operators_own_rows(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    operator = User.objects.create_superuser(email="ops@example.com", username="ops", password="their-own-42")
    theirs = Course.objects.create(pk=1, slug="their-course", title="Their own course")

    call_command("load_course", "--demo-users", verbosity=0)

    operator.refresh_from_db()
    assert operator.email == "ops@example.com" and operator.is_superuser
    assert operator.check_password("their-own-42")
    theirs.refresh_from_db()
    assert theirs.slug == "their-course" and theirs.title == "Their own course"
    # The demo users get ids of their own, next to the operator.
    assert User.objects.filter(email__endswith="@atelier.test").count() == 4


def test_demo_users_are_created_only_when_asked_and_never_in_production(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_course", verbosity=0)
    assert not User.objects.filter(email__endswith="@atelier.test").exists()
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="never created under production settings"):
        call_command("load_course", "--demo-users", verbosity=0)
    assert not User.objects.filter(email="admin@atelier.test").exists()
