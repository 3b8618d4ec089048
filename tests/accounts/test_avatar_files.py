"""A replaced, cleared or orphaned avatar is deleted after the commit, so its address stops answering."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from tests.factories import png, upload


def post_avatar(client, avatar=None, clear=False):
    data = {"display_name": "Lee", "country": "AU"}
    if avatar is not None:
        data["avatar"] = avatar
    if clear:
        data["avatar-clear"] = "on"
    return client.post(reverse("accounts:profile"), data)


def test_a_replaced_avatar_is_deleted(client, learner, django_capture_on_commit_callbacks):
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_avatar(client, upload()).status_code == 302
    learner.refresh_from_db()
    first = learner.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        assert post_avatar(client, upload((10, 20, 30))).status_code == 302
    learner.refresh_from_db()
    assert learner.avatar.name != first
    assert default_storage.exists(learner.avatar.name)
    assert not default_storage.exists(first)
    assert client.get(f"/media/{first}").status_code == 404


def test_a_cleared_avatar_is_deleted(client, learner, django_capture_on_commit_callbacks):
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        post_avatar(client, upload())
    learner.refresh_from_db()
    first = learner.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        assert post_avatar(client, clear=True).status_code == 302
    learner.refresh_from_db()
    assert not learner.avatar
    assert not default_storage.exists(first)


def test_a_deleted_users_avatar_is_deleted(learner, django_capture_on_commit_callbacks):
    learner.avatar.save("avatar.png", ContentFile(png()), save=True)
    name = learner.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        learner.delete()
    assert not default_storage.exists(name)
