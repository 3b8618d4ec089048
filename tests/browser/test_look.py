"""The look, in Chromium: the key pages at desktop and phone width, in the light and the dark theme.

Screenshots go to tests/screenshots/look/<page>-<width>-<theme>.png so a person can look at them; the checks are the
ones a screenshot shows at a glance: nothing scrolls sideways at 390 px, the header stays one line with a menu
button, and the page is drawn in the self-hosted typeface.
"""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from badges.models import BadgeClass
from badges.services import award_badge
from courses.models import Lesson, LessonCompletion
from gallery import services as gallery
from portfolios.models import Answer, Worksheet
from portfolios.services import get_or_create_portfolio
from tests import factories
from tests.conftest import SCREENSHOTS, login_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
FIGTREE_LOADED = "() => [...document.fonts].some(f => f.family.replace(/\"/g, '') === 'Figtree' && f.status === 'loaded')"
THEMES = ("light", "dark")


@pytest.fixture
def demo(real_course):
    """The real course and demo users, with a learner part-way through: a lesson, an answer, an entry, a badge."""
    from accounts.models import User

    course = real_course
    learner = User.objects.get(email="learner@atelier.test")
    peer = User.objects.get(email="learner2@atelier.test")
    enrollment = learner.enrollments.filter(course=course).first() or factories.enroll(learner, course)
    if not peer.enrollments.filter(course=course).exists():
        factories.enroll(peer, course)
    # A photo for the learner (their header, byline, comments and profile); the peer keeps the generated initial.
    learner.avatar.save("face.png", ContentFile(face_png()), save=True)
    lesson = Lesson.objects.filter(session__course=course).order_by("session__number", "order").first()
    LessonCompletion.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    worksheet = Worksheet.objects.filter(course=course).order_by("step").first()
    portfolio = get_or_create_portfolio(enrollment)
    portfolio.summary = "A weekly rhythm of process clips and studio notes for the ceramic cafés I sell to."
    portfolio.critical_evaluation = "My feed was a shop window; it is becoming a studio diary that people reply to."
    portfolio.save(update_fields=["summary", "critical_evaluation"])
    prompt = worksheet.prompts.order_by("order").first()
    Answer.objects.update_or_create(portfolio=portfolio, prompt=prompt, defaults={"value": "I throw tableware for cafés."})
    gallery.accept_rules(learner, course)
    gallery.accept_rules(peer, course)
    entry = gallery.publish_entry(portfolio, title="Throwing in public", summary=portfolio.summary,
                                  critical_evaluation=portfolio.critical_evaluation)
    comment = gallery.post_comment(entry, peer, "The glaze tests are lovely. Will you show the kiln opening too?")
    gallery.post_comment(entry, learner, "Yes, every other Friday.", parent=comment)
    teacher = User.objects.get(email="instructor@atelier.test")
    gallery.post_comment(entry, teacher, "Showing the kiln opening is exactly the kind of moment people share.", parent=comment)
    award = award_badge(learner, BadgeClass.objects.filter(course=course).order_by("order").first())
    return {
        "course-page": course.get_absolute_url(),
        "my-learning": "/learn/",
        "lesson": lesson.get_absolute_url(),
        "worksheet": worksheet.get_absolute_url(),
        "portfolio": f"/portfolio/{course.slug}/",
        "gallery-list": f"/gallery/{course.slug}/",
        "gallery-entry": entry.get_absolute_url(),
        "my-badges": "/badges/",
        "badge-page": award.get_absolute_url(),
        "profile": "/profile/",
        "log-in": "/accounts/login/",
    }


def face_png() -> bytes:
    image = Image.new("RGB", (256, 256), "#d9c2a7")
    draw = ImageDraw.Draw(image)
    draw.ellipse((68, 40, 188, 160), fill="#8a5a3c")
    draw.ellipse((28, 150, 228, 330), fill="#3f5e6b")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def shoot(page, name: str) -> None:
    folder = SCREENSHOTS / "look"
    folder.mkdir(parents=True, exist_ok=True)
    # A full-page shot never scrolls, so lazy images below the fold would stay blank: load them first.
    page.evaluate("""() => Promise.all([...document.images].map(img => { img.loading = 'eager';
        return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; }); }))""")
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_key_pages_at_desktop_and_phone_width_in_both_themes(_playwright_browser, live_server, demo):
    problems = []
    for theme in THEMES:
        for width in WIDTHS:
            context = _playwright_browser.new_context(
                base_url=live_server.url, viewport={"width": width, "height": 900}, color_scheme=theme)
            page = context.new_page()
            page.set_default_timeout(15000)
            login_in_browser(page, "learner@atelier.test", "atelier-learner")
            for name, url in demo.items():
                if name == "log-in":
                    page.context.clear_cookies()
                response = page.goto(url)
                assert response.status == 200, f"{name}: {url} answered {response.status}"
                page.evaluate("() => document.fonts.ready")
                shoot(page, f"{name}-{width}-{theme}")
                if width < 500 and (extra := overflow(page)) > 0:
                    problems.append(f"{name} at {width}px ({theme}) scrolls sideways by {extra}px")
                header = page.locator(".site-header").bounding_box()["height"]
                if header > 72:
                    problems.append(f"{name} at {width}px: the header is {header:.0f}px tall, more than one line")
                family = page.evaluate("() => getComputedStyle(document.body).fontFamily")
                if not family.replace('"', "").startswith("Figtree") or not page.evaluate(FIGTREE_LOADED):
                    problems.append(f"{name}: the text is not set in the self-hosted Figtree ({family})")
            login_in_browser(page, "instructor@atelier.test", "atelier-instructor")
            page.goto("/admin/")
            shoot(page, f"admin-index-{width}-{theme}")
            context.close()
    assert not problems, "\n".join(problems)


def test_the_phone_menu_is_a_button_that_opens_the_list_and_a_plain_list_without_javascript(_playwright_browser, live_server, learner):
    for javascript in (True, False):
        context = _playwright_browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                                  java_script_enabled=javascript)
        page = context.new_page()
        if javascript:
            login_in_browser(page, learner.email)
        else:  # the log-in form posts without scripts too
            page.goto("/accounts/login/")
            page.fill("input[name=login]", learner.email)
            page.fill("input[name=password]", "correct-horse-42")
            page.click("form.form button[type=submit]")
        page.goto("/learn/")
        nav = page.get_by_role("navigation", name="Main")
        menu = page.get_by_role("button", name="Menu")
        if javascript:
            expect(menu).to_be_visible()
            expect(menu).to_have_attribute("aria-expanded", "false")
            expect(nav.get_by_role("link", name="My badges")).to_be_hidden()
            assert page.locator(".site-header").bounding_box()["height"] <= 72
            menu.click()
            expect(menu).to_have_attribute("aria-expanded", "true")
            nav.get_by_role("link", name="My badges").click()
            page.wait_for_url("**/badges/")
            page.get_by_role("button", name="Menu").click()
            page.keyboard.press("Escape")
            expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")
            assert page.evaluate("() => document.activeElement.classList.contains('menu-button')")
        else:
            expect(menu).to_be_hidden()
            expect(nav.get_by_role("link", name="My badges")).to_be_visible()
            expect(nav.get_by_role("button", name="Log out")).to_be_visible()
        page.set_viewport_size({"width": 1280, "height": 900})
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(nav.get_by_role("link", name="My learning")).to_be_visible()
        context.close()
