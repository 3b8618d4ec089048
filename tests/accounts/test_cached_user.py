"""The logged-in user comes from the cache (accounts/backends.py) but is never stale."""

import pytest
from django.test import Client

from accounts.backends import user_key
from accounts.models import User


def page(client) -> str:
    return client.get("/notifications/").content.decode()


def test_the_second_page_view_reads_the_user_from_the_cache(client, learner, django_assert_num_queries):
    client.force_login(learner)
    page(client)
    # the session and the notification list (count + page): no user query
    with django_assert_num_queries(2):
        page(client)


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
    assert page(phone).count("Log out") == 1  # cached now

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


@pytest.mark.django_db(transaction=True)
def test_after_the_commit_the_cache_holds_the_fresh_row_not_an_older_read(client):
    from django.core.cache import cache

    user = User.objects.create_user(email="fresh@example.com", username="fresh", password="a-long-pass-phrase-9",
                                    display_name="First name")
    stale = User.objects.get(pk=user.pk)
    user.display_name = "Second name"
    user.save()  # commits at once (no test transaction): the fresh copy is stored

    cache.add(user_key(user.pk), stale)  # a request that read the old row just before the commit
    assert cache.get(user_key(user.pk)).display_name == "Second name"
