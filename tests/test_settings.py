"""Settings are chosen from the environment: each case imports them in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']), "
    "'cache': s.CACHES['default']['BACKEND'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, "
    "'debug': s.DEBUG, 'email': s.EMAIL_BACKEND, 'serializer': s.CELERY_TASK_SERIALIZER, "
    "'options': s.DATABASES['default'].get('OPTIONS', {}), 'health': s.DATABASES['default'].get('CONN_HEALTH_CHECKS'), "
    "'proxies': s.ALLAUTH_TRUSTED_PROXY_COUNT}))"
)


def load_settings(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "DJANGO_DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        return {"error": result.stderr}
    return json.loads(result.stdout)


def test_no_environment_means_sqlite_locmem_eager_tasks_and_console_email():
    s = load_settings()
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"].endswith("db.sqlite3")
    assert s["cache"].endswith("LocMemCache")
    assert s["eager"] is True
    assert s["debug"] is False
    assert s["email"].endswith("console.EmailBackend")
    assert s["serializer"] == "json"


def test_database_url_selects_postgresql():
    s = load_settings(DATABASE_URL="postgres://atelier@db.example:5432/atelier")
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["name"] == "atelier"


def test_redis_url_selects_redis_cache_and_a_real_broker():
    s = load_settings(REDIS_URL="redis://cache.example:6379/2")
    assert s["cache"].endswith("RedisCache")
    assert s["broker"] == "redis://cache.example:6379/2"
    assert s["eager"] is False


def test_production_refuses_to_start_without_its_secrets():
    s = load_settings(DJANGO_ENV="production")
    assert "error" in s
    assert "SECRET_KEY" in s["error"] and "ALLOWED_HOSTS" in s["error"] and "CSRF_TRUSTED_ORIGINS" in s["error"]


def test_production_with_its_secrets_uses_smtp_email():
    s = load_settings(
        DJANGO_ENV="production", SECRET_KEY="x" * 60, ALLOWED_HOSTS="atelier.example",
        CSRF_TRUSTED_ORIGINS="https://atelier.example",
    )
    assert s["email"].endswith("smtp.EmailBackend")
    assert s["debug"] is False


def test_client_addresses_come_from_one_proxy_in_production_and_none_in_development():
    production = {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "atelier.example",
                  "CSRF_TRUSTED_ORIGINS": "https://atelier.example"}
    assert load_settings(**production)["proxies"] == 1
    assert load_settings(**production, TRUSTED_PROXY_COUNT="2")["proxies"] == 2
    assert load_settings()["proxies"] == 0


def test_postgresql_prepares_statements_unless_told_not_to():
    url = "postgres://atelier@db.example.com:5432/atelier"
    s = load_settings(DATABASE_URL=url)
    assert s["options"]["server_side_binding"] is True and s["options"]["prepare_threshold"] == 5
    assert s["health"] is True
    s = load_settings(DATABASE_URL=url, DB_PREPARED_STATEMENTS="0", DB_CONN_HEALTH_CHECKS="0")
    assert "server_side_binding" not in s["options"] and "prepare_threshold" not in s["options"]
    assert s["health"] is False


def test_postgresql_jit_is_off_unless_asked_for():
    """PostgreSQL compiles a query whose estimated cost passes jit_above_cost; the course
    dashboard's aggregates over every enrollment do, and compiling took longer than running."""
    url = "postgres://atelier@db.example.com:5432/atelier"
    assert load_settings(DATABASE_URL=url)["options"]["options"].split(" -c ")[1:] == ["jit=off"]
    assert "jit" not in load_settings(DATABASE_URL=url, DB_JIT="1")["options"]["options"]
