"""The project's own pictures (#20.2): a cover and a picture per session, drawn in code and shipped as SVG,
shown with their size and alt text on the course page, the outline, the session page and My learning;
instructors may replace them in the admin with a bitmap that is decoded, cropped and re-encoded."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from PIL import Image

from core.art import DARK, PAPER, to_svg
from courses import art as course_art
from courses.forms import CourseAdminForm, SessionAdminForm, StaffMemberAdminForm
from courses.models import Session

STATIC = Path(settings.BASE_DIR) / "static"


def jpeg_upload(size=(3000, 1000), name="cover.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 150)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_the_shipped_svgs_are_what_the_code_draws_with_their_description():
    pictures = [(course_art.COVER_ART_NAME, course_art.cover_picture())]
    pictures += [(course_art.session_art_name(n), course_art.session_picture(n)) for n in range(1, 7)]
    alts = set()
    for name, (picture, alt) in pictures:
        svg = (STATIC / name).read_text()
        assert svg == to_svg(picture, title=alt)  # `make fixtures` regenerates them
        assert "<script" not in svg and "href" not in svg
        alts.add(alt)
    assert len(alts) == 7  # every picture is described in its own words


def test_each_shipped_svg_repaints_its_ground_in_the_dark_theme():
    """Shown as <img>, the page's CSS cannot reach them: each carries its own dark theme
    (tests/browser/test_art_themes.py checks what Chromium draws)."""
    for name in [course_art.COVER_ART_NAME] + [course_art.session_art_name(n) for n in range(1, 7)]:
        svg = (STATIC / name).read_text()
        style = svg.split("<style>", 1)[1].split("</style>", 1)[0]
        assert style.startswith("@media (prefers-color-scheme: dark){"), name
        assert f".f-paper{{fill:{DARK[PAPER]}}}" in style, name
        assert f'class="f-paper" fill="{PAPER}"/>' in svg.split("</style>", 1)[1].split("\n", 2)[1], name  # the ground


def test_a_seventh_session_starts_the_series_again():
    assert course_art.session_art_name(7) == course_art.session_art_name(1)


def test_the_course_page_shows_the_cover_session_pictures_and_portraits(client, course):
    html = client.get(reverse("courses:detail", args=[course.slug])).content.decode()
    _, cover_alt = course_art.cover_picture()
    assert f'src="/static/img/course/cover.svg" alt="{cover_alt}" width="2000" height="600"' in html
    for number in range(1, 7):
        _, alt = course_art.session_picture(number)
        assert f'src="/static/img/course/session-{number}.svg" alt="{alt}" width="1600" height="900" loading="lazy"' in html
    assert '<svg class="staff-portrait" viewBox="0 0 72 72" width="72" height="72" aria-hidden="true"' in html
    assert ">SM</text>" in html


def test_the_outline_session_page_and_my_learning_show_the_pictures(enrolled_client, course):
    _, alt = course_art.session_picture(2)
    outline = enrolled_client.get(reverse("learn:outline", args=[course.slug])).content.decode()
    assert f'src="/static/img/course/session-2.svg" alt="{alt}"' in outline
    session = enrolled_client.get(reverse("learn:session", args=[course.slug, 2])).content.decode()
    assert f'src="/static/img/course/session-2.svg" alt="{alt}" width="1600" height="900"' in session
    dashboard = enrolled_client.get(reverse("learn:dashboard")).content.decode()
    assert 'src="/static/img/course/cover.svg"' in dashboard


def test_an_uploaded_session_image_replaces_the_drawing_cropped_to_16_9(client, course):
    session = Session.objects.get(course=course, number=3)
    data = {**model_to_dict(session, exclude=["image"]), "image_alt": "A loom with red warp threads."}
    form = SessionAdminForm(data, {"image": jpeg_upload()}, instance=session)
    assert form.is_valid(), form.errors
    form.save()
    session.refresh_from_db()
    with session.image.open("rb") as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (1600, 900))
    html = client.get(reverse("courses:detail", args=[course.slug])).content.decode()
    assert f'src="{session.image.url}" alt="A loom with red warp threads." width="1600" height="900"' in html


def test_an_svg_upload_is_refused(course):
    svg = SimpleUploadedFile("cover.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                             content_type="image/svg+xml")
    form = CourseAdminForm({"hero_image_alt": "A drawing."}, {"hero_image": svg}, instance=course)
    assert not form.is_valid()
    assert "hero_image" in form.errors


def test_an_uploaded_image_needs_a_description(course):
    course.hero_image = "courses/cover.jpg"
    with pytest.raises(ValidationError) as error:
        course.clean()
    assert "hero_image_alt" in error.value.message_dict


def test_a_staff_photo_becomes_a_square_portrait(course):
    member = course.staff.get()
    data = {key: value for key, value in model_to_dict(member, exclude=["photo"]).items() if value is not None}
    form = StaffMemberAdminForm(data, {"photo": jpeg_upload((900, 1200), "me.jpg")}, instance=member)
    assert form.is_valid(), form.errors
    form.save()
    with member.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (480, 480)
    assert member.art.alt == "Portrait of Social Media Mastery"


def test_the_admin_keeps_every_session_and_staff_field_beside_the_pictures(admin_client, course):
    session = Session.objects.get(course=course, number=1)
    html = admin_client.get(reverse("admin:courses_session_change", args=[session.pk])).content.decode()
    for name in ("number", "title", "summary", "image", "image_alt", "estimated_hours"):
        assert f'name="{name}"' in html, name
    html = admin_client.get(reverse("admin:courses_course_change", args=[course.pk])).content.decode()
    for name in ("staff-0-name", "staff-0-bio", "staff-0-photo", "hero_image", "hero_image_alt"):
        assert f'name="{name}"' in html, name
