"""The project's illustrations follow the theme: in Chromium, the cover and a session picture are drawn on the
dark ground in the dark theme and on paper in the light one. Screenshots go to tests/screenshots/art/."""

import io
from collections import Counter

import pytest
from django.urls import reverse
from PIL import Image

from core.art import DARK, PAPER
from tests import factories
from tests.conftest import SCREENSHOTS, login_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUND = {"light": PAPER, "dark": DARK[PAPER]}


@pytest.fixture
def enrolled_course(real_course):
    from accounts.models import User

    course = real_course
    learner = User.objects.get(email="learner@atelier.test")
    if not learner.enrollments.filter(course=course).exists():
        factories.enroll(learner, course)
    return course


def ground(png: bytes) -> str:
    """The picture's most common colour, which is its ground, as #rrggbb."""
    with Image.open(io.BytesIO(png)) as image:
        (colour, _), = Counter(image.convert("RGB").get_flattened_data()).most_common(1)
    return "#{:02x}{:02x}{:02x}".format(*colour)


def close(colour: str, expected: str, tolerance: int = 3) -> bool:
    pairs = zip(bytes.fromhex(colour[1:]), bytes.fromhex(expected[1:]), strict=True)
    return all(abs(a - b) <= tolerance for a, b in pairs)


def test_the_cover_and_session_pictures_sit_on_the_themes_ground(_playwright_browser, live_server, enrolled_course):
    folder = SCREENSHOTS / "art"
    folder.mkdir(parents=True, exist_ok=True)
    found = {}
    for theme in ("light", "dark"):
        context = _playwright_browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900},
                                                  color_scheme=theme)
        page = context.new_page()
        page.set_default_timeout(15000)
        login_in_browser(page, "learner@atelier.test", "atelier-learner")
        for name, url, selector in (
            ("course-page", enrolled_course.get_absolute_url(), "img.art-cover"),
            ("session-page", reverse("learn:session", args=[enrolled_course.slug, 1]), "img.art-banner"),
        ):
            assert page.goto(url).status == 200
            # A full-page shot never scrolls, so lazy images below the fold would stay blank: load them first.
            page.evaluate("""() => Promise.all([...document.images].map(img => { img.loading = 'eager';
                return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; }); }))""")
            page.screenshot(path=str(folder / f"{name}-{theme}.png"), full_page=True)
            found[name, theme] = ground(page.locator(selector).screenshot())
        context.close()
    for (name, theme), colour in found.items():
        assert close(colour, GROUND[theme]), f"{name} in the {theme} theme: the picture's ground is {colour}, not {GROUND[theme]}"
