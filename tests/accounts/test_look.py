"""Faces and designed controls (#20.3, #20.4): the avatar tag, and forms drawn by the project's form templates."""

import re

from django.core.files.base import ContentFile
from django.template import Context, Template
from django.urls import reverse

from tests import factories
from tests.accounts.test_avatar_files import png


def render_avatar(person, size=32) -> str:
    return Template("{% load avatars %}{% avatar person size %}").render(Context({"person": person, "size": size})).strip()


def test_without_a_photo_a_person_is_their_initial_on_a_colour_that_stays_theirs(db):
    ada = factories.make_user(email="ada@example.com", display_name="ada Lovelace")
    html = render_avatar(ada)
    assert re.fullmatch(r'<span class="avatar avatar-initial avatar-hue-[0-7] avatar-32" aria-hidden="true">A</span>', html)
    assert render_avatar(ada) == html  # the same colour on every page and every process (not Python's salted hash)
    hues = {re.search(r"avatar-hue-(\d)", render_avatar(factories.make_user(email=f"p{n}@example.com"))).group(1) for n in range(24)}
    assert len(hues) > 3  # people are told apart by colour too


def test_a_photo_is_a_sized_decorative_image(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    person = factories.make_user(email="photo@example.com", display_name="Pat")
    person.avatar.save("face.png", ContentFile(png()), save=True)
    html = render_avatar(person, 96)
    assert f'src="{person.avatar.url}"' in html
    assert 'alt=""' in html and 'width="96"' in html and 'height="96"' in html


def test_the_avatar_control_shows_the_picture_with_remove_and_replace_not_djangos_currently_clear_change(client, learner, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    learner.avatar.save("face.png", ContentFile(png()), save=True)
    client.force_login(learner)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Currently:" not in html and "Change:" not in html
    field = html[html.index('data-file-field'):html.index('id="id_avatar"')]
    assert f'<img src="{learner.avatar.url}" alt="" width="96" height="96">' in field
    remove = r'<label class="file-remove" for="avatar-clear_id"><input type="checkbox" name="avatar-clear" id="avatar-clear_id"[^>]*>'
    assert re.search(remove + " Remove this picture</label>", field)
    assert "Or choose another to replace it" in field
    assert 'accept="image/jpeg,image/png,image/gif,image/webp"' in html
    # The header carries the same face beside the name.
    assert re.search(r'class="nav-person"[^>]*><img class="avatar" src="' + re.escape(learner.avatar.url), html)


def test_allauths_forms_render_through_the_projects_form_template_so_remember_me_is_a_checkbox_row(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert "Remember Me:" not in html
    assert re.search(r'<label class="check" for="id_remember"><input type="checkbox" name="remember"[^>]*> <span>Remember me</span></label>', html)
    assert re.search(r'<label for="id_login">Email <span class="required" aria-hidden="true">\*</span></label>', html)
