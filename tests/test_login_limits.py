"""Login rate limits hold for every way in, per client address, behind the production proxy too."""

import pytest

PASSWORD = "correct-horse-42"
LOCKED = "Too many failed login attempts"


def fail_logins(client, count, email="made-up@example.com", **headers):
    for _ in range(count):
        client.post("/accounts/login/", {"login": email, "password": "wrong"}, headers=headers)


def test_the_admin_login_is_allauths_so_its_limits_apply(client, instructor):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    # The admin's own form no longer checks passwords: a correct one posted there logs nobody in.
    client.post("/admin/login/?next=/admin/", {"username": instructor.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_twenty_five_wrong_passwords_lock_the_login_even_for_the_right_one(client, instructor):
    for _ in range(25):
        client.post("/accounts/login/", {"login": instructor.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": instructor.email, "password": PASSWORD})
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("proxies, locked_out", [(1, False), (0, True)])
def test_behind_one_proxy_one_clients_failures_do_not_lock_out_another(client, learner, settings, proxies, locked_out):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    fail_logins(client, 11, x_forwarded_for="203.0.113.5")
    response = client.post(
        "/accounts/login/", {"login": learner.email, "password": PASSWORD}, headers={"x_forwarded_for": "198.51.100.7"}
    )
    assert (LOCKED in response.content.decode()) is locked_out
    assert ("_auth_user_id" in client.session) is not locked_out
