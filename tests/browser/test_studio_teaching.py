"""The instructor's studio in Chromium (#17.3-5), as an instructor in the `instructors` group who is
not a superuser: review a submitted worksheet and ask for a revision (the learner sees it and is
notified), read the dashboard's funnel and stuck learners, post an announcement that reaches the
learners; axe-core finds no serious or critical violation on the review queue and the dashboard."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from courses.models import StaffMember
from tests.browser.test_accessibility import AXE, describe, serious_violations, unlabelled_controls
from tests.conftest import login_in_browser, screenshot
from tests.courses.test_studio import learner_at
from tests.portfolios.conftest import make_worksheet
from tests.portfolios.test_reviews import hand_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not AXE.exists(), reason="needs node_modules/axe-core: run `npm ci`"),
]


@pytest.fixture
def studio(course, instructor, enrollment):
    StaffMember.objects.create(course=course, name="Ines Instructor", role=StaffMember.Role.INSTRUCTOR, user=instructor)
    worksheet = make_worksheet(course)
    hand_in(enrollment, worksheet, {p.kind: p for p in worksheet.prompts.all()})
    stuck = [learner_at(course, started_days_ago=35 + n, sessions_done=n % 2, active_days_ago=20 + n) for n in range(3)]
    for n in range(4):
        learner_at(course, started_days_ago=3 * n, sessions_done=n, active_days_ago=n)
    return {"course": course, "worksheet": worksheet, "stuck": stuck}


def as_learner(browser, live_server, email: str):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    learner_page = context.new_page()
    learner_page.set_default_timeout(15000)
    login_in_browser(learner_page, email)
    return learner_page


def test_an_instructor_reviews_follows_and_reaches_learners(page, studio, instructor, learner, live_server, _playwright_browser):
    course, worksheet = studio["course"], studio["worksheet"]
    assert not instructor.is_superuser and instructor.groups.filter(name="instructors").exists()
    login_in_browser(page, instructor.email)

    # 1. The review queue: the learner's worksheet waits; review it and ask for a revision.
    page.goto(f"/studio/{course.slug}/reviews/")
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    expect(page.get_by_text("1 worksheet waiting.")).to_be_visible()
    # Its only worksheet is in, so the whole portfolio waits too.
    expect(page.get_by_role("link", name=f"Review the portfolio of {learner.public_name}")).to_be_visible()
    screenshot(page, "studio-review-queue")
    assert serious_violations(page) == [], describe(serious_violations(page))
    assert unlabelled_controls(page) == []
    page.get_by_role("link", name=f"Review {worksheet.title} by {learner.public_name}").click()
    page.get_by_label("Please revise").check()
    page.get_by_label("Overall comment").fill("A clear start. Name the two peers you will post with.")
    page.get_by_label("Your comment on “What is your micro-influence plan?”").fill("Which two peers, and on which days?")
    screenshot(page, "studio-review-worksheet")
    assert serious_violations(page) == [], describe(serious_violations(page))
    page.get_by_role("button", name="Send the review to the learner").click()
    expect(page.get_by_text(f"Your review of “{worksheet.title}” is sent to {learner.public_name}.")).to_be_visible()
    expect(page.get_by_text("0 worksheets waiting.")).to_be_visible()
    assert [m.to for m in mail.outbox] == [[learner.email]] and "revise" in mail.outbox[0].subject

    # 2. The learner is notified and sees the feedback on the worksheet.
    learner_page = as_learner(_playwright_browser, live_server, learner.email)
    learner_page.goto("/notifications/")
    notice = learner_page.get_by_text(f"Your instructor has feedback on “{worksheet.title}” and asks you to revise it.")
    expect(notice).to_be_visible()
    screenshot(learner_page, "studio-learner-notification")
    learner_page.goto(f"/portfolio/{course.slug}/worksheets/{worksheet.slug}/")
    feedback = learner_page.locator("#feedback")
    assert "Your instructor asks you to revise this worksheet" in feedback.inner_text()
    assert "Which two peers, and on which days?" in feedback.inner_text()
    screenshot(learner_page, "studio-learner-feedback")

    # 3. The dashboard: the funnel and the stuck learners.
    page.goto(f"/studio/{course.slug}/")
    expect(page.get_by_role("heading", name="Where learners stop")).to_be_visible()
    assert page.locator("table.funnel tbody tr").count() == 12
    stuck_table = page.locator("section[aria-labelledby=stuck-heading]")
    for enrollment in studio["stuck"]:
        link = stuck_table.get_by_role("link", name=f"Email {enrollment.user.email}")
        assert link.get_attribute("href").startswith(f"mailto:{enrollment.user.email}?subject=")
    screenshot(page, "studio-dashboard")
    assert serious_violations(page) == [], describe(serious_violations(page))
    assert unlabelled_controls(page) == []

    # 4. An announcement posted in the admin reaches the learners: their outline and their inbox.
    mail.outbox.clear()
    page.get_by_role("link", name="Post an announcement").click()
    page.get_by_label("Title").fill("Live critique on Friday")
    page.get_by_label("Body").fill("Bring **one** post you are unsure about; we will look at it together.")
    screenshot(page, "studio-announcement-admin")
    page.locator("input[name=_save]").click()
    expect(page.get_by_text("The announcement is on the learners' course page")).to_be_visible()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert learner.email in recipients and len(recipients) == 8  # every current learner of the course
    assert all("Live critique on Friday" in m.subject for m in mail.outbox)
    learner_page.goto(f"/learn/{course.slug}/")
    announcement = learner_page.locator(".announcements")
    assert "Live critique on Friday" in announcement.inner_text()
    assert announcement.locator("strong").inner_text() == "one"
    screenshot(learner_page, "studio-learner-announcement")
    learner_page.context.close()
