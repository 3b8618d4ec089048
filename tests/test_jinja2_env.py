"""The Jinja2 helpers give what Django's own tags and filters give."""

import datetime
import zoneinfo

from django.template import defaultfilters
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from core.jinja2 import date, url


def test_url_is_reverse_and_follows_the_script_prefix():
    assert url("badges:mine") == reverse("badges:mine")
    assert url("learn:session", "a-course", 3) == reverse("learn:session", args=["a-course", 3])
    set_script_prefix("/atelier/")
    try:
        assert url("badges:mine") == "/atelier/badges/"
    finally:
        set_script_prefix("/")
    assert url("badges:mine") == "/badges/"


def test_date_formats_in_the_current_time_zone_like_the_date_filter():
    moment = datetime.datetime(2026, 3, 31, 22, 30, tzinfo=datetime.UTC)
    sydney, london = zoneinfo.ZoneInfo("Australia/Sydney"), zoneinfo.ZoneInfo("Europe/London")
    with timezone.override(sydney):
        assert date(moment, "j F Y, H:i") == "1 April 2026, 09:30"
    with timezone.override(london):
        assert date(moment, "j F Y, H:i") == "31 March 2026, 23:30"  # not the remembered Sydney text
    day = datetime.date(2026, 11, 21)
    assert date(day, "j M Y") == defaultfilters.date(day, "j M Y")
    assert date(None, "j M Y") == ""


def test_linebreaksbr_is_djangos_filter():
    from django.utils.safestring import mark_safe

    from core.jinja2 import linebreaksbr

    for text in [
        "One line", "Two\nlines", "Windows\r\nbreaks\rand old Mac ones", "<script>alert(1)</script>\n&amp; more",
        'Quotes " and \'apostrophes\'', "", "\n\n", mark_safe("<b>already safe</b>\nline"),
    ]:
        ours, django = str(linebreaksbr(text)), str(defaultfilters.linebreaksbr(text))
        # markupsafe writes ' and " as &#39; and &#34;, Django as &#x27; and &quot;: the same characters to a browser.
        assert ours == django.replace("&#x27;", "&#39;").replace("&quot;", "&#34;"), text
