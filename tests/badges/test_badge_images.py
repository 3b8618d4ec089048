"""Badge emblems (#20.5): the course's nine badges each show their own emblem, as a square Open Badges PNG
of at least 400×400, and the pages show 96/192 px copies instead of the full image."""

import io
import json
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageChops, ImageStat

from badges.admin import BadgeClassForm
from badges.images import EMBLEMS, draw_badge_png
from badges.models import BadgeClass

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def fixture_badges() -> list[dict]:
    return [row["fields"] for row in json.loads((FIXTURES / "badges.json").read_text())]


def test_every_course_badge_has_its_own_emblem_as_a_square_png_of_at_least_400():
    content = json.loads((FIXTURES / "content" / "badges.json").read_text())
    assert len({badge["emblem"] for badge in content}) == len(content) == 9
    assert all(badge["emblem"] in EMBLEMS for badge in content)  # a drawn emblem, never a number
    images = []
    for fields in fixture_badges():
        with Image.open(FIXTURES / "media" / fields["image"]) as image:
            assert image.format == "PNG"
            assert image.width == image.height >= 400
            images.append(image.convert("RGB").resize((64, 64)))
    # Each emblem differs from every other one visibly, not by a few pixels.
    for i, first in enumerate(images):
        for second in images[i + 1:]:
            assert max(ImageStat.Stat(ImageChops.difference(first, second)).mean) > 8


def test_the_fixture_has_the_page_sized_copies_of_each_badge():
    for fields in fixture_badges():
        for side in (96, 192):
            with Image.open(FIXTURES / "media" / fields[f"image_{side}"]) as image:
                assert image.size == (side, side)
            assert (FIXTURES / "media" / fields[f"image_{side}"]).stat().st_size < 12_000


def test_the_committed_badge_images_are_what_the_builder_draws():
    content = {badge["slug"]: badge for badge in json.loads((FIXTURES / "content" / "badges.json").read_text())}
    for fields in fixture_badges():
        badge = content[fields["slug"]]
        assert (FIXTURES / "media" / fields["image"]).read_bytes() == draw_badge_png(badge["name"], badge["color"], badge["emblem"])


def test_saving_a_badge_makes_its_small_copies(make_badge, course):
    badge = make_badge(course)
    for side in (96, 192):
        with getattr(badge, f"image_{side}").open("rb") as stored, Image.open(stored) as image:
            assert image.size == (side, side)
    assert badge.srcset() == f"{badge.image_96.url} 96w, {badge.image_192.url} 192w"


def test_a_new_upload_in_the_admin_remakes_the_small_copies(make_badge, course):
    badge = make_badge(course)
    old_small = badge.image_96.name
    buffer = io.BytesIO()
    Image.new("RGB", (500, 500), (20, 120, 60)).save(buffer, "PNG")
    data = {"course": course.pk, "name": badge.name, "slug": badge.slug, "description": badge.description,
            "criteria": badge.criteria, "order": 1, "is_active": "on", "rule": "manual"}
    form = BadgeClassForm(data, {"image": SimpleUploadedFile("new.png", buffer.getvalue(), "image/png")}, instance=badge)
    assert form.is_valid(), form.errors
    badge = form.save()
    assert badge.image_96.name != old_small
    with badge.image_96.open("rb") as stored, Image.open(stored) as image:
        assert image.convert("RGBA").getpixel((48, 48))[:3] == (20, 120, 60)


def test_the_course_page_shows_badges_from_their_small_copies(client, make_badge, course):
    badge = make_badge(course)
    html = client.get(reverse("courses:detail", args=[course.slug])).content.decode()
    assert f'src="{badge.image_192.url}" srcset="{badge.image_96.url} 96w, {badge.image_192.url} 192w" sizes="96px"' in html
    assert f'src="{badge.image.url}"' not in html


def test_a_badge_whose_image_cannot_be_read_is_saved_and_shown_from_its_full_image(course):
    badge = BadgeClass.objects.create(course=course, slug="lost", name="Lost", description="d", criteria="c",
                                      image="badges/missing.png")
    assert not badge.image_96 and badge.srcset() == ""
    assert badge.small_url() == badge.image.url
