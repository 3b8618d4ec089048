"""The code keeps one data layer, one template engine and arrows that run one way."""

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "accounts", "courses", "portfolios", "gallery", "badges", "config"]
RAW_SQL = re.compile(r"cursor\(|\.raw\(|RawSQL|\.extra\(|set_cached_value")


def app_sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_raw_sql_or_django_internals_outside_migrations_and_the_benchmark():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in app_sources()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if RAW_SQL.search(line)
    ]
    assert found == []
    assert not (ROOT / "core" / "prepared.py").exists()


def test_one_template_engine_for_our_pages_emails_and_pdfs():
    assert [engine["BACKEND"] for engine in settings.TEMPLATES] == ["django.template.backends.django.DjangoTemplates"]
    assert not (ROOT / "jinja2").exists()
    assert not list(ROOT.glob("*/jinja2"))


def test_imports_run_one_way_between_the_apps():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
