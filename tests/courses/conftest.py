import pytest
from django.utils import timezone

from courses.models import Enrollment, Lesson, LessonCompletion, StaffMember
from tests import factories


@pytest.fixture
def teacher(course):
    """An instructor (in the instructors group, not a superuser) who teaches this course and no other."""
    user = factories.make_instructor(email="teacher@example.com", display_name="Tess Teacher")
    StaffMember.objects.create(course=course, name="Tess Teacher", role=StaffMember.Role.INSTRUCTOR, user=user)
    return user


@pytest.fixture
def first_lesson(course):
    return Lesson.objects.select_related("session").get(session__course=course, session__number=1, order=1)


@pytest.fixture
def crowd(db):
    """200 other enrollments and 1,000 completions in the database, in another course and this one."""

    def build(course, enrollments: int = 200, completions: int = 1000):
        other = factories.make_course(sessions=5, lessons_per_session=2)
        offering = factories.make_offering(other)
        own_offering = course.offerings.first()
        now = timezone.now()
        users = [factories.make_user() for _ in range(enrollments)]
        rows = Enrollment.objects.bulk_create(
            [
                Enrollment(
                    user=user,
                    course=other if i % 2 else course,
                    offering=offering if i % 2 else own_offering,
                    started_at=now,
                    access_expires_at=now + other.access_duration,
                )
                for i, user in enumerate(users)
            ]
        )
        lessons = {c.pk: list(Lesson.objects.filter(session__course=c)) for c in (course, other)}
        LessonCompletion.objects.bulk_create(
            [
                LessonCompletion(enrollment=row, lesson=lesson)
                for row in rows
                for lesson in lessons[row.course_id][:completions // enrollments]
            ]
        )
        assert LessonCompletion.objects.count() >= completions

    return build


@pytest.fixture
def instructor(instructor, course):
    """The root conftest's instructor, named as this course's instructor: the admin shows an
    instructor only the courses they teach (courses.admin.CourseScopedAdmin)."""
    StaffMember.objects.create(course=course, name=instructor.public_name, role=StaffMember.Role.INSTRUCTOR, user=instructor)
    return instructor
