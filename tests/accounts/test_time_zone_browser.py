"""In Chromium: the browser's own time zone is kept on the profile the first time the learner is seen."""

import pytest

from accounts.models import User
from tests.conftest import login_in_browser, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_browser_reports_its_zone_once_and_pages_then_use_it(_playwright_browser, live_server, learner):
    context = _playwright_browser.new_context(base_url=live_server.url, timezone_id="Europe/Berlin")
    page = context.new_page()
    try:
        login_in_browser(page, learner.email)
        assert wait_for(lambda: User.objects.get(pk=learner.pk).time_zone) == "Europe/Berlin"
        page.goto("/profile/")
        assert page.locator("select[name=time_zone]").input_value() == "Europe/Berlin"
        assert page.locator("body[data-time-zone-url]").count() == 0  # asked once only
    finally:
        context.close()
