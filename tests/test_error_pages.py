"""Error pages are the site's own: its layout, a way back, and the site name in the title."""

from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.views.defaults import permission_denied, server_error


def assert_in_layout(html: str, title: str):
    assert f"<title>{title} · Atelier</title>" in html
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert 'name="viewport"' in html
    assert 'href="/"' in html  # a way back


def test_a_missing_page_answers_404_in_the_site_layout(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_in_layout(response.content.decode(), "Page not found")


def test_a_missing_page_keeps_the_learners_header(client, learner):
    client.force_login(learner)
    html = client.get("/no-such-page/").content.decode()
    assert learner.public_name in html
    assert "My learning" in html


def test_a_server_error_answers_500_in_the_site_layout(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert_in_layout(response.content.decode(), "Something went wrong")


def test_an_expired_form_answers_403_in_the_site_layout(learner):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": learner.email, "password": "x"})
    assert response.status_code == 403
    assert_in_layout(response.content.decode(), "Please try again")


def test_a_refused_page_answers_403_in_the_site_layout(db):
    response = permission_denied(RequestFactory().get("/"), PermissionDenied())
    assert response.status_code == 403
    assert_in_layout(response.content.decode(), "Not allowed")


def test_pages_name_the_favicon(client, db):
    for url in ["/accounts/login/", "/no-such-page/"]:
        assert 'rel="icon" href="/static/img/favicon.svg"' in client.get(url).content.decode(), url
    assert client.get("/static/img/favicon.svg").status_code == 200


def test_the_account_pages_say_log_in_as_the_header_does(client, db):
    login = client.get("/accounts/login/").content.decode()
    signup = client.get("/accounts/signup/").content.decode()
    assert "Sign In" not in login and "Sign In" not in signup
    assert "<title> Log in · Atelier</title>" in " ".join(login.split())
    assert "Sign Up" not in signup and "log in" in signup
    assert "Remember me" in login and "Remember Me" not in login  # sentence case, as every other label
