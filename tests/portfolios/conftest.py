"""Fixtures for the portfolio tests: a worksheet with one prompt of every kind."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from courses.models import Lesson, StaffMember
from portfolios.models import Prompt, Worksheet

PROMPTS = [
    {"kind": "short_text", "label": "Describe your practice in one sentence.", "required": True, "max_length": 60},
    {"kind": "long_text", "label": "What is your micro-influence plan?", "required": True, "max_length": 2000},
    {"kind": "single_choice", "label": "How often do you post?", "choices": ["Rarely", "Weekly", "Daily"]},
    {"kind": "multiple_choice", "label": "Which platforms do you use?", "choices": ["Instagram", "LinkedIn", "Newsletter"]},
    {"kind": "checklist", "label": "Profile checklist", "choices": ["Bio updated", "Photo added"], "required": True},
    {"kind": "url", "label": "Link to your work"},
    {"kind": "number", "label": "Hours a week", "min_value": 0, "max_value": 80},
    {"kind": "image", "label": "A photo of your studio"},
]


def make_worksheet(
    course, *, session: int = 1, order: int = 2, slug: str = "plan", title: str = "Strategy Step #1: Micro-Influence Plan", prompts=PROMPTS
) -> Worksheet:
    lesson = Lesson.objects.get(session__course=course, session__number=session, order=order)
    lesson.kind = Lesson.Kind.WORKSHEET
    lesson.save(update_fields=["kind"])
    worksheet = Worksheet.objects.create(course=course, lesson=lesson, slug=slug, title=title, step=1, intro="Plan your **micro-influence**.")
    for number, spec in enumerate(prompts, start=1):
        Prompt.objects.create(worksheet=worksheet, order=number, help_text=f"Help for {spec['label']}", **spec)
    return worksheet


def png_bytes(size=(40, 30), color=(200, 40, 90)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(name: str = "studio.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def worksheet(course):
    return make_worksheet(course)


@pytest.fixture
def prompts(worksheet):
    """The worksheet's prompts by kind."""
    return {p.kind: p for p in worksheet.prompts.all()}


@pytest.fixture
def instructor(instructor, course):
    """The root conftest's instructor, named as this course's instructor: the admin shows an
    instructor only the courses they teach (courses.admin.CourseScopedAdmin)."""
    StaffMember.objects.create(course=course, name=instructor.public_name, role=StaffMember.Role.INSTRUCTOR, user=instructor)
    return instructor
