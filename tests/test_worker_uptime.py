"""A worker that stays up through Redis restarts, and a /healthz that says whether one is running."""

import os
import re
import shlex
import subprocess
import sys
import time

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from core import background
from core.tasks import heartbeat
from tests.conftest import ROOT, _database_env, wait_for
from tests.test_outages import free_port

pytestmark = pytest.mark.redis


def procfile_command(name: str) -> list[str]:
    """The Procfile's command for one process, as a list, run with this interpreter."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith(f"{name}:"))
    command = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: os.environ.get(m[1], m[2]), line.split(":", 1)[1])
    words = shlex.split(command)
    words = [word for word in words if not re.match(r"^[A-Z_]+=", word)]  # the environment prefix
    assert words[0] == "celery"
    return [sys.executable, "-m", *words]


def start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if redis.Redis(port=port, socket_timeout=0.5).ping():
                break
        except redis.RedisError:
            time.sleep(0.05)
    return proc


def test_the_procfile_worker_stays_up_and_consuming_through_redis_restarts(transactional_db, tmp_path):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis_server = start_redis(port)
    log = tmp_path / "worker.log"
    env = {**os.environ, **_database_env(), "DJANGO_SETTINGS_MODULE": "config.settings", "REDIS_URL": url}
    worker = subprocess.Popen(
        [*procfile_command("worker"), "-n", f"uptime-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    probe = Celery(broker=url, set_as_current=False)  # an app of the test's own on the throwaway broker
    cache = RedisCache(url, {"KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", "")})
    try:
        wait_for(lambda: probe.control.ping(timeout=0.5), timeout=40)
        # Ten quick restarts in about fifteen seconds (the fault run saw a crash within seven in 30 s).
        for _ in range(10):
            redis_server.kill()
            redis_server.wait()
            time.sleep(0.3)
            redis_server = start_redis(port)
            time.sleep(1.2)
            assert worker.poll() is None, log.read_text()[-3000:]
        # Still consuming: a job sent now runs (the heartbeat writes to the worker's cache, this Redis).
        probe.close()
        probe = Celery(broker=url, set_as_current=False)
        probe.send_task("core.tasks.heartbeat")
        wait_for(lambda: cache.get(background.HEARTBEAT_KEY), timeout=30)
        text = log.read_text()
        assert "Unrecoverable error" not in text
        assert "Error on restarting" not in text  # kombu's gossip restart bug (celery/kombu#582)
    finally:
        probe.close()
        worker.terminate()
        worker.wait(timeout=20)
        redis_server.kill()
        redis_server.wait()


def test_healthz_reports_redis_and_whether_a_worker_ran_lately(client, celery_worker):
    body = client.get(reverse("core:healthz")).json()
    assert body["ok"] and body["database"] and body["redis"]
    assert body["worker"] is False  # no heartbeat yet

    heartbeat.delay()
    wait_for(lambda: background.heartbeat_age() is not None)
    body = client.get(reverse("core:healthz")).json()
    assert body["worker"] is True and body["worker_heartbeat_age"] < 60


def test_healthz_reports_a_redis_that_is_away(client, settings, db):
    from core import views

    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    views._redis.cache_clear()
    try:
        response = client.get(reverse("core:healthz"))
    finally:
        views._redis.cache_clear()
    assert response.status_code == 200  # the web process can still serve from the database
    assert response.json()["redis"] is False
