"""In Chromium: a public badge's page copies its own address for sharing."""

import pytest
from playwright.sync_api import expect

from badges.services import award_badge
from tests.conftest import login_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_copy_link_puts_the_badge_pages_address_on_the_clipboard(page, live_server, learner, session_badge):
    award = award_badge(learner, session_badge)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    login_in_browser(page, learner.email)
    page.goto(award.get_absolute_url())
    button = page.get_by_role("button", name="Copy link")
    button.click()
    expect(page.get_by_role("button", name="Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()").endswith(award.get_absolute_url())
    expect(page.get_by_role("status").filter(has_text="The link is copied")).to_have_count(1)
    # A private badge has no address to share.
    award.set_public(False)
    page.reload()
    expect(page.get_by_role("button", name="Copy link")).to_have_count(0)
