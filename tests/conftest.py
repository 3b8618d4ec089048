"""Shared fixtures. Services are real: markers skip tests whose service is absent."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import override_settings

from config.celery import app
from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still work there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "tests" / "screenshots"


def pytest_collection_modifyitems(config, items):
    db_is_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        if "postgres" in item.keywords and not db_is_postgres:
            item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL pointing at PostgreSQL"))
        if "redis" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(pytest.mark.skip(reason="needs REDIS_URL"))
        if "browser" in item.keywords and not Path(CHROMIUM).exists():
            item.add_marker(pytest.mark.skip(reason=f"needs {CHROMIUM} (apt-get install chromium)"))


# --- settings for every test ------------------------------------------------------------


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The same session store everywhere, so query counts do not depend on whether Redis is there.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
    # One credential key set per test session, made on first use like an installation's.
    settings.CREDENTIALS_KEYS = ""
    settings.CREDENTIALS_KEY_FILE = tmp_path_factory.getbasetemp() / "credential-keys.json"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session", autouse=True)
def _own_redis_db_per_xdist_worker():
    """Under pytest-xdist each worker (gw0, gw1, …) takes its own Redis database, counting up from
    REDIS_URL's: one worker's cache.clear() and Celery queues never reach another's tests.

    Pub/sub is not per database, but kombu prefixes its broadcast channels (app.control.ping)
    with the database number, so each worker's Celery stays on its own database too.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("REDIS_URL")
    if not (worker and url):
        yield
        return
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    url = parts._replace(path=f"/{db}").geturl()
    caches = {"default": {**settings.CACHES["default"], "LOCATION": url}}
    os.environ["REDIS_URL"] = url  # for the Celery workers the tests start
    try:
        with override_settings(REDIS_URL=url, CELERY_BROKER_URL=url, CACHES=caches):
            app.conf.broker_url = url
            yield
    finally:
        os.environ["REDIS_URL"] = parts.geturl()


@pytest.fixture(autouse=True)
def _eager_celery_and_clean_cache():
    """Tasks run in-process unless a test asks for the real worker; the cache starts empty."""
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    cache.clear()
    yield
    cache.clear()


# --- people and a course ----------------------------------------------------------------


@pytest.fixture
def user_factory(db):
    return factories.make_user


@pytest.fixture
def learner(db):
    return factories.make_user(email="learner@example.com", display_name="Lee Learner", country="AU")


@pytest.fixture
def other_learner(db):
    return factories.make_user(email="other@example.com", display_name="Olive Other", country="NZ")


@pytest.fixture
def instructor(db):
    return factories.make_instructor(email="instructor@example.com", display_name="Ines Instructor")


@pytest.fixture
def admin_user(db):
    return factories.make_user(email="admin@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def course(db):
    course = factories.make_course(slug="micro-influence", sessions=6, lessons_per_session=2)
    factories.make_offering(course)
    return course


@pytest.fixture
def enrollment(learner, course):
    return factories.enroll(learner, course)


@pytest.fixture
def enrolled_client(client, learner, enrollment):
    client.force_login(learner)
    return client


# --- a real Celery worker on Redis ------------------------------------------------------


def _database_env() -> dict:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return {"SQLITE_PATH": str(db["NAME"]), "DATABASE_URL": ""}
    user = db.get("USER") or ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return {"DATABASE_URL": f"postgres://{user}@{host}:{port}/{db['NAME']}"}


@pytest.fixture
def celery_worker(transactional_db):
    """Start `celery -A config worker` against the test database and Redis; yield the Popen.

    Tasks sent during the test go through Redis to this process; the test waits for
    their effects in the database.
    """
    app.conf.task_always_eager = False
    app.control.purge()
    env = {**os.environ, **_database_env(), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env["MEDIA_ROOT"] = settings.MEDIA_ROOT
    env["EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "-c", "2", "-Q", "celery,pdf",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited: {Path(log.name).read_text()[-3000:]}")
        if app.control.ping(timeout=0.5):
            break
    else:
        proc.kill()
        raise RuntimeError(f"celery worker did not answer: {Path(log.name).read_text()[-3000:]}")
    proc.log_path = log.name
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    app.conf.task_always_eager = True


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.1):
    """Poll until predicate() is truthy; return its value or fail the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s")


# --- Chromium through Playwright --------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_playwright_browser, live_server):
    context = _playwright_browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login_in_browser(page, email: str, password: str = "correct-horse-42") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


__all__ = ["wait_for", "screenshot", "login_in_browser"]
