"""The whole gallery story in Chromium: publish with a cover, comment, reply, notify, 404, moderate."""

import pytest
from playwright.sync_api import expect

from gallery import services
from portfolios.services import get_or_create_portfolio
from tests import factories
from tests.conftest import login_in_browser, screenshot
from tests.gallery.conftest import EVALUATION, SUMMARY, png_bytes


def new_page(page, live_server):
    """Another person in their own browser context (their own cookies)."""
    context = page.context.browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    other = context.new_page()
    other.set_default_timeout(15000)
    return other


@pytest.mark.browser
def test_learners_publish_comment_reply_and_an_instructor_hides_a_reported_comment(
    page, live_server, course, learner, portfolio, other_learner, instructor, tmp_path
):
    factories.enroll(other_learner, course)
    for n in range(3):  # some neighbours in the grid
        neighbour = factories.make_user(display_name=f"Neighbour {n}")
        enrollment = factories.enroll(neighbour, course)
        services.publish_entry(
            get_or_create_portfolio(enrollment), title=f"Ceramics collective plan {n}", summary=SUMMARY, critical_evaluation=EVALUATION
        )
    cover = tmp_path / "cover.png"
    cover.write_bytes(png_bytes(size=(1200, 800), color=(91, 42, 134)))

    # Learner A publishes with a cover image, accepting the rules first.
    login_in_browser(page, learner.email)
    page.goto(f"/gallery/{course.slug}/publish/")
    assert page.locator("text=Community rules").first.is_visible()
    page.fill("input[name=title]", "Lee’s illustrator network")
    page.set_input_files("input[name=cover]", str(cover))
    page.fill("input[name=cover_alt]", "A purple cover")
    page.click("button:has-text('Publish to the gallery')")
    # The upload takes a moment: wait for the answer, not the page being replaced.
    expect(page.get_by_text("Please accept the community rules")).to_be_visible()
    assert page.input_value("input[name=cover_alt]") == "A purple cover"  # text kept
    assert "My strategy connects" in page.content()  # the portfolio's summary, shown
    page.set_input_files("input[name=cover]", str(cover))
    page.check("input[name=accept_rules]")
    page.click("button:has-text('Publish to the gallery')")
    page.wait_for_selector("h1:has-text('Lee’s illustrator network')")
    assert "Your portfolio is published in the gallery." in page.content()
    entry_url = page.url

    # Learner B sees it in the gallery and comments.
    peer = new_page(page, live_server)
    login_in_browser(peer, other_learner.email)
    peer.goto(f"/gallery/{course.slug}/")
    card = peer.locator(".entry-card", has_text="Lee’s illustrator network")
    assert card.locator("img.entry-cover").is_visible()
    assert "Lee Learner" in card.inner_text()
    screenshot(peer, "gallery-list")
    card.locator("a").click()
    peer.wait_for_selector("h2:has-text('The portfolio')")
    assert "Emerging illustrators in Melbourne." in peer.content()
    peer.fill("#new-comment textarea[name=body]", "The **time-lapse** idea is great. How often will you post?")
    peer.check("#new-comment input[name=accept_rules]")
    peer.click("#new-comment button[type=submit]")
    peer.wait_for_selector("text=Your comment is posted.")
    assert peer.locator(".comment-body strong", has_text="time-lapse").is_visible()

    # A replies; B gets the reply notification.
    page.goto(entry_url)
    page.click(".reply-link a")  # one reply box for the page: the link opens it under the thread
    page.wait_for_selector(".reply-box textarea[name=body]")
    page.fill(".reply-box textarea[name=body]", "Twice a week, on Tuesdays and Fridays.")
    page.click(".reply-box button[type=submit]")
    page.wait_for_selector("text=Your reply is posted.")
    assert page.locator(".replies .comment-body", has_text="Twice a week").is_visible()

    peer.goto(entry_url)
    assert peer.locator(".site-header .nav .count").inner_text().split() == ["1", "unread"]  # "unread" for screen readers
    peer.click(".site-header a:has-text('Notifications')")
    peer.wait_for_selector("text=Lee Learner replied to your comment")
    peer.click("button:has-text('Lee Learner replied to your comment')")
    peer.wait_for_selector(".replies .comment-body:has-text('Twice a week')")
    assert peer.locator(".site-header .nav .count").count() == 0  # opening it marked it read

    # B reports the reply.
    reply = peer.locator(".replies .comment").first
    reply.locator("summary:has-text('Report')").click()
    reply.locator("textarea[name=reason]").fill("Testing the report flow")
    reply.locator("button:has-text('Send report')").click()
    peer.wait_for_selector("text=Thank you. A moderator will look at your report.")

    # A learner who is not enrolled gets 404.
    outsider = factories.make_user(email="outsider@example.com")
    stranger = new_page(page, live_server)
    login_in_browser(stranger, outsider.email)
    response = stranger.goto(entry_url)
    assert response.status == 404
    assert stranger.goto(f"/gallery/{course.slug}/").status == 404

    # An instructor hides the reported comment from the entry page.
    teacher = new_page(page, live_server)
    login_in_browser(teacher, instructor.email)
    teacher.goto(entry_url)
    screenshot(teacher, "gallery-entry")
    teacher.locator(".replies .comment").first.locator("button:has-text('Hide comment')").click()
    teacher.wait_for_selector("text=The comment is hidden from learners. 1 open report on it resolved.")
    assert teacher.locator(".comment.is-hidden", has_text="Twice a week").is_visible()

    peer.goto(entry_url)
    assert "Twice a week" not in peer.content()
    assert peer.locator(".comment-body", has_text="time-lapse").is_visible()
    screenshot(peer, "gallery-entry-learner")


@pytest.mark.browser
def test_a_new_peer_finds_the_gallery_from_my_learning_in_one_click(transactional_db, page, peer, course, entry):
    login_in_browser(page, peer.email)
    page.goto("/learn/")
    page.locator(".learn-card").get_by_role("link", name="Gallery").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/gallery/{course.slug}/")
    assert page.get_by_role("link", name="Gallery").get_attribute("aria-current") == "page"
    assert page.get_by_text(entry.title).is_visible()
