"""Small builders for test data: plain functions, explicit arguments, no magic."""

import functools
import io
import itertools
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.groups import sync_instructors_group
from accounts.models import User
from badges.images import draw_badge_png
from courses.models import Course, Enrollment, LearningOutcome, Lesson, Offering, Session, StaffMember

_seq = itertools.count(1)


def make_user(*, email: str | None = None, password: str = "correct-horse-42", **fields) -> User:
    n = next(_seq)
    email = email or f"user{n}@example.com"
    fields.setdefault("username", email.split("@")[0] + str(n))
    user = User.objects.create_user(email=email, password=password, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_instructor(**fields) -> User:
    user = make_user(is_staff=True, **fields)
    user.groups.add(sync_instructors_group())
    return user


KINDS = [Lesson.Kind.TEXT, Lesson.Kind.VIDEO, Lesson.Kind.DOCUMENT, Lesson.Kind.WORKSHEET]


def make_course(
    *, slug: str | None = None, sessions: int = 6, lessons_per_session: int = 2, unavailable=("IN",), **fields
) -> Course:
    n = next(_seq)
    course = Course.objects.create(
        slug=slug or f"course-{n}",
        title=fields.pop("title", f"Introduction to Micro-Influence {n}"),
        subtitle="Build a micro-influence strategy for your creative practice.",
        provider="Social Media Mastery",
        description="Learn how **micro-influence** works.",
        topics="Micro-influencer networks\nContent that influences",
        prerequisites="A working knowledge of Facebook, Instagram and LinkedIn.",
        community_rules="- Be kind.\n- Keep others' details private.",
        additional_info="Six sessions over six weeks.",
        unavailable_countries=list(unavailable),
        is_published=fields.pop("is_published", True),
        **fields,
    )
    LearningOutcome.objects.create(course=course, order=1, text="Write a social media strategy for your practice.")
    StaffMember.objects.create(course=course, name="Social Media Mastery", role="instructor")
    for number in range(1, sessions + 1):
        session = Session.objects.create(
            course=course, number=number, title=f"Session topic {number}", release_offset_days=7 * (number - 1)
        )
        for order in range(1, lessons_per_session + 1):
            Lesson.objects.create(
                session=session,
                order=order,
                slug=f"lesson-{number}-{order}",
                title=f"Lesson {number}.{order}",
                kind=KINDS[(order - 1) % len(KINDS)],
                body=f"Body of lesson {number}.{order}.",
                estimated_minutes=30,
            )
    return course


def make_offering(course: Course, *, mode: str = Offering.Mode.ADAPTIVE, **fields) -> Offering:
    fields.setdefault("title", "Self-paced" if mode == Offering.Mode.ADAPTIVE else "Scheduled run")
    return Offering.objects.create(course=course, mode=mode, **fields)


def make_closed_offering(course: Course) -> Offering:
    now = timezone.now()
    return make_offering(
        course,
        mode=Offering.Mode.SCHEDULED,
        title="May 2024",
        starts_on=(now - timedelta(days=900)).date(),
        enrollment_closes_at=now - timedelta(days=890),
    )


def make_future_offering(course: Course, days: int = 30) -> Offering:
    return make_offering(
        course,
        mode=Offering.Mode.SCHEDULED,
        title="Next cohort",
        starts_on=(timezone.now() + timedelta(days=days)).date(),
    )


def enroll(user: User, course: Course, offering: Offering | None = None) -> Enrollment:
    """Create an enrollment directly, as the enrollment service would for an adaptive offering."""
    offering = offering or course.offerings.filter(mode=Offering.Mode.ADAPTIVE).first() or make_offering(course)
    now = timezone.now()
    return Enrollment.objects.create(
        user=user,
        course=course,
        offering=offering,
        started_at=now,
        recommended_finish_at=now + course.target_duration,
        access_expires_at=now + course.access_duration,
        total_lessons=Lesson.objects.filter(session__course=course, is_required=True).count(),
    )


def cache_keys() -> list[str]:
    """Every key in the default cache, whichever backend the settings chose (locmem, or Redis under its prefix)."""
    from django.core.cache import cache

    if isinstance(getattr(cache, "_cache", None), dict):  # locmem
        return list(cache._cache)
    client = cache._cache.get_client()
    return [key.decode() for key in client.scan_iter(match=f"{cache.key_prefix}:*")]


def png(color=(200, 80, 120), size=(64, 48)) -> bytes:
    """A small, valid PNG of one colour: a picture upload the image checks accept."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def upload(color=(200, 80, 120)) -> SimpleUploadedFile:
    return SimpleUploadedFile("picture.png", png(color), content_type="image/png")


@functools.cache
def badge_png(color: str = "#1f4e79", emblem: str = "1") -> bytes:
    """A real badge image (badges.images.draw_badge_png), drawn once per colour and emblem: the name is
    not in the picture, and drawing a 600 px badge costs more than the rest of a small test's rows."""
    return draw_badge_png("Badge", color, emblem)
