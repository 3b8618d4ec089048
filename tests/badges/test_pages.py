import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from badges.models import Award, BadgeClass
from badges.services import award_badge, revoke_award
from tests import factories


def test_my_badges_needs_a_login(client):
    response = client.get("/badges/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_my_badges_lists_earned_badges_with_date_and_link_and_the_rest_with_criteria(
    enrolled_client, learner, course, session_badge, make_badge
):
    make_badge(course, rule=BadgeClass.Rule.COURSE_COMPLETED, name="Practitioner", criteria="Finish *all six* sessions.")
    award = award_badge(learner, session_badge)

    html = enrolled_client.get("/badges/").content.decode()

    assert course.title in html
    earned, to_earn = html.split("Still to earn", 1)
    assert "Micro-influence Foundations" in earned and award.get_absolute_url() in earned
    assert f"Earned {timezone.localtime(award.awarded_at):%-d %B %Y}" in earned
    assert "Make private" in earned
    assert "Practitioner" in to_earn and "Finish <em>all six</em> sessions." in to_earn
    assert "Micro-influence Foundations" not in to_earn


def test_the_to_earn_list_is_a_shared_fragment_that_follows_an_award_and_an_edit_at_once(
    enrolled_client, learner, course, session_badge, make_badge
):

    practitioner = make_badge(course, rule=BadgeClass.Rule.COURSE_COMPLETED, name="Practitioner")
    to_earn = enrolled_client.get("/badges/").content.decode().split("Still to earn", 1)[1]
    assert "Micro-influence Foundations" in to_earn and "Practitioner" in to_earn
    assert any("badges-to-earn" in key for key in factories.cache_keys())  # the fragment is stored
    award_badge(learner, session_badge)
    to_earn = enrolled_client.get("/badges/").content.decode().split("Still to earn", 1)[1]
    assert "Micro-influence Foundations" not in to_earn and "Practitioner" in to_earn
    practitioner.name = "Seasoned practitioner"
    practitioner.save()  # touches the course: a new key
    assert "Seasoned practitioner" in enrolled_client.get("/badges/").content.decode().split("Still to earn", 1)[1]


def test_my_badges_runs_a_constant_number_of_queries(
    enrolled_client, learner, course, make_badge, django_assert_num_queries
):
    badges = [make_badge(course, rule=BadgeClass.Rule.SESSION_COMPLETED, rule_param=n) for n in range(1, 7)]
    for badge in badges[:3]:
        award_badge(learner, badge)

    other_course = factories.make_course()
    factories.enroll(learner, other_course)
    award_badge(learner, make_badge(other_course, rule=BadgeClass.Rule.SESSION_COMPLETED, rule_param=1))
    make_badge(other_course, rule=BadgeClass.Rule.COURSE_COMPLETED)

    enrolled_client.get("/badges/")
    # session, user (+unread count), courses, awards + badges, certificates, badges still to earn (all courses at once)
    with django_assert_num_queries(6):
        html = enrolled_client.get("/badges/").content.decode()
    assert html.count('class="earned-badge') == 4 and html.count('class="to-earn-badge') == 4


def test_my_badges_shows_a_badge_edit_at_once_despite_the_cached_badge_list(enrolled_client, course, make_badge):
    badge = make_badge(course, rule=BadgeClass.Rule.COURSE_COMPLETED, name="Practitioner")
    assert "Practitioner" in enrolled_client.get("/badges/").content.decode()

    badge.name = "Seasoned practitioner"
    badge.save()
    assert "Seasoned practitioner" in enrolled_client.get("/badges/").content.decode()

    badge.is_active = False
    badge.save()
    assert "practitioner" not in enrolled_client.get("/badges/").content.decode()


def test_learner_makes_one_award_private_and_others_then_get_404(
    enrolled_client, client, learner, session_badge, other_learner
):
    award = award_badge(learner, session_badge)

    response = enrolled_client.post(f"/badges/awards/{award.uuid}/visibility/", {"is_public": "0"})

    assert response.status_code == 302
    award.refresh_from_db()
    assert award.is_public is False
    urls = [award.get_absolute_url(), f"/badges/awards/{award.uuid}/baked.png", f"/badges/assertions/{award.uuid}.json"]
    for url in urls:
        assert enrolled_client.get(url).status_code == 200, url
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(other_learner)
    for url in urls:
        assert client.get(url).status_code == 404, url

    enrolled_client.force_login(learner)
    enrolled_client.post(f"/badges/awards/{award.uuid}/visibility/", {"is_public": "1", "next": award.get_absolute_url()})
    award.refresh_from_db()
    assert award.is_public is True


def test_only_the_owner_can_change_an_awards_visibility(client, learner, other_learner, session_badge):
    award = award_badge(learner, session_badge)
    client.force_login(other_learner)

    assert client.post(f"/badges/awards/{award.uuid}/visibility/", {"is_public": "0"}).status_code == 404
    assert client.get(f"/badges/awards/{award.uuid}/visibility/").status_code == 405
    award.refresh_from_db()
    assert award.is_public is True


def test_public_award_page_shows_the_badge_the_earner_and_open_graph_tags(client, learner, session_badge):
    award = award_badge(learner, session_badge)

    response = client.get(award.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Micro-influence Foundations</h1>" in html
    assert "Lee Learner" in html and learner.email not in html
    assert f'<meta property="og:image" content="http://127.0.0.1:8000{session_badge.image.url}">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert f'href="http://127.0.0.1:8000/badges/assertions/{award.uuid}.json"' in html
    assert f'href="/badges/awards/{award.uuid}/baked.png" download' in html
    assert "Verify this badge" in html
    assert "Make private" not in html  # only the owner sees the controls


def test_public_profile_shows_public_awards_only(client, learner, course, session_badge, make_badge):
    learner.profile_is_public = True
    learner.save(update_fields=["profile_is_public"])
    shown = award_badge(learner, session_badge)
    private = award_badge(learner, make_badge(course, name="Secret Badge"))
    private.set_public(False)
    revoked = award_badge(learner, make_badge(course, name="Revoked Badge"))
    revoke_award(revoked, "Mistake.")

    html = client.get(f"/u/{learner.username}/").content.decode()

    assert shown.get_absolute_url() in html
    assert "Secret Badge" not in html and "Revoked Badge" not in html


def test_a_private_profile_is_404_to_others_but_visible_to_its_owner(client, learner, other_learner, session_badge):
    award_badge(learner, session_badge)

    assert client.get(f"/u/{learner.username}/").status_code == 404
    client.force_login(other_learner)
    assert client.get(f"/u/{learner.username}/").status_code == 404
    client.force_login(learner)
    assert client.get(f"/u/{learner.username}/").status_code == 200


def test_unknown_award_and_badge_answer_404(client, db):
    assert client.get("/badges/awards/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/badges/assertions/00000000-0000-0000-0000-000000000000.json").status_code == 404
    assert client.get("/badges/class/nope.json").status_code == 404


def test_my_badges_shows_a_badge_from_another_course_the_learner_is_not_enrolled_in(
    enrolled_client, learner, make_badge
):
    other_course = factories.make_course()
    award_badge(learner, make_badge(other_course, name="Guest Speaker"))

    html = enrolled_client.get("/badges/").content.decode()

    assert re.search(r"Other badges.*Guest Speaker", html, re.S)
    assert Award.objects.filter(recipient=learner).count() == 1


def test_public_award_page_runs_one_query_for_a_visitor(client, learner, session_badge, django_assert_num_queries):
    award = award_badge(learner, session_badge)

    with django_assert_num_queries(1):  # award + badge + course + recipient
        assert client.get(award.get_absolute_url()).status_code == 200


def test_the_page_of_a_manual_badge_that_belongs_to_no_course_opens(client, learner, make_badge, admin_user):
    award = award_badge(learner, make_badge(None, name="Community Helper"), by=admin_user, reason="Ran the meetup.")

    response = client.get(award.get_absolute_url())

    assert response.status_code == 200
    assert "<h1>Community Helper</h1>" in response.content.decode()
    assert client.get(f"/badges/assertions/{award.uuid}.json").status_code == 200


def test_a_revoked_award_shows_as_revoked_at_once_on_its_page_and_on_my_badges(
    enrolled_client, client, learner, session_badge
):
    award = award_badge(learner, session_badge)
    assert client.get(award.get_absolute_url()).status_code == 200
    assert "Make private" in enrolled_client.get("/badges/").content.decode()

    revoke_award(award, "Awarded by mistake.")

    response = client.get(award.get_absolute_url())
    assert response.status_code == 410
    assert "It is no longer valid." in response.content.decode()
    html = enrolled_client.get("/badges/").content.decode()
    assert "This badge was revoked: Awarded by mistake." in html and "Make private" not in html


@pytest.mark.parametrize(("zone", "day"), [("Pacific/Kiritimati", "2 March 2026"), ("Pacific/Pago_Pago", "1 March 2026")])
def test_the_award_page_gives_the_earners_calendar_day_to_every_visitor(client, learner, session_badge, zone, day):
    """Awarded at 12:00 UTC: the owner and a visitor elsewhere (in the site's zone) read the same day."""
    award = award_badge(learner, session_badge)
    Award.objects.filter(pk=award.pk).update(awarded_at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    type(learner).objects.filter(pk=learner.pk).update(time_zone=zone)
    visitor = client.get(award.get_absolute_url()).content.decode()
    client.force_login(learner)
    owner = client.get(award.get_absolute_url()).content.decode()
    for html in (visitor, owner):
        assert f"{day}</time>" in html
