"""Each learner sees dates in their own time zone: detected by the browser, kept on the profile."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_browser_s_zone_is_kept_the_first_time_only(client, learner):
    client.force_login(learner)
    assert client.post(reverse("accounts:time_zone"), {"time_zone": "Europe/Berlin"}).status_code == 204
    assert User.objects.get(pk=learner.pk).time_zone == "Europe/Berlin"
    # A second browser (a laptop abroad) does not overwrite the choice; the profile page does.
    assert client.post(reverse("accounts:time_zone"), {"time_zone": "America/New_York"}).status_code == 204
    assert User.objects.get(pk=learner.pk).time_zone == "Europe/Berlin"


def test_an_unknown_zone_is_refused_with_a_message(client, learner):
    client.force_login(learner)
    response = client.post(reverse("accounts:time_zone"), {"time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 400
    assert "not a time zone we know" in response.json()["errors"][0]
    assert User.objects.get(pk=learner.pk).time_zone == ""


def test_the_profile_page_changes_the_zone_and_refuses_an_unknown_one(client, learner):
    client.force_login(learner)
    data = {"display_name": "Lee Learner", "country": "AU", "bio": "", "time_zone": "Pacific/Auckland"}
    assert client.post(reverse("accounts:profile"), data).status_code == 302
    assert User.objects.get(pk=learner.pk).time_zone == "Pacific/Auckland"
    response = client.post(reverse("accounts:profile"), {**data, "time_zone": "Nowhere/Special", "bio": "Kept bio"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert "Kept bio" in response.content.decode()  # nothing typed is lost
    assert User.objects.get(pk=learner.pk).time_zone == "Pacific/Auckland"


def test_the_profile_groups_the_zones_by_region_and_names_the_country_blank_as_on_sign_up(client, learner):
    client.force_login(learner)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert '<optgroup label="Australia">' in html and '<option value="Australia/Melbourne">Melbourne</option>' in html
    assert '<option value="America/Argentina/Buenos_Aires">Argentina / Buenos Aires</option>' in html
    assert '<option value="">—</option>' in html and "---------" not in html


def test_pages_show_times_in_the_learner_s_zone(client, learner, enrollment, settings):
    """The same instant is 1 July in Sydney and still 30 June in Berlin."""
    enrollment.access_expires_at = datetime.datetime(2026, 6, 30, 15, 0, tzinfo=datetime.UTC)
    enrollment.save(update_fields=["access_expires_at"])
    client.force_login(learner)
    sydney = client.get(reverse("learn:dashboard")).content.decode()
    assert "1 July 2026" in sydney and "30 June 2026" not in sydney
    User.objects.filter(pk=learner.pk).update(time_zone="Europe/Berlin")
    berlin = client.get(reverse("learn:dashboard")).content.decode()
    assert "30 June 2026" in berlin and "1 July 2026" not in berlin
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE  # reset after each request


def test_anonymous_visitors_and_unset_zones_see_the_server_s(client, learner, settings):
    client.force_login(learner)
    page = client.get(reverse("learn:dashboard")).content.decode()
    assert f'data-time-zone-url="{reverse("accounts:time_zone")}"' in page  # the browser is asked for its zone
    User.objects.filter(pk=learner.pk).update(time_zone="Asia/Tokyo")
    assert "data-time-zone-url" not in client.get(reverse("learn:dashboard")).content.decode()


def test_an_email_gives_its_times_in_the_recipient_s_zone(learner):
    """The data export's "kept until" time is the learner's, not the server's."""
    from django.core import mail

    from accounts.models import DataExport
    from accounts.services import email_data_export_ready

    User.objects.filter(pk=learner.pk).update(time_zone="America/New_York")
    made = datetime.datetime(2026, 7, 1, 2, 30, tzinfo=datetime.UTC)  # 22:30 on 30 June in New York
    export = DataExport.objects.create(user=learner, status=DataExport.Status.READY, finished_at=made, size=10)
    assert email_data_export_ready(export)
    assert f"kept until {(export.expires_at.astimezone(zoneinfo.ZoneInfo('America/New_York'))):%-d %B %Y, %H:%M}" in mail.outbox[0].body
    assert "EDT" in mail.outbox[0].body
    assert timezone.get_current_timezone_name() != "America/New_York"
