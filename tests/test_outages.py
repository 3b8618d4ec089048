"""Outages that degrade gently: Redis down or hung, a database that stalls.

Each test starts the faulty service itself (a throwaway redis-server it then kills, a socket that
accepts and never answers, a proxy in front of PostgreSQL that stops forwarding) and points the
site at it, so the machine's own Redis and PostgreSQL are never disturbed.
"""

import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from config.celery import app
from core import background
from courses.models import Lesson
from portfolios.models import Answer
from tests import factories
from tests.portfolios.conftest import make_worksheet

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def throwaway_redis():
    """A redis-server of the test's own, on a free port; yields its URL, then stops it."""
    if not REDIS_SERVER:
        pytest.skip("needs redis-server")
    port = free_port()
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    proc.url = f"redis://127.0.0.1:{port}/0"
    yield proc
    proc.kill()
    proc.wait()


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never says a word (a hung Redis or database)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


@pytest.fixture
def site_on_redis(settings):
    """Point the cache, the sessions and the broker at a given Redis URL, as production does."""
    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool)

    def point_at(url):
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.RedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
            }
        }
        app.conf.broker_url = url
        app.conf.task_always_eager = False
        app._pool = app.amqp._producer_pool = None  # the next send connects to this broker
        background.broker_answered()

    yield point_at
    if app._pool is not None:
        app._pool.force_close_all()
    app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool = saved
    background.broker_answered()


@pytest.fixture
def learning_setup(transactional_db):
    learner = factories.make_user(email="steady@example.com", country="AU")
    course = factories.make_course(sessions=1, lessons_per_session=3)
    factories.make_offering(course)
    enrollment = factories.enroll(learner, course)
    worksheet = make_worksheet(course, order=3)
    return learner, course, enrollment, worksheet


@pytest.mark.redis
def test_with_redis_down_pages_log_in_autosave_and_progress_keep_working(
    throwaway_redis, site_on_redis, learning_setup
):
    learner, course, enrollment, worksheet = learning_setup
    site_on_redis(throwaway_redis.url)
    client = Client(raise_request_exception=False)
    assert client.post(reverse("account_login"), {"login": learner.email, "password": "correct-horse-42"}).status_code == 302
    assert client.get(reverse("learn:dashboard")).status_code == 200

    throwaway_redis.kill()
    throwaway_redis.wait()
    statuses = []
    lesson = Lesson.objects.get(session__course=course, order=1)
    prompt = worksheet.prompts.get(kind="short_text")
    pages = [
        reverse("courses:detail", args=[course.slug]),
        reverse("learn:dashboard"),
        reverse("learn:outline", args=[course.slug]),
        reverse("learn:lesson", args=[course.slug, 1, lesson.slug]),
        reverse("portfolios:worksheet", args=[course.slug, worksheet.slug]),
    ]
    started = time.monotonic()
    for url in pages:
        statuses.append(client.get(url).status_code)
    # Completing a lesson queues the progress job; with no broker it runs in the request.
    statuses.append(client.post(reverse("learn:complete", args=[course.slug, 1, lesson.slug])).status_code)
    saved = client.post(
        reverse("portfolios:autosave_answer", args=[course.slug, prompt.pk]),
        {f"prompt_{prompt.pk}": "Ceramics, made slowly", f"version_{prompt.pk}": 0},
    )
    statuses.append(saved.status_code)
    page = client.get(reverse("learn:dashboard"))
    statuses.append(page.status_code)
    # Log out and in again: the session store reads and writes the database.
    statuses.append(client.post(reverse("account_logout")).status_code)
    statuses.append(client.post(reverse("account_login"), {"login": learner.email, "password": "correct-horse-42"}).status_code)
    statuses.append(client.get(reverse("learn:dashboard")).status_code)
    elapsed = time.monotonic() - started

    assert [s for s in statuses if s >= 500] == []
    assert statuses == [200, 200, 200, 200, 200, 302, 200, 200, 302, 302, 200]
    assert Answer.objects.get(prompt=prompt).value == "Ceramics, made slowly"
    enrollment.refresh_from_db()
    assert enrollment.completed_lessons == 1  # recomputed in the request, not lost
    assert "background work is running late" in page.content.decode()
    assert elapsed < 10


@pytest.mark.redis
def test_a_hung_redis_costs_one_short_timeout_not_one_per_call(silent_server, site_on_redis, learning_setup):
    learner, course, enrollment, worksheet = learning_setup
    site_on_redis(f"redis://127.0.0.1:{silent_server}/0")
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    timings = []
    for _ in range(3):
        started = time.monotonic()
        assert client.get(reverse("courses:detail", args=[course.slug])).status_code == 200
        timings.append(time.monotonic() - started)
    # The first page waits for one 0.25 s socket timeout; then Redis is left alone for a while.
    assert timings[0] < 1.5
    assert max(timings[1:]) < 0.5


@pytest.mark.postgres
def test_a_stalled_database_answers_the_sites_503_page_within_the_connect_timeout(
    transactional_db, silent_server, settings
):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(silent_server))
    try:
        started = time.monotonic()
        response = client.get(reverse("courses:catalog"))
        elapsed = time.monotonic() - started
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Atelier is busy for a moment" in response.content.decode()
    assert elapsed < connection.settings_dict["OPTIONS"]["connect_timeout"] + 2


@pytest.mark.postgres
def test_every_statement_has_a_timeout(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"
        cursor.execute("SHOW jit")  # the same startup options carry it (config/settings.py)
        assert cursor.fetchone()[0] == "off"


def test_a_healthy_site_shows_no_delay_notice(client, learning_setup):
    learner, *_ = learning_setup
    client.force_login(learner)
    assert "background work is running late" not in client.get(reverse("learn:dashboard")).content.decode()
