"""Display names are what peers see beside every post: nobody takes a staff member's, and nothing
invisible or text-reversing hides in one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.forms import ProfileForm
from accounts.models import User
from tests import factories


def save_name(client, user, name):
    client.force_login(user)
    return client.post("/profile/", {"display_name": name, "country": "AU", "bio": ""})


@pytest.mark.parametrize(
    "character", ["\u202e", "\u202d", "\u2066", "\u200f", "\u200b", "\u200d", "\ufeff", "\x07", "\x1b", "\u2028"],
)
def test_a_name_with_control_bidi_or_zero_width_characters_is_refused_and_kept_in_the_box(client, learner, character):
    response = save_name(client, learner, f"Lee{character} Learner")
    html = response.content.decode()
    assert response.status_code == 200
    assert "invisible or text-direction characters" in html and f"U+{ord(character):04X}" in html
    assert 'value="Lee Learner"' in html  # offered back without the character, to save again
    assert User.objects.get(pk=learner.pk).display_name == "Lee Learner"


def test_a_name_is_normalised_before_it_is_saved(client, learner):
    save_name(client, learner, "  \uff2c\uff45\uff45   New\u00a0Name ")  # full-width letters, a no-break space
    assert User.objects.get(pk=learner.pk).display_name == "Lee New Name"


@pytest.fixture
def jordan(db):
    return factories.make_instructor(display_name="Jordan Blake")


@pytest.mark.parametrize("name", ["Jordan Blake", "jordan   BLAKE", "Jordan Blake.", "J.ordan-Blake", "\uff2aordan Blake"])
def test_a_learner_cannot_take_a_staff_members_name(client, learner, jordan, name):
    html = save_name(client, learner, name).content.decode()
    assert "That name belongs to a member of the course staff" in html
    assert User.objects.get(pk=learner.pk).display_name == "Lee Learner"


@pytest.mark.parametrize("name", ["Course Instructor", "The Moderator", "Site admin", "STAFF"])
def test_a_learner_cannot_call_themselves_by_a_staff_role(client, learner, name):
    html = save_name(client, learner, name).content.decode()
    assert "names a staff role" in html
    assert User.objects.get(pk=learner.pk).display_name == "Lee Learner"


def test_staff_keep_their_own_names_and_roles(client, instructor):
    assert save_name(client, instructor, "Ines Instructor").status_code == 302
    assert User.objects.get(pk=instructor.pk).display_name == "Ines Instructor"


def test_an_ordinary_name_that_merely_contains_a_role_word_is_fine(learner):
    form = ProfileForm({"display_name": "Stafford Adminson", "country": "AU", "bio": ""}, instance=learner)
    assert form.is_valid(), form.errors


def test_sign_up_refuses_a_reversed_name_with_the_rest_kept(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9",
         "display_name": "Nia \u202eweN", "country": "AU"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "U+202E" in html and "new@example.com" in html
    assert not User.objects.filter(email="new@example.com").exists()


def test_sign_up_refuses_a_staff_members_name(client, jordan):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9",
         "display_name": "Jordan Blake"},
    )
    assert "That name belongs to a member of the course staff" in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_names_saved_before_the_rules_are_cleaned_by_the_migration(transactional_db, learner):
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0003_user_unread_notifications")])
    User.objects.filter(pk=learner.pk).update(display_name="Lee\u202e \u200bLearner\u2066")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # through 0004 and on to the latest, as later tests need
    assert User.objects.get(pk=learner.pk).display_name == "Lee Learner"
