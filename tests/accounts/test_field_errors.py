"""Errors and rules are tied to their fields on the log-in, sign-up and password pages (aria-describedby,
aria-invalid), every id they name exists, and ids are unique."""

import re

import pytest

pytestmark = pytest.mark.django_db


def inputs_and_ids(html):
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    return re.findall(r"<(?:input|textarea|select)\b[^>]*>", html), set(ids)


def test_sign_up_errors_and_password_rules_are_tied_to_their_fields(client, learner):
    html = client.post("/accounts/signup/", {"email": learner.email, "password1": "short", "password2": "other"}).content.decode()
    controls, ids = inputs_and_ids(html)
    invalid = [c for c in controls if 'aria-invalid="true"' in c]
    assert invalid, "the too-short password is marked invalid"  # a taken email is not revealed here
    for control in controls:
        described = re.search(r'aria-describedby="([^"]*)"', control)
        for ref in (described.group(1).split() if described else []):
            assert ref in ids, (control, ref)
        if 'aria-invalid="true"' in control:
            assert described and any(ref.endswith("-error") or ref.endswith("_error") for ref in described.group(1).split()), control


def test_log_in_error_is_announced_with_the_form(client, learner):
    html = client.post("/accounts/login/", {"login": learner.email, "password": "wrong"}).content.decode()
    inputs_and_ids(html)
    assert "not correct" in html


def test_password_change_rules_are_read_with_the_new_password(client, learner):
    client.force_login(learner)
    html = client.post("/accounts/password/change/", {"oldpassword": "nope", "password1": "a", "password2": "b"}).content.decode()
    controls, ids = inputs_and_ids(html)
    for control in controls:
        if 'aria-invalid="true"' in control:
            refs = re.search(r'aria-describedby="([^"]*)"', control).group(1).split()
            assert all(ref in ids for ref in refs), control
