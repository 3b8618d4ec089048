"""In Chromium: autosave, reload, two tabs in conflict, a dropped network, the portfolio PDF."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from portfolios.models import Answer
from tests.conftest import login_in_browser, screenshot

pytestmark = pytest.mark.browser


def field(page, prompt):
    return page.locator(f"#field-{prompt.pk}")


def wait_saved(page, prompt):
    expect(field(page, prompt).locator(".save-status")).to_have_text("Saved", timeout=10000)


def test_learner_fills_in_a_worksheet_resolves_a_conflict_and_downloads_the_pdf(
    transactional_db, page, learner, enrollment, course, worksheet, prompts
):
    login_in_browser(page, learner.email)
    page.goto(worksheet.get_absolute_url())

    # Autosave: typing, ticking and choosing save on their own.
    page.get_by_label(prompts["short_text"].label).fill("I screen-print tea towels for cafes.")
    wait_saved(page, prompts["short_text"])
    page.get_by_label(prompts["long_text"].label).fill("Post a making-of reel every Tuesday.\nReply to every comment.")
    page.get_by_label(prompts["long_text"].label).blur()
    wait_saved(page, prompts["long_text"])
    page.get_by_label("Weekly").check()
    wait_saved(page, prompts["single_choice"])
    page.get_by_label("Instagram").check()
    page.get_by_label("Newsletter").check()
    wait_saved(page, prompts["multiple_choice"])
    page.get_by_label(prompts["number"].label).fill("500")
    page.get_by_label(prompts["number"].label).blur()
    expect(field(page, prompts["number"]).locator(".field-error")).to_contain_text("no bigger than 80")
    page.get_by_label(prompts["number"].label).fill("5")
    page.get_by_label(prompts["number"].label).blur()
    wait_saved(page, prompts["number"])
    expect(field(page, prompts["number"]).locator(".field-error")).to_be_empty()
    for prompt in (prompts["short_text"], prompts["long_text"], prompts["single_choice"], prompts["multiple_choice"]):
        wait_saved(page, prompt)  # a late "change" event must not leave a field looking unsaved
    screenshot(page, "portfolio-worksheet")

    # Reload: every answer is there.
    page.reload()
    expect(page.get_by_label(prompts["short_text"].label)).to_have_value("I screen-print tea towels for cafes.")
    expect(page.get_by_label(prompts["long_text"].label)).to_have_value("Post a making-of reel every Tuesday.\nReply to every comment.")
    expect(page.get_by_label("Weekly")).to_be_checked()
    expect(page.get_by_label("Newsletter")).to_be_checked()
    expect(page.get_by_label("LinkedIn")).not_to_be_checked()
    expect(page.get_by_label(prompts["number"].label)).to_have_value("5")

    # The network drops: the text stays, the page says so and retries until it is saved.
    autosave_url = re.compile(r"/answers/\d+/$")
    page.route(autosave_url, lambda route: route.abort())
    page.get_by_label(prompts["url"].label).fill("https://example.com/towels")
    page.get_by_label(prompts["url"].label).blur()
    expect(field(page, prompts["url"]).locator(".save-status")).to_contain_text("Not saved yet — retrying")
    page.unroute(autosave_url)
    wait_saved(page, prompts["url"])
    assert Answer.objects.get(prompt=prompts["url"]).value == "https://example.com/towels"

    # Two tabs: the second tab's stale save shows both versions instead of overwriting.
    other = page.context.new_page()
    other.goto(worksheet.get_absolute_url())
    page.get_by_label(prompts["long_text"].label).fill("Plan from tab one.")
    page.get_by_label(prompts["long_text"].label).blur()
    wait_saved(page, prompts["long_text"])
    other.get_by_label(prompts["long_text"].label).fill("Plan from tab two.")
    other.get_by_label(prompts["long_text"].label).blur()
    conflict = field(other, prompts["long_text"]).locator(".conflict")
    expect(conflict).to_contain_text("Plan from tab one.")
    expect(conflict).to_contain_text("Plan from tab two.")
    assert Answer.objects.get(prompt=prompts["long_text"]).value == "Plan from tab one."
    screenshot(other, "portfolio-conflict")
    conflict.get_by_role("button", name="Keep my version").click()
    wait_saved(other, prompts["long_text"])
    assert Answer.objects.get(prompt=prompts["long_text"]).value == "Plan from tab two."
    other.close()

    # The portfolio page and its PDF.
    page.goto(f"/portfolio/{course.slug}/")
    expect(page.get_by_text("Plan from tab two.")).to_be_visible()
    page.get_by_role("textbox", name="Summary").fill("Tea towels that tell the story of local cafes.")
    page.get_by_role("textbox", name="Summary").blur()
    expect(page.locator("#field-summary .save-status")).to_have_text("Saved")
    page.get_by_role("button", name="Prepare PDF").click()
    download_link = page.get_by_role("link", name="Download PDF")
    expect(download_link).to_be_visible(timeout=20000)
    screenshot(page, "portfolio-page")
    with page.expect_download() as download_info:
        download_link.click()
    data = open(download_info.value.path(), "rb").read()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    for expected in ("I screen-print tea towels for cafes.", "Plan from tab two.", "https://example.com/towels",
                     "Tea towels that tell the story of local cafes.", learner.public_name):
        assert expected in text, expected


# --- trust every keystroke (issue: drafts, Back, a session that ends) ---------------------------


def test_two_accounts_in_one_browser_never_see_or_send_each_others_drafts(
    transactional_db, page, learner, other_learner, enrollment, course, worksheet, prompts
):
    from tests import factories

    factories.enroll(other_learner, course)
    url_prompt = prompts["url"]
    autosave_url = re.compile(r"/answers/\d+/$")

    # The first learner types a private link while offline, then walks away without logging out.
    login_in_browser(page, learner.email)
    page.goto(worksheet.get_absolute_url())
    page.route(autosave_url, lambda route: route.abort())
    page.get_by_label(url_prompt.label).fill("https://private.example/first-learner")
    page.get_by_label(url_prompt.label).blur()
    expect(field(page, url_prompt).locator(".save-status")).to_contain_text("Not saved yet")
    page.unroute(autosave_url)
    page.context.clear_cookies()  # the session ends (expired, or the browser was closed)

    # The next person logs in on the same browser: nothing of the first learner's comes back.
    login_in_browser(page, other_learner.email)
    page.goto(worksheet.get_absolute_url())
    expect(page.get_by_label(url_prompt.label)).to_have_value("")
    page.wait_for_timeout(2500)  # longer than the autosave delay: nothing may be sent
    assert not Answer.objects.filter(portfolio__enrollment__user=other_learner).exists()

    # Logging out through the header forgets every draft this browser kept.
    page.get_by_label(url_prompt.label).fill("https://second.example/draft")
    page.route(autosave_url, lambda route: route.abort())
    page.get_by_label(url_prompt.label).blur()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('atelier-draft:')).length") == 0


def test_back_then_edit_gives_no_false_conflict(transactional_db, page, learner, enrollment, course, worksheet, prompts):
    login_in_browser(page, learner.email)
    page.goto(worksheet.get_absolute_url())
    text = page.get_by_label(prompts["short_text"].label)
    text.fill("First answer")
    wait_saved(page, prompts["short_text"])
    page.get_by_role("link", name="See your whole portfolio").click()
    page.wait_for_load_state()
    page.go_back()
    page.get_by_label(prompts["short_text"].label).fill("Second answer")
    page.get_by_label(prompts["short_text"].label).blur()
    wait_saved(page, prompts["short_text"])
    expect(field(page, prompts["short_text"]).locator(".conflict")).to_have_count(0)
    assert Answer.objects.get(prompt=prompts["short_text"]).value == "Second answer"


def test_logged_out_mid_worksheet_says_so_and_loses_nothing(
    transactional_db, page, learner, enrollment, course, worksheet, prompts
):
    login_in_browser(page, learner.email)
    page.goto(worksheet.get_absolute_url())
    other_tab = page.context.new_page()
    other_tab.goto("/learn/")
    other_tab.get_by_role("button", name="Log out").click()
    other_tab.wait_for_load_state()

    prompt = prompts["long_text"]
    page.get_by_label(prompt.label).fill("Words typed after the session ended.")
    page.get_by_label(prompt.label).blur()
    notice = page.locator(".logged-out")
    expect(notice).to_contain_text("Your session has ended")
    expect(field(page, prompt).locator(".save-status")).to_contain_text("you are logged out")
    screenshot(page, "worksheet-logged-out")
    expect(notice.get_by_role("link", name="Log in again (opens a new tab)")).to_have_attribute("target", "_blank")

    login_in_browser(other_tab, learner.email)
    notice.get_by_role("button", name="Save my changes").click()
    expect(page.get_by_label(prompt.label)).to_have_value("Words typed after the session ended.")
    wait_saved(page, prompt)
    assert Answer.objects.get(prompt=prompt).value == "Words typed after the session ended."
