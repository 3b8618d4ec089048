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
from portfolios.models import Answer
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
    comment = Comment.objects.create(entry=entry, author=other_learner, body="The **time-lapse** idea is great.")
    Comment.objects.create(entry=entry, author=learner, parent=comment, body="Thank you! Twice a week.")

    earned = make_badge(course, rule="session_completed", rule_param=1, name="Micro-influence Foundations")
    make_badge(course, rule="comments_given", rule_param=5, name="Generous Peer")
    award_badge(learner, earned)
    return {"course": course, "lesson": first, "worksheet": worksheet, "entry": entry, "prompt": prompt}


def test_key_pages_have_no_serious_or_critical_axe_violations(page, journey):
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
    }
    found = {}
    for pages, log_in in ((anonymous, False), (signed_in, True)):
        if log_in:
            login_in_browser(page, "learner@example.com")
        for name, url in pages.items():
            response = page.goto(url)
            assert response.status == 200, f"{name}: {url} answered {response.status}"
            screenshot(page, f"a11y-{name}")
            if violations := serious_violations(page):
                found[name] = violations
    assert not found, "axe-core found serious or critical violations:\n" + describe(found)
    assert len(anonymous) + len(signed_in) == 10
