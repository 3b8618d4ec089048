"""A NUL byte in an address or a query string is refused with a 400 before any view runs.

PostgreSQL cannot hold NUL in text, so a `?q=%00` that reaches a lookup is a 500 there (SQLite
takes it); these tests carry the postgres marker for that reason, and the middleware answers
the same on both.
"""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.security.world import build_world

pytestmark = pytest.mark.postgres


@pytest.fixture
def world(db):
    return build_world()


def test_a_nul_byte_in_the_gallery_search_is_a_400(client, world):
    client.force_login(world.a)
    response = client.get(reverse("gallery:list", args=[world.course.slug]), {"q": "\x00"})
    assert response.status_code == 400


def test_a_nul_byte_in_a_profile_address_is_a_400(client, world):
    assert client.get("/u/%00/").status_code == 400
    assert client.get("/u/ada%00owner/").status_code == 400


def _changelist_queries():
    """Every registered changelist with its search and each of its plain list filters, given a NUL."""
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        yield url, "q=%00"
        for name in model_admin.list_filter:
            if isinstance(name, str):
                yield url, f"{name}=%00"
                yield url, f"{name}__exact=%00"


def test_admin_search_and_filters_refuse_a_nul_byte_with_400(world):
    """Before: every choice filter (a user's country, an enrollment's status, a lesson's kind…) was a 500."""
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    answers = {f"{url}?{query}": client.get(f"{url}?{query}").status_code for url, query in _changelist_queries()}
    assert {address: status for address, status in answers.items() if status != 400} == {}


def test_the_400_page_is_the_sites_own(client, world):
    response = client.get("/u/%00/")
    html = response.content.decode()
    assert "<title>Bad request · Atelier</title>" in html
    assert "Content-Security-Policy" in response


def test_a_nul_byte_in_a_media_path_is_a_400(client, world):
    client.force_login(world.admin)
    assert client.get("/media/answers/x%00.png").status_code == 400


def test_a_nul_byte_in_a_form_post_is_still_a_form_error_not_a_400(client, world):
    """Bodies are the forms' business: their fields refuse NUL with a message next to the field."""
    client.force_login(world.a)
    response = client.post(reverse("accounts:profile"), {"display_name": "Ada\x00", "country": "AU"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()


def test_ordinary_queries_still_work(client, world):
    client.force_login(world.a)
    response = client.get(reverse("gallery:list", args=[world.course.slug]), {"q": "Ada"})
    assert response.status_code == 200
