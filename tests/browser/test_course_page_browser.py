"""The foundation in a real browser: the course page and the admin, with screenshots."""

import pytest

from tests.conftest import login_in_browser, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_course_page_and_instructor_admin_in_chromium(page, real_course):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Introduction to Micro-Influence for Creative Professionals"
    assert page.get_by_text("Open for enrollment — you can start immediately").is_visible()
    assert page.locator(".outline-session").count() == 6
    assert page.locator(".lesson-list li").count() == 34
    page.get_by_text("Session 3", exact=True).click()  # opens the session's lesson list
    assert page.get_by_text("Personal attributes in depth").is_visible()
    screenshot(page, "course-page")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    login_in_browser(page, "instructor@atelier.test", "atelier-instructor")
    page.goto("/admin/courses/session/3/change/")
    screenshot(page, "admin-session")
    assert page.locator("input[name=title]").input_value() == "Personal Attributes Of The Micro-influencer"
    assert page.locator(".inline-related").count() >= 5
