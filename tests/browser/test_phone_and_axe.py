"""Every learner page and state on a phone and under axe-core (#16.15 and the Done lines):

- no horizontal scrolling at 320 and 390 px (`document.documentElement.scrollWidth <= innerWidth`);
- axe-core with the WCAG 2.x A/AA and best-practice rules: 0 violations of any impact, also on the
  404, 403, CSRF, 500 and 503 pages;
- screenshots of the course navigation, the completion page and the error pages at 1280 and 390 px.
"""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from playwright.sync_api import expect

from badges.models import Award
from courses.models import Lesson, Offering
from courses.services import complete_lesson
from gallery.models import Comment
from portfolios.models import Prompt
from tests import factories
from tests.badges.conftest import make_badge  # noqa: F401  (a fixture)
from tests.browser.test_accessibility import AXE, describe, journey  # noqa: F401  (a fixture)
from tests.conftest import login_in_browser, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not AXE.exists(), reason="needs node_modules/axe-core (npm ci)")]

WIDTHS = (320, 390)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
LONG_TITLE = "Cross-platform-storytelling-for-ceramicists-illustrators-and-musicians: planning a season of posts"
LONG_LINK = "https://www.example.com/guides/micro-influence/worksheets/the-complete-platform-comparison-table-2026.pdf"


def run_axe(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}).then(r =>
            r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary}))})))""",
        AXE_TAGS,
    )


def overflow(page) -> dict | None:
    """The page's width beyond the viewport, with the widest elements that stick out."""
    return page.evaluate("""() => {
        const w = window.innerWidth, sw = document.documentElement.scrollWidth;
        if (sw <= w) return null;
        const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1)
            .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`);
        return {scrollWidth: sw, innerWidth: w, sticking_out: wide.slice(-8)};
    }""")


def duplicate_ids(page) -> list[str]:
    return page.evaluate("""() => { const seen = {}, dup = new Set();
        document.querySelectorAll('[id]').forEach(e => { if (seen[e.id]) dup.add(e.id); seen[e.id] = true; });
        return [...dup]; }""")


@pytest.fixture
def world(journey, course, learner, user_factory):  # noqa: F811
    """journey's learner part-way through, plus a scheduled cohort's learner, a finished learner, a long lesson
    title and a worksheet whose help text and intro carry a long link."""
    long = Lesson.objects.get(session__course=course, session__number=1, order=2)
    long.title = LONG_TITLE
    long.save(update_fields=["title"])
    worksheet = journey["worksheet"]
    worksheet.intro = f"Compare the platforms first: [{LONG_LINK}]({LONG_LINK})."
    worksheet.save(update_fields=["intro"])
    Prompt.objects.filter(worksheet=worksheet).update(help_text=f"See the comparison table at {LONG_LINK} before you choose.")

    scheduled = factories.make_offering(
        course, mode=Offering.Mode.SCHEDULED, title="Spring cohort (Tuesdays, with live Q&A)",
        starts_on=(timezone.now() - timedelta(days=10)).date(),
    )
    cohort = user_factory(email="cohort@example.com", display_name="Cora Cohort", country="AU")
    factories.enroll(cohort, course, scheduled)
    future = factories.make_future_offering(course)
    waiting = user_factory(email="waiting@example.com", display_name="Wren Waiting", country="AU")
    factories.enroll(waiting, course, future)

    finisher = user_factory(email="finisher@example.com", display_name="Finn Finisher", country="AU")
    done = factories.enroll(finisher, course)
    for each in Lesson.objects.filter(session__course=course):
        complete_lesson(done, each)
    award = Award.objects.filter(recipient=learner).first()
    comment = Comment.objects.filter(entry=journey["entry"], parent__isnull=True).first()
    return {**journey, "long": long, "award": award, "comment": comment}


def learner_pages(world) -> dict[str, str]:
    course, entry = world["course"], world["entry"]
    return {
        "my-learning": "/learn/",
        "outline": f"/learn/{course.slug}/",
        "session": f"/learn/{course.slug}/1/",
        "lesson": world["lesson"].get_absolute_url(),
        "lesson-long-title": world["long"].get_absolute_url(),
        "worksheet-help-link": world["worksheet"].get_absolute_url(),
        "portfolio": f"/portfolio/{course.slug}/",
        "gallery-list": f"/gallery/{course.slug}/",
        "gallery-entry": entry.get_absolute_url(),
        "gallery-entry-reply-open": f"{entry.get_absolute_url()}?reply={world['comment'].pk}#reply-{world['comment'].pk}",
        "gallery-yours": f"/gallery/{course.slug}/yours/",
        "my-badges": "/badges/",
        "award": f"/badges/awards/{world['award'].uuid}/",
        "notifications": "/notifications/",
        "profile": "/profile/",
        "delete-account": "/profile/delete/",
        "password": "/accounts/password/change/",
    }


def states(world) -> list[tuple[str, str | None, dict[str, str]]]:
    """(group, who logs in, pages)."""
    course = world["course"]
    return [
        ("anonymous", None, {"course-page": course.get_absolute_url(), "catalog": "/courses/", "log-in": "/accounts/login/",
                             "sign-up": "/accounts/signup/", "not-found": "/no-such-page/"}),
        ("learner", "learner@example.com", learner_pages(world)),
        ("cohort", "cohort@example.com", {"cohort-my-learning": "/learn/", "cohort-outline": f"/learn/{course.slug}/",
                                          "cohort-locked-session": f"/learn/{course.slug}/6/"}),
        ("waiting", "waiting@example.com", {"waiting-my-learning": "/learn/", "waiting-outline": f"/learn/{course.slug}/"}),
        ("finisher", "finisher@example.com", {"finished": f"/learn/{course.slug}/finished/",
                                              "finished-my-learning": "/learn/"}),
    ]


def visit_all(page, world, check) -> None:
    for _, who, pages in states(world):
        page.context.clear_cookies()
        if who:
            login_in_browser(page, who)
        for name, url in pages.items():
            response = page.goto(url)
            assert response.status in (200, 404), f"{name}: {url} answered {response.status}"
            check(name)


def test_no_page_scrolls_sideways_at_320_and_390_px(page, world):
    wide = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})

        def check(name, width=width):
            if found := overflow(page):
                wide[f"{name}@{width}"] = found

        visit_all(page, world, check)
    assert not wide, "pages wider than the screen:\n" + describe(wide)


def error_pages(page) -> dict[str, str]:
    """The 403, 500 and 503 pages as the server renders them, served at addresses of the live server (so the
    site's CSS loads); 404 and CSRF are the real thing."""
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    bodies = {
        "403": permission_denied(RequestFactory().get("/"), PermissionDenied()).content.decode(),
        "500": render_to_string("500.html"),
        "503": render_to_string("503.html"),
    }
    def serve(code, html):
        return lambda route: route.fulfill(status=int(code), body=html, content_type="text/html; charset=utf-8")

    for code, html in bodies.items():
        page.route(f"**/__error/{code}", serve(code, html))
    return {code: f"/__error/{code}" for code in bodies}


def open_csrf_page(page):
    page.goto("/accounts/login/")
    page.evaluate("() => document.querySelector('form.form input[name=csrfmiddlewaretoken]').value = 'x'.repeat(64)")
    page.fill("input[name=login]", "learner@example.com")
    page.fill("input[name=password]", "correct-horse-42")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Your form had expired")


def test_every_learner_page_state_and_error_page_has_no_axe_violations(page, world):
    found, duplicated = {}, {}

    def check(name):
        if violations := run_axe(page):
            found[name] = violations
        if dup := duplicate_ids(page):
            duplicated[name] = dup

    # The check can fail: a planted image without alt text and a heading that skips levels are found.
    page.goto("/accounts/login/")
    page.evaluate("""() => { const d = document.createElement('div');
        d.innerHTML = '<img src="/static/img/favicon.svg" id="planted"><h5>Skipped</h5>'; document.querySelector('main').append(d); }""")
    assert {"image-alt", "heading-order"} <= {v["id"] for v in run_axe(page)}

    visit_all(page, world, check)
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.clear_cookies()
    login_in_browser(page, "learner@example.com")
    for name in ("lesson", "gallery-entry-reply-open", "worksheet-help-link"):
        page.goto(learner_pages(world)[name])
        check(f"{name}@390")
    page.set_viewport_size({"width": 1280, "height": 900})
    for code, url in error_pages(page).items():
        page.goto(url)
        check(f"error-{code}")
    page.context.clear_cookies()
    open_csrf_page(page)
    check("error-csrf")
    assert not duplicated, "ids used twice:\n" + describe(duplicated)
    assert not found, "axe-core violations:\n" + describe(found)


def test_screenshots_of_course_navigation_completion_and_error_pages(page, world):
    """At 1280 and 390 px, for looking at (tests/screenshots/): the pages must also not scroll sideways."""
    course = world["course"]
    errors = error_pages(page)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
        page.context.clear_cookies()
        for code, url in {"404": "/no-such-page/", **errors}.items():
            page.goto(url)
            screenshot(page, f"journey-error-{code}-{width}")
            assert overflow(page) is None, code
        open_csrf_page(page)
        screenshot(page, f"journey-error-csrf-{width}")
        page.context.clear_cookies()
        login_in_browser(page, "learner@example.com")
        page.goto(f"/learn/{course.slug}/")
        expect(page.get_by_role("navigation", name=course.title)).to_be_visible()
        screenshot(page, f"journey-course-nav-{width}")
        page.context.clear_cookies()
        login_in_browser(page, "finisher@example.com")
        page.goto(f"/learn/{course.slug}/finished/")
        screenshot(page, f"journey-finished-{width}")
