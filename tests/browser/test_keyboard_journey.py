"""By keyboard alone, from enrolling to commenting, with a visible focus indicator at every stop (#16.15),
and on a phone: the lesson's "Mark as complete" comes early, focus stays where the learner was after it,
and a redirect's message is at the top of main with focus on it."""

import pytest
from playwright.sync_api import expect

from courses.models import Enrollment, Lesson, LessonCompletion
from gallery.models import Comment
from tests.badges.conftest import make_badge  # noqa: F401  (a fixture)
from tests.browser.test_accessibility import (
    FOCUS_STYLES,
    RING_CONTRAST,
    focused_matches,
    journey,  # noqa: F401  (a fixture)
)
from tests.conftest import SCREENSHOTS, login_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A ring is clipped when an ancestor hides overflow and the ring (outside the element) reaches its edge.
CLIPPED = """el => {
    const s = getComputedStyle(el);
    const reach = parseFloat(s.outlineOffset) + parseFloat(s.outlineWidth);
    if (s.outlineStyle === 'none' || reach <= 0) return false;
    const r = el.getBoundingClientRect();
    for (let a = el.parentElement; a; a = a.parentElement) {
        const as = getComputedStyle(a);
        if (!/hidden|clip/.test(as.overflowX + as.overflowY)) continue;
        const b = a.getBoundingClientRect();
        if (r.left - reach < b.left || r.top - reach < b.top || r.right + reach > b.right || r.bottom + reach > b.bottom) return true;
    }
    return false;
}"""


def press_tab_to(page, selector: str, *, limit: int = 80, stops: list | None = None) -> int:
    """Tab until selector is focused, checking every stop on the way shows focus; returns the presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        assert_focus_is_visible(page)
        if stops is not None:
            stops.append(page.evaluate("""() => (document.activeElement.closest('.lesson-sidebar') ? 'sidebar: ' : '')
                + document.activeElement.outerHTML.slice(0, 80)"""))
        if focused_matches(page, selector):
            return presses
    pytest.fail(f"{selector} not reached in {limit} Tab presses")


def follow(page, key: str = "Enter") -> None:
    """Press key on the focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def assert_focus_is_visible(page) -> None:
    handle = page.evaluate_handle("() => document.activeElement")
    what = page.evaluate("el => el.outerHTML.slice(0, 120)", handle)
    ring = page.evaluate(RING_CONTRAST, handle)
    focused = page.evaluate(FOCUS_STYLES, handle)
    page.evaluate("el => el.blur()", handle)
    unfocused = page.evaluate(FOCUS_STYLES, handle)
    page.evaluate("el => el.focus()", handle)
    assert (ring is not None and ring >= 3) or focused != unfocused, f"no visible focus on {what}"
    assert not page.evaluate(CLIPPED, handle), f"the focus ring of {what} is clipped by an ancestor"


def test_from_enrolling_to_commenting_by_keyboard_alone(page, journey, user_factory):  # noqa: F811
    course, entry = journey["course"], journey["entry"]
    user_factory(email="newcomer@example.com", display_name="Nell Newcomer", country="AU")
    login_in_browser(page, "newcomer@example.com")
    page.goto(course.get_absolute_url())

    press_tab_to(page, "form.enroll-form button[name=offering]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/learn/{course.slug}/")
    assert Enrollment.objects.filter(user__email="newcomer@example.com", course=course).exists()
    # The welcome is at the top of main and has focus: the first thing a screen reader says.
    expect(page.locator("main [data-messages]")).to_be_focused()
    expect(page.locator("main [data-messages]")).to_contain_text("You are enrolled")

    press_tab_to(page, "a.button[href*='/learn/']")  # Start: the first lesson
    follow(page)
    press_tab_to(page, "form[action$='/complete/'] button")
    follow(page)
    expect(page.locator("#completion")).to_be_focused()  # back where the learner was, not the top
    press_tab_to(page, "a[rel=next]", limit=5)  # the next lesson is a Tab or two away
    follow(page)
    press_tab_to(page, "a.button[href*='/portfolio/']")  # its worksheet
    follow(page)
    press_tab_to(page, "input[type=text], textarea")
    page.keyboard.type("I screen-print tea towels for cafes.")
    press_tab_to(page, "button[value=save]")
    follow(page)

    press_tab_to(page, f".course-nav a[href$='/gallery/{course.slug}/']")
    follow(page)
    press_tab_to(page, f".entry-card a[href$='/{entry.pk}/']")  # the card's ring is drawn and not clipped
    follow(page)
    press_tab_to(page, "#new-comment textarea")
    page.keyboard.type("Your tea towels would suit a cafe wall. Which cafe first?")
    press_tab_to(page, "#new-comment input[type=checkbox]", limit=5)  # a first comment accepts the community rules
    page.keyboard.press("Space")
    press_tab_to(page, "#new-comment button[type=submit]", limit=5)
    follow(page)
    comment = Comment.objects.get(entry=entry, author__email="newcomer@example.com")
    # The page opens at the new comment, which has focus; the message is at the top of main.
    expect(page.locator(f"#comment-{comment.pk}")).to_be_focused()
    expect(page.locator("main > [data-messages]")).to_contain_text("Your comment is posted.")


def test_on_a_phone_mark_as_complete_comes_before_the_sidebar(page, learner, course, enrollment):
    lesson = Lesson.objects.get(session__course=course, session__number=1, order=1)
    page.set_viewport_size({"width": 390, "height": 844})
    login_in_browser(page, learner.email)
    page.goto(lesson.get_absolute_url())
    stops = []
    presses = press_tab_to(page, "form[action$='/complete/'] button", stops=stops)
    assert not [s for s in stops if s.startswith("sidebar: ")], stops
    assert presses <= 16, f"{presses} Tab stops before 'Mark as complete': {stops}"
    follow(page, "Space")
    expect(page.locator("#completion")).to_be_focused()
    assert page.evaluate("() => document.querySelector('#completion').getBoundingClientRect().top") >= 0  # on screen
    page.screenshot(path=str(SCREENSHOTS / "journey-lesson-completed-390.png"))  # the viewport the learner sees
    assert LessonCompletion.objects.filter(enrollment=enrollment, lesson=lesson).exists()
    page.keyboard.press("Tab")
    assert focused_matches(page, "form[action$='/uncomplete/'] button")


def test_the_lesson_sidebar_still_sits_beside_the_lesson_on_a_wide_screen(page, learner, course, enrollment):
    lesson = Lesson.objects.get(session__course=course, session__number=1, order=1)
    login_in_browser(page, learner.email)
    page.goto(lesson.get_absolute_url())
    sidebar = page.locator(".lesson-sidebar").bounding_box()
    article = page.locator("article.lesson").bounding_box()
    assert sidebar["x"] + sidebar["width"] <= article["x"] and abs(sidebar["y"] - article["y"]) < 2


def test_gallery_cards_show_an_unclipped_focus_ring(page, journey, learner):  # noqa: F811
    login_in_browser(page, learner.email)
    page.goto(f"/gallery/{journey['course'].slug}/")
    press_tab_to(page, ".entry-card-link")
