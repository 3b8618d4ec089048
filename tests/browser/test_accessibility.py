"""Accessibility in Chromium: axe-core on the key pages, the keyboard alone, visible focus, labelled controls.

axe-core comes from npm (`package.json`, installed by `make test` when npm is there). It is injected with
`page.evaluate`, which the page's Content-Security-Policy does not apply to, so the policy stays as in production.
"""

import json
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from badges.services import award_badge
from courses.models import Lesson, LessonCompletion
from gallery import services as gallery
from gallery.models import Comment
from portfolios.models import Answer, WorksheetSubmission
from portfolios.services import get_or_create_portfolio
from tests import factories
from tests.badges.conftest import make_badge  # noqa: F401  (a fixture)
from tests.conftest import ROOT, login_in_browser, screenshot
from tests.gallery.conftest import EVALUATION, SUMMARY
from tests.portfolios.conftest import make_worksheet

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not AXE.exists(),
        reason="needs node_modules/axe-core: run `npm ci` (make test does it when npm is installed)"
        if shutil.which("npm") else "needs npm to install axe-core (apt-get install npm), then `npm ci`",
    ),
]

SERIOUS = {"serious", "critical"}


def run_axe(page) -> list[dict]:
    """Inject axe-core (once per document) and return its violations on the current page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(Path(AXE).read_text())
    return page.evaluate(
        """() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))})))"""
    )


def serious_violations(page) -> list[dict]:
    return [v for v in run_axe(page) if v["impact"] in SERIOUS]


def unlabelled_controls(page) -> list[str]:
    """Every visible input, select and textarea has a label, aria-label or aria-labelledby with text."""
    return page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && el.getClientRects().length)
            .filter(el => {
                const labelled = [...(el.labels || [])].some(l => l.textContent.trim());
                const aria = (el.getAttribute('aria-label') || '').trim();
                const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
                const by = ids.some(id => (document.getElementById(id) || {}).textContent?.trim());
                return !(labelled || aria || by);
            })
            .map(el => el.outerHTML.slice(0, 160))"""
    )


def describe(violations: list[dict]) -> str:
    return json.dumps(violations, indent=2, ensure_ascii=False)


@pytest.fixture
def journey(learner, other_learner, course, enrollment, make_badge):  # noqa: F811
    """A learner part-way through: a lesson done, a worksheet, a published entry with comments and replies, a badge."""
    first = Lesson.objects.get(session__course=course, session__number=1, order=1)
    LessonCompletion.objects.create(enrollment=enrollment, lesson=first)
    worksheet = make_worksheet(course)
    portfolio = get_or_create_portfolio(enrollment)
    portfolio.summary, portfolio.critical_evaluation = SUMMARY, EVALUATION
    portfolio.save(update_fields=["summary", "critical_evaluation"])
    prompt = worksheet.prompts.get(kind="short_text")
    Answer.objects.create(portfolio=portfolio, prompt=prompt, value="I screen-print tea towels.")

    gallery.accept_rules(learner, course)
    entry = gallery.publish_entry(portfolio, title="Lee’s illustrator network", summary=SUMMARY, critical_evaluation=EVALUATION)
    factories.enroll(other_learner, course)
    gallery.accept_rules(other_learner, course)
    comment = gallery.post_comment(entry, other_learner, "The **time-lapse** idea is great. How often will you post?")
    gallery.post_comment(entry, learner, "Thank you! Twice a week, see [my plan](https://lee.example.com).", parent=comment)

    earned = make_badge(course, rule="session_completed", rule_param=1, name="Micro-influence Foundations")
    make_badge(course, rule="comments_given", rule_param=5, name="Generous Peer")
    award_badge(learner, earned)
    return {"course": course, "lesson": first, "worksheet": worksheet, "entry": entry, "prompt": prompt}


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_key_pages_have_no_serious_or_critical_axe_violations(page, journey, theme):
    """In both themes: the dark one (prefers-color-scheme, static/css/tokens.css) has its own contrast to keep."""
    page.emulate_media(color_scheme=theme)
    course = journey["course"]
    anonymous = {"course-page": course.get_absolute_url(), "sign-up": "/accounts/signup/", "log-in": "/accounts/login/"}
    signed_in = {
        "my-learning": "/learn/",
        "lesson": journey["lesson"].get_absolute_url(),
        "worksheet": journey["worksheet"].get_absolute_url(),
        "portfolio": f"/portfolio/{course.slug}/",
        "gallery-list": f"/gallery/{course.slug}/",
        "gallery-entry": journey["entry"].get_absolute_url(),
        "my-badges": "/badges/",
        "profile": "/profile/",
        "delete-account": "/profile/delete/",
    }
    found = {}
    for pages, log_in in ((anonymous, False), (signed_in, True)):
        if log_in:
            login_in_browser(page, "learner@example.com")
        for name, url in pages.items():
            response = page.goto(url)
            assert response.status == 200, f"{name}: {url} answered {response.status}"
            screenshot(page, f"a11y-{name}-{theme}")
            if violations := serious_violations(page):
                found[name] = violations
            assert unlabelled_controls(page) == [], f"{name}: form controls without an accessible name"
    assert not found, "axe-core found serious or critical violations:\n" + describe(found)
    assert len(anonymous) + len(signed_in) == 12


def test_error_states_and_staff_views_have_no_serious_or_critical_axe_violations(page, journey, instructor, learner):
    """Forms with errors, messages and moderator buttons are where contrast and labels often slip."""
    course = journey["course"]
    found = {}

    def check(name):
        screenshot(page, f"a11y-{name}")
        if violations := serious_violations(page):
            found[name] = violations
        assert unlabelled_controls(page) == [], f"{name}: form controls without an accessible name"

    page.goto("/accounts/signup/")
    page.fill("input[name=email]", learner.email)  # taken
    page.fill("input[name=password1]", "short")
    page.fill("input[name=password2]", "different")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    invalid = page.locator("[aria-invalid=true]")
    expect(invalid.first).to_be_visible()
    for control in invalid.all():  # each error is announced with its field
        described = control.get_attribute("aria-describedby") or ""
        errors = [page.locator(f"[id='{i}']") for i in described.split() if i.endswith("_error")]
        assert errors and all(e.inner_text().strip() for e in errors), control.evaluate("e => e.outerHTML")
    check("sign-up-errors")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", learner.email)
    page.fill("input[name=password]", "not-the-password")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("form.form")).to_contain_text("not correct")
    check("log-in-errors")

    login_in_browser(page, learner.email)
    page.goto(course.get_absolute_url())
    check("course-page-enrolled")
    page.goto(journey["worksheet"].get_absolute_url())
    page.get_by_role("button", name="Submit worksheet").click()
    page.wait_for_load_state()
    expect(page.locator("#missing")).to_be_visible()
    check("worksheet-missing-answers")
    page.goto(journey["entry"].get_absolute_url())
    page.fill("#new-comment textarea[name=body]", "   ")  # passes the browser's `required`, not the server
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    expect(page.locator("#new-comment .field-error")).to_be_visible()
    check("gallery-entry-comment-error")

    page.set_viewport_size({"width": 390, "height": 844})
    for name, url in (("course-page-narrow", course.get_absolute_url()), ("lesson-narrow", journey["lesson"].get_absolute_url())):
        page.goto(url)
        check(name)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.context.clear_cookies()
    login_in_browser(page, instructor.email)
    page.goto(journey["entry"].get_absolute_url())
    check("gallery-entry-instructor")
    assert not found, "axe-core found serious or critical violations:\n" + describe(found)


# --- the keyboard alone ---------------------------------------------------------------------


def focused_matches(page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement?.matches(s) ?? false", selector)


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 150) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches selector; fail if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if focused_matches(page, selector):
            return
    pytest.fail(f"{selector} was not reached with {'Shift+' if backwards else ''}Tab in {limit} presses")


def test_a_learner_logs_in_with_the_keyboard_alone(page, learner):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    assert focused_matches(page, "a.skip-link"), "the first Tab stop is the skip link"
    page.keyboard.press("Enter")
    assert focused_matches(page, "main"), "the skip link moves focus to the main content"
    tab_to(page, "input[name=login]")
    page.keyboard.type(learner.email)
    tab_to(page, "input[name=password]")
    page.keyboard.type("correct-horse-42")
    tab_to(page, "input[name=login]", backwards=True)  # Shift+Tab goes back to the email field
    tab_to(page, "input[name=password]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/learn/**")
    expect(page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out")).to_be_visible()


def test_a_learner_marks_a_lesson_complete_with_the_keyboard_alone(page, learner, course, enrollment):
    lesson = Lesson.objects.get(session__course=course, session__number=1, order=1)
    login_in_browser(page, learner.email)
    page.goto(lesson.get_absolute_url())
    tab_to(page, "form[action$='/complete/'] button")
    page.keyboard.press("Space")
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Mark as not complete")).to_be_visible()
    assert LessonCompletion.objects.filter(enrollment=enrollment, lesson=lesson).exists()
    tab_to(page, "form[action$='/uncomplete/'] button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Mark as complete")).to_be_visible()
    assert not LessonCompletion.objects.filter(enrollment=enrollment, lesson=lesson).exists()


def test_a_learner_fills_in_and_submits_a_worksheet_with_the_keyboard_alone(page, learner, course, enrollment):
    worksheet = make_worksheet(course, slug="rhythm", title="Your posting rhythm", prompts=[
        {"kind": "short_text", "label": "Describe your practice in one sentence.", "required": True},
        {"kind": "single_choice", "label": "How often do you post?", "choices": ["Rarely", "Weekly", "Daily"]},
        {"kind": "checklist", "label": "Profile checklist", "choices": ["Bio updated", "Photo added"], "required": True},
    ])
    login_in_browser(page, learner.email)
    page.goto(worksheet.get_absolute_url())
    tab_to(page, "input[type=text]")
    page.keyboard.type("I screen-print tea towels for cafes.")
    tab_to(page, "input[type=radio]")
    page.keyboard.press("ArrowDown")  # moves to and selects the second choice
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowDown")
    tab_to(page, "input[type=checkbox]")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    tab_to(page, "button[value=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    # Back on the lesson, whose news (the message) has the focus, ticked as complete.
    expect(page.locator("main [data-messages]")).to_contain_text("is submitted and the lesson is marked complete")
    expect(page.locator("main [data-messages]")).to_be_focused()
    expect(page.locator(".completion")).to_contain_text("You submitted its worksheet")
    portfolio = get_or_create_portfolio(enrollment)
    answers = {a.prompt.label: a.value for a in Answer.objects.filter(portfolio=portfolio).select_related("prompt")}
    assert answers == {
        "Describe your practice in one sentence.": "I screen-print tea towels for cafes.",
        "How often do you post?": "Weekly",
        "Profile checklist": ["Bio updated", "Photo added"],
    }
    assert WorksheetSubmission.objects.filter(portfolio=portfolio, worksheet=worksheet).exists()


def test_a_peer_comments_and_the_author_replies_with_the_keyboard_alone(page, journey, learner, other_learner):
    entry = journey["entry"]
    login_in_browser(page, other_learner.email)
    page.goto(entry.get_absolute_url())
    tab_to(page, "#new-comment textarea")
    page.keyboard.type("Your process videos sound lovely. Which day will you post?")
    tab_to(page, "#new-comment button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your comment is posted.")).to_be_visible()
    comment = Comment.objects.get(entry=entry, author=other_learner, body__startswith="Your process videos")

    page.context.clear_cookies()
    login_in_browser(page, learner.email)
    page.goto(entry.get_absolute_url())
    tab_to(page, f'.reply-link a[href^="?reply={comment.pk}#"]')
    page.keyboard.press("Enter")  # the page's one reply box opens under this thread, and the page scrolls to it
    page.wait_for_selector(f"#reply-{comment.pk} textarea[name=body]")
    tab_to(page, f"#reply-{comment.pk} textarea[name=body]", limit=10)
    page.keyboard.type("Tuesdays and Fridays.")
    page.keyboard.press("Tab")
    assert focused_matches(page, ".reply-box[open] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    assert Comment.objects.filter(parent=comment, author=learner, body="Tuesdays and Fridays.").exists()


# --- visible focus ----------------------------------------------------------------------------

# What a sighted person can see change when an element takes focus (an outline only counts when it is drawn).
FOCUS_STYLES = """el => { const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? [s.outlineWidth, s.outlineColor].join(' ') : 'none';
    return [outline, s.boxShadow, s.borderColor, s.backgroundColor, s.textDecorationLine, s.color].join('|'); }"""

# The focused element's outline (2px or wider) against what is behind it: the nearest ancestor's background
# colour, or every colour stop of its gradient. Returns the worst contrast ratio, or None without an outline.
RING_CONTRAST = """el => {
    const s = getComputedStyle(el);
    if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) < 2) return null;
    const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    let behind = [[255, 255, 255]];
    for (let node = el.parentElement; node; node = node.parentElement) {
        const ns = getComputedStyle(node);
        const stops = ns.backgroundImage.match(/rgba?\\([^)]*\\)/g);
        if (stops) { behind = stops.map(rgb); break; }
        const bg = rgb(ns.backgroundColor);
        if (bg.length === 3 || (bg.length === 4 && bg[3] > 0.5)) { behind = [bg.slice(0, 3)]; break; }
    }
    const ring = rgb(s.outlineColor).slice(0, 3);
    return Math.min(...behind.map(b => ratio(ring, b)));
}"""


def focus_ring_report(page) -> tuple[int, list[str]]:
    """Tab through the whole page; return the number of stops and those whose look does not change on focus."""
    page.evaluate("() => document.activeElement?.blur()")
    stops, invisible, faint, seen = 0, [], [], set()
    for _ in range(250):
        page.keyboard.press("Tab")
        handle = page.evaluate_handle("() => document.activeElement")
        key = page.evaluate("el => el === document.body ? null : el.outerHTML.slice(0, 120)", handle)
        if key is None or key in seen:
            break
        seen.add(key)
        stops += 1
        focused = page.evaluate(FOCUS_STYLES, handle)
        ring = page.evaluate(RING_CONTRAST, handle)
        if ring is not None and ring < 3:
            faint.append(f"{key} (outline contrast {ring:.2f}:1)")
        page.evaluate("el => el.blur()", handle)
        unfocused = page.evaluate(FOCUS_STYLES, handle)
        page.evaluate("el => el.focus()", handle)  # carry on from here
        if ring is None and focused == unfocused:
            invisible.append(key)
    return stops, invisible + faint


def test_every_tab_stop_shows_a_visible_focus_indicator(page, journey, learner):
    course = journey["course"]
    pages = {"course-page": course.get_absolute_url(), "log-in": "/accounts/login/", "sign-up": "/accounts/signup/"}
    learner_pages = {
        "my-learning": "/learn/", "lesson": journey["lesson"].get_absolute_url(),
        "worksheet": journey["worksheet"].get_absolute_url(), "portfolio": f"/portfolio/{course.slug}/",
        "gallery-list": f"/gallery/{course.slug}/", "gallery-entry": journey["entry"].get_absolute_url(), "my-badges": "/badges/",
    }
    problems, counted = {}, {}
    for group, log_in in ((pages, False), (learner_pages, True)):
        if log_in:
            login_in_browser(page, learner.email)
        for name, url in group.items():
            page.goto(url)
            stops, invisible = focus_ring_report(page)
            counted[name] = stops
            if invisible:
                problems[name] = invisible
    assert all(n >= 3 for n in counted.values()), counted
    assert not problems, "Tab stops without a visible focus indicator:\n" + describe(problems)
