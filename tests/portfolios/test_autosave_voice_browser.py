"""In Chromium: what autosave says and where focus goes (#16.7), and the worksheet's rules shown live (#16.8).

A screen reader hears live regions: each real change of state is announced once, naming its question;
typing is not. A conflict panel takes focus, and after a choice focus lands back on the answer.
"""

import pytest
from playwright.sync_api import expect

from portfolios.models import Answer
from tests.conftest import login_in_browser
from tests.portfolios.conftest import make_worksheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every text a live region (aria-live, role=status or alert) is given, in order, from now on.
LISTEN = """() => {
    window.__heard = [];
    window.__changes = 0;
    const live = n => n && n.nodeType === 1 && n.closest('[aria-live]:not([aria-live=off]), [role=status], [role=alert]');
    new MutationObserver(records => {
        for (const r of records) {
            const region = live(r.target.nodeType === 1 ? r.target : r.target.parentElement);
            if (!region) continue;
            window.__changes += 1;
            const text = region.textContent.trim();
            if (text && window.__heard[window.__heard.length - 1] !== text) window.__heard.push(text);
        }
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""

LABEL = "Describe your practice in one sentence."


@pytest.fixture
def sheet(course):
    return make_worksheet(course, slug="voice", title="Your practice", prompts=[
        {"kind": "short_text", "label": LABEL, "max_length": 60},
        {"kind": "multiple_choice", "label": "Which platforms? Choose no more than two.",
         "choices": ["Instagram", "TikTok", "Newsletter"], "max_choices": 2},
        {"kind": "number", "label": "How many followers do you have?", "whole_number": True},
    ])


def test_typing_is_not_announced_and_the_save_is_once_with_its_question(page, learner, enrollment, sheet):
    login_in_browser(page, learner.email)
    page.goto(sheet.get_absolute_url())
    page.evaluate(LISTEN)
    box = page.get_by_label(LABEL)
    box.click()
    page.keyboard.type("I screen-print tea towels for cafes!!", delay=20)  # 37 keys
    page.keyboard.press("Tab")
    expect(page.locator(".save-status").first).to_have_text("Saved", timeout=10000)
    page.wait_for_function("() => window.__heard.length > 0")
    page.wait_for_timeout(500)  # anything more would be heard by now
    heard = page.evaluate("window.__heard")
    assert heard == [f"{LABEL}: Saved"], heard
    # The character counter changes visibly with every key; only its live part speaks, near the limit.
    assert page.evaluate("window.__changes") <= 3, page.evaluate("window.__changes")
    expect(page.locator(".char-count").first).to_contain_text("37 of 60 characters")
    assert "_count" in box.get_attribute("aria-describedby")


def test_a_conflict_takes_focus_names_its_question_and_gives_focus_back(page, learner, enrollment, sheet):
    login_in_browser(page, learner.email)
    page.goto(sheet.get_absolute_url())
    other = page.context.new_page()
    other.goto(sheet.get_absolute_url())
    other.get_by_label(LABEL).fill("Saved from the other tab.")
    other.get_by_label(LABEL).blur()
    expect(other.locator(".save-status").first).to_have_text("Saved", timeout=10000)
    other.close()

    page.evaluate(LISTEN)
    page.get_by_label(LABEL).fill("Typed in this tab.")
    page.get_by_label(LABEL).blur()
    panel = page.get_by_role("group", name=f"Two versions of: {LABEL}")
    expect(panel).to_be_visible()
    expect(panel).to_be_focused()
    page.wait_for_function(  # announced just after the panel appears
        "label => window.__heard.some(t => t.includes(label) && t.includes('changed somewhere else'))", arg=LABEL)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Keep my version")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label(LABEL)).to_be_focused()  # not lost on <body> when the panel goes
    expect(page.locator(".save-status").first).to_have_text("Saved", timeout=10000)
    prompt = sheet.prompts.get(kind="short_text")
    assert Answer.objects.get(prompt=prompt).value == "Typed in this tab."


def test_the_worksheet_s_rules_show_while_answering_and_the_server_holds_them(page, learner, enrollment, sheet):
    login_in_browser(page, learner.email)
    page.goto(sheet.get_absolute_url())
    for name in ("Instagram", "TikTok", "Newsletter"):
        page.get_by_label(name).check()
    count = page.locator(".choice-count")
    expect(count).to_contain_text("You have ticked 3; choose no more than 2.")
    group = page.locator(f"#field-{sheet.prompts.get(kind='multiple_choice').pk}")
    expect(group.locator(".field-error")).to_contain_text("Please choose no more than 2 (you chose 3)", timeout=10000)
    page.get_by_label("TikTok").uncheck()
    expect(count).to_contain_text("2 of at most 2 chosen")
    expect(group.locator(".save-status")).to_have_text("Saved", timeout=10000)
    expect(group.locator(".field-error")).to_be_empty()

    followers = page.get_by_label("How many followers do you have?")
    followers.fill("2.5")
    followers.blur()
    number = page.locator(f"#field-{sheet.prompts.get(kind='number').pk}")
    expect(number.locator(".field-error")).to_contain_text("Please enter a whole number")
    expect(followers).to_have_attribute("aria-invalid", "true")
    assert f"{followers.get_attribute('id')}_error" in followers.get_attribute("aria-describedby")
    expect(followers).to_have_value("2.5")  # kept to correct


def test_a_paste_longer_than_the_limit_is_kept_whole_with_a_count_of_what_to_cut(page, learner, enrollment, sheet):
    """With maxlength a browser cuts a long paste short and the rest is lost without a word."""
    login_in_browser(page, learner.email)
    page.goto(sheet.get_absolute_url())
    box = page.get_by_label(LABEL)
    pasted = "I screen-print tea towels and aprons for cafes, bakeries and small grocers in Ballarat."
    assert len(pasted) == 87
    box.fill(pasted)
    box.blur()
    expect(box).to_have_value(pasted)
    field = page.locator(f"#field-{sheet.prompts.get(kind='short_text').pk}")
    expect(field.locator(".char-count")).to_contain_text("87 of 60 characters: 27 too many, shorten it to save")
    expect(field.locator(".field-error")).to_contain_text("Please shorten this answer to 60 characters (it has 87)", timeout=10000)
    assert not Answer.objects.filter(prompt__kind="short_text").exists()
    box.fill(pasted[:60])
    box.blur()
    expect(field.locator(".save-status")).to_have_text("Saved", timeout=10000)
    assert Answer.objects.get(prompt__kind="short_text").value == pasted[:60]


def test_a_refused_answer_shows_its_reason_once_and_a_screen_reader_hears_it_with_the_question(page, learner, enrollment, sheet):
    login_in_browser(page, learner.email)
    page.goto(sheet.get_absolute_url())
    page.evaluate(LISTEN)
    followers = page.get_by_label("How many followers do you have?")
    followers.fill("lots")
    followers.blur()
    number = page.locator(f"#field-{sheet.prompts.get(kind='number').pk}")
    expect(number.locator(".field-error")).to_contain_text("Please enter a number in figures")
    expect(number.locator(".save-status")).to_have_text("Not saved; your text is kept.")
    page.wait_for_function(
        "() => window.__heard.some(t => t.startsWith('How many followers do you have?: Not saved — Please enter a number in figures'))")
