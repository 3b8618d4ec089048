"""A Redis restored from an older snapshot never brings back what the database has since taken away.

The test runs the site's cache on a redis-server of its own, snapshots it while a comment is
visible, an entry is published and two learners are logged in, then hides the comment, unpublishes
the entry, logs one learner out and deactivates the other, and restarts Redis from the old snapshot.
"""

import shutil
import subprocess
import time

import pytest
import redis
from django.urls import reverse

from config import settings as project_settings
from gallery import services
from tests import factories
from tests.gallery.conftest import client_for
from tests.test_outages import free_port

pytestmark = pytest.mark.redis


def start_redis(port: int, directory) -> subprocess.Popen:
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--dir", str(directory), "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if redis.Redis(port=port, socket_timeout=0.5).ping():
                return proc
        except redis.RedisError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


@pytest.fixture
def restorable_redis(settings, tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    port = free_port()
    server = {"proc": start_redis(port, tmp_path)}
    settings.CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}}
    settings.SESSION_ENGINE = project_settings.SESSION_ENGINE  # what production runs (tests/conftest.py pins db)

    def snapshot():
        redis.Redis(port=port).save()

    def restore():
        server["proc"].kill()
        server["proc"].wait()
        server["proc"] = start_redis(port, tmp_path)  # loads dump.rdb: the older state

    yield snapshot, restore
    server["proc"].kill()
    server["proc"].wait()


def test_an_older_redis_snapshot_brings_back_no_comment_entry_or_login(
    restorable_redis, course, entry, peer, make_entry, instructor, settings
):
    snapshot, restore = restorable_redis
    other_entry = make_entry("Another entry")
    comment = services.post_comment(entry, peer, "A comment a moderator will hide.")
    leaving, deactivated = factories.make_user(country="AU"), factories.make_user(country="AU")
    for user in (leaving, deactivated):
        factories.enroll(user, course)
    viewer, leaving_client, deactivated_client = client_for(peer), client_for(leaving), client_for(deactivated)
    gallery, entry_page = reverse("gallery:list", args=[course.slug]), entry.get_absolute_url()
    assert "A comment a moderator will hide." in viewer.get(entry_page).content.decode()
    assert "Another entry" in viewer.get(gallery).content.decode()
    for client in (leaving_client, deactivated_client):
        assert client.get(reverse("learn:dashboard")).status_code == 200
    snapshot()
    old_cookie = leaving_client.cookies[settings.SESSION_COOKIE_NAME].value

    services.moderate(comment, hide=True, by=instructor)
    services.unpublish_entry(other_entry)
    leaving_client.post(reverse("account_logout"))
    deactivated.is_active = False
    deactivated.save(update_fields=["is_active"])
    restore()

    assert "A comment a moderator will hide." not in viewer.get(entry_page).content.decode()
    assert "Another entry" not in viewer.get(gallery).content.decode()
    assert viewer.get(other_entry.get_absolute_url()).status_code == 404
    leaving_client.cookies[settings.SESSION_COOKIE_NAME] = old_cookie  # a copy of the cookie kept from before
    assert leaving_client.get(reverse("learn:dashboard")).status_code == 302  # to the login page
    assert deactivated_client.get(reverse("learn:dashboard")).status_code == 302
