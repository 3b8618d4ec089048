"""A change to a user takes effect on that user's next request: nothing about them is cached."""

from django.test import Client

from accounts.models import Notification
from accounts.services import notify


def page(client) -> str:
    return client.get("/notifications/").content.decode()


def test_a_name_change_shows_on_the_next_page(client, learner):
    client.force_login(learner)
    assert "Lee Learner" in page(client)

    learner.display_name = "Lee Renamed"
    learner.save()

    assert "Lee Renamed" in page(client)


def test_a_password_change_ends_the_other_sessions(learner):
    laptop, phone = Client(), Client()
    laptop.force_login(learner)
    phone.force_login(learner)
    assert page(phone).count("Log out") == 1

    learner.set_password("a-new-long-pass-phrase-7")
    learner.save()

    assert phone.get("/notifications/").status_code == 302  # back to the login page


def test_a_deactivated_or_deleted_user_is_logged_out(client, other_learner, learner):
    client.force_login(learner)
    page(client)
    learner.is_active = False
    learner.save()
    assert client.get("/notifications/").status_code == 302

    client.force_login(other_learner)
    page(client)
    other_learner.delete()
    assert client.get("/notifications/").status_code == 302


def test_the_notifications_page_reads_the_user_from_the_database(client, learner, django_assert_num_queries):
    client.force_login(learner)
    page(client)
    # session, user (with the header's unread count), the unread recount, the page's count (no rows to read)
    with django_assert_num_queries(4):
        page(client)


def test_the_header_counts_unread_notifications_with_the_user(client, learner):
    notify(learner, Notification.Kind.MODERATION, "One", "/")
    notify(learner, Notification.Kind.MODERATION, "Two", "/").mark_read()
    client.force_login(learner)
    html = client.get("/learn/").content.decode()
    assert '<span class="count">1<span class="visually-hidden"> unread</span>' in html
