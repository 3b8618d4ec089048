"""The instructor's studio in Chromium, as an instructor in the `instructors` group (not a superuser):
preview a lesson and a worksheet from the admin, drag lessons into a new order, write Markdown and see
it rendered, settle a report on one screen; and axe-core on the admin pages they author with."""


import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import Lesson, Session, StaffMember
from gallery import services as gallery
from gallery.models import Report
from portfolios.services import get_or_create_portfolio
from tests import factories
from tests.browser.test_accessibility import AXE, describe, serious_violations, unlabelled_controls
from tests.conftest import login_in_browser, screenshot
from tests.gallery.conftest import EVALUATION, SUMMARY
from tests.portfolios.conftest import make_worksheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def studio(course, learner, other_learner, enrollment):
    """An instructor of the course, its worksheet, and a learner's entry with a reported comment."""
    teacher = factories.make_instructor(email="teacher@example.com", display_name="Tess Teacher")
    StaffMember.objects.create(course=course, name="Tess Teacher", role=StaffMember.Role.INSTRUCTOR, user=teacher)
    worksheet = make_worksheet(course)
    portfolio = get_or_create_portfolio(enrollment)
    gallery.accept_rules(learner, course)
    entry = gallery.publish_entry(portfolio, title="Lee’s illustrator network", summary=SUMMARY, critical_evaluation=EVALUATION)
    factories.enroll(other_learner, course)
    gallery.accept_rules(other_learner, course)
    comment = gallery.post_comment(entry, other_learner, "Nobody will ever buy this rubbish, give up now.")
    report, _ = gallery.report_item(learner, "This is unkind and breaks the community rules.", entry=entry, comment=comment)
    return {"teacher": teacher, "worksheet": worksheet, "entry": entry, "comment": comment, "report": report}


def test_an_instructor_previews_reorders_writes_markdown_and_settles_a_report(page, course, studio):
    login_in_browser(page, "teacher@example.com")
    lesson = Lesson.objects.get(session__course=course, session__number=1, order=1)

    # 1. Preview a lesson from the admin's "View on site".
    page.goto(reverse("admin:courses_lesson_change", args=[lesson.pk]))
    page.get_by_role("link", name="View on site").click()
    expect(page.locator(".preview-bar")).to_contain_text("Nothing you do here is recorded")
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    screenshot(page, "studio-preview-lesson")

    # ... and a worksheet.
    page.goto(reverse("admin:portfolios_worksheet_change", args=[studio["worksheet"].pk]))
    page.get_by_role("link", name="View on site").click()
    expect(page.locator(".preview-bar")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(studio["worksheet"].title)
    screenshot(page, "studio-preview-worksheet")
    page.get_by_role("button", name="Submit worksheet").click()
    expect(page.locator(".messages, [role=status], .message").first).to_contain_text("This is a preview")

    # 2. Drag the second lesson of session 1 above the first, and save.
    session = Session.objects.get(course=course, number=1)
    first, second = list(session.lessons.order_by("order"))
    page.goto(reverse("admin:courses_session_change", args=[session.pk]))
    handles = page.locator("#lessons-group .inline-related.has_original h3")
    expect(handles).to_have_count(2)
    handles.nth(1).scroll_into_view_if_needed()
    source, target = handles.nth(1).bounding_box(), handles.nth(0).bounding_box()
    page.mouse.move(source["x"] + 10, source["y"] + 10)
    page.mouse.down()
    page.mouse.move(source["x"] + 12, source["y"] + 14, steps=3)  # past the browser's drag threshold
    page.mouse.move(target["x"] + 10, target["y"] + 5, steps=20)
    page.mouse.up()
    expect(page.locator("#lessons-group .inline-related.has_original h3").first).to_contain_text("Lesson 1.2")
    screenshot(page, "studio-reorder-dragged")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert list(session.lessons.order_by("order").values_list("pk", flat=True)) == [second.pk, first.pk]
    screenshot(page, "studio-reorder-saved")

    # 3. Write Markdown in a lesson's body and see it as learners will.
    page.goto(reverse("admin:courses_lesson_change", args=[lesson.pk]))
    body = page.locator("#id_body")
    body.fill("## Your first collaboration\n\nPick **three** creators you admire.\n\n- Write to them\n- Offer something\n\n<script>alert(1)</script>")
    preview = page.locator("#id_body + .markdown-preview .markdown-preview-body")
    expect(preview.locator("h2")).to_have_text("Your first collaboration")
    expect(preview.locator("strong")).to_have_text("three")
    expect(preview.locator("li")).to_have_count(2)
    assert preview.locator("script").count() == 0  # the site's sanitiser ran
    body.scroll_into_view_if_needed()
    screenshot(page, "studio-markdown-preview")

    # 4. Settle the report on one screen: read the comment in its context, hide it.
    page.goto(reverse("admin:index"))
    expect(page.locator("#teaching-desk")).to_contain_text("1 open report")
    screenshot(page, "studio-admin-index")
    page.goto(reverse("admin:gallery_report_change", args=[studio["report"].pk]))
    expect(page.locator(".reported-text").first).to_contain_text("Nobody will ever buy this rubbish")
    expect(page.locator("body")).to_contain_text("Lee’s illustrator network")
    screenshot(page, "studio-report")
    page.get_by_role("button", name="Hide it and resolve its reports").click()
    expect(page.locator(".messagelist")).to_contain_text("The comment is hidden from learners; 1 open report on it resolved")
    screenshot(page, "studio-report-settled")
    studio["comment"].refresh_from_db()
    assert studio["comment"].is_hidden
    assert Report.objects.get(pk=studio["report"].pk).status == Report.Status.RESOLVED


@pytest.mark.skipif(not AXE.exists(), reason="needs node_modules/axe-core: run `npm ci`")
def test_the_admin_pages_an_instructor_authors_with_pass_axe(page, course, studio):
    login_in_browser(page, "teacher@example.com")
    session = Session.objects.get(course=course, number=1)
    pages = {
        "course": reverse("admin:courses_course_change", args=[course.pk]),
        "session-with-lessons": reverse("admin:courses_session_change", args=[session.pk]),
        "worksheet-with-prompts": reverse("admin:portfolios_worksheet_change", args=[studio["worksheet"].pk]),
        "report": reverse("admin:gallery_report_change", args=[studio["report"].pk]),
        "index": reverse("admin:index"),
        "preview-lesson": Lesson.objects.get(session__course=course, session__number=1, order=1).get_absolute_url(),
        "preview-worksheet": studio["worksheet"].get_absolute_url(),
    }
    found = {}
    for name, url in pages.items():
        assert page.goto(url).status == 200, name
        page.wait_for_load_state("networkidle")
        screenshot(page, f"studio-a11y-{name}")
        if violations := serious_violations(page):
            found[name] = violations
        # A submit button is named by its value; every other control needs a label.
        unlabelled = [html for html in unlabelled_controls(page) if 'type="submit"' not in html]
        assert unlabelled == [], f"{name}: form controls without an accessible name"
    assert not found, "axe-core found serious or critical violations:\n" + describe(found)
