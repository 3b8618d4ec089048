"""`make bench`: every key page under gunicorn, as a logged-in learner, on 10,000 learners.

Steps: production settings → collectstatic → migrate → django.setup() and bench/seed.py
(skipped when the database already holds that many bench learners) → gunicorn (config/gunicorn.py) on a free
loopback port → for each page: queries per request (in-process test client, same database)
and a bounded wrk run → the portfolio PDF render time (bench/pdf_render.py) → the
lesson-completion-to-badge latency with a real Celery worker (when REDIS_URL is set) → one
table, printed and appended to bench/results.md with the date, so runs can be compared.

Environment (all optional):
  DATABASE_URL        PostgreSQL to use; unset: the SQLite file bench/data/bench.sqlite3 (BENCH_SQLITE_PATH)
  REDIS_URL           Redis for cache, sessions and Celery; needed for the badge latency figure
  BENCH_LEARNERS      learners to seed (default 10000)
  BENCH_DURATION      seconds of wrk per page (default 8)
  BENCH_CONNECTIONS   concurrent connections (default 16; the p95 bar is judged at 16 or fewer)
  BENCH_OVERLOAD_CONNECTIONS  connections of the second, overload run over four key pages (default 64)
  BENCH_THREADS       wrk threads (default 2)
  BENCH_PAGES         comma-separated labels to run only some pages, e.g. "bare view,course page"
  BENCH_BADGE_SAMPLES completions timed for the badge latency (default 20)
  BENCH_RESULTS       where to append the table (default bench/results.md)
  GUNICORN_WORKERS / GUNICORN_THREADS   passed through to config/gunicorn.py
"""

import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode

import django
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

# The apps' modules are imported inside the functions that use them: main() first sets the
# production environment the settings read, and models import only after django.setup().
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
COURSE_SLUG = "introduction-to-micro-influence"


@dataclass
class Page:
    """A page to measure: its URL name and how to build its arguments from the context."""

    label: str
    url_name: str
    args: Callable[["Context"], list] = lambda c: []
    method: str = "GET"
    as_staff: bool = False  # requested by the course's instructor (Context.staff), not the learner


# The key pages of issue 8. A page whose URL name does not resolve (its feature is not merged
# yet) is reported as "not available (URL missing)" instead of failing the run.
PAGES = [
    Page("bare view (baseline)", "core:bench_bare"),
    Page("course page", "courses:detail", lambda c: [c.course_slug]),
    Page("My learning", "learn:dashboard"),
    Page("outline", "learn:outline", lambda c: [c.course_slug]),
    Page("session 1", "learn:session", lambda c: [c.course_slug, 1]),
    Page("lesson", "learn:lesson", lambda c: [c.course_slug, 1, c.lesson_slug]),
    Page("worksheet", "portfolios:worksheet", lambda c: [c.course_slug, c.worksheet_slug]),
    Page("autosave (POST)", "portfolios:autosave_answer", lambda c: [c.course_slug, c.text_prompt_ids[0]], "POST"),
    Page("portfolio", "portfolios:portfolio", lambda c: [c.course_slug]),
    Page("gallery list", "gallery:list", lambda c: [c.course_slug]),
    Page("gallery entry", "gallery:entry", lambda c: [c.course_slug, c.entry_pk]),
    Page("My badges", "badges:mine"),
    Page("public badge page", "badges:award", lambda c: [c.award_uuid]),
    Page("course dashboard (staff)", "studio:dashboard", lambda c: [c.course_slug], as_staff=True),
]
BASELINE = PAGES[0].label
# The bar: at least 10% of the bare view's req/s, and p95 under 100 ms at 16 connections.
TARGET_SHARE, TARGET_P95_MS, TARGET_CONNECTIONS = 0.10, 100.0, 16
# The completing request for the badge latency; courses.services.complete_lesson when it is missing.
COMPLETE_URL_NAME = "learn:complete"


@dataclass
class Context:
    course_slug: str = COURSE_SLUG
    lesson_slug: str = ""
    worksheet_slug: str = ""
    text_prompt_ids: list = field(default_factory=list)
    entry_pk: int | None = None
    entry_comments: int = 0
    award_uuid: str = ""
    learner = None
    cookie: str = ""
    # The course's instructor (in the instructors group, not a superuser) for the staff pages.
    staff = None
    staff_cookie: str = ""
    csrf: str = ""
    # Autosave: (user, session cookie) of learners without a portfolio; each wrk request saves
    # a different (learner, prompt) answer for the first time, so every save succeeds.
    savers: list = field(default_factory=list)
    session_keys: list = field(default_factory=list)


@dataclass
class Row:
    label: str
    rps: float | None = None
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    queries: int | None = None
    note: str = ""


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# --- environment and setup --------------------------------------------------------------------


def production_env() -> dict:
    """The settings a production deploy would have, on loopback over plain HTTP."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        DJANGO_DEBUG="0",
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or "bench-only-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        CSRF_TRUSTED_ORIGINS="http://127.0.0.1,http://localhost",
        # Plain HTTP on loopback: no redirect to https (a proxy terminates TLS in production).
        SECURE_SSL_REDIRECT="0",
        MEDIA_ROOT=str(DATA / "media"),
        LOG_LEVEL=env.get("LOG_LEVEL", "WARNING"),
        # One prefix per database: cached values name rows by id, and an SQLite run and a
        # PostgreSQL run share this machine's Redis.
        CACHE_KEY_PREFIX="atelier-bench-" + ("postgres" if env.get("DATABASE_URL") else "sqlite"),
        GUNICORN_MAX_REQUESTS="0",
        PYTHONUNBUFFERED="1",
    )
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = env.get("BENCH_SQLITE_PATH") or str(DATA / "bench.sqlite3")
    return env


def manage(env: dict, *args: str) -> float:
    started = time.monotonic()
    print(f"$ manage.py {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


def seed(learners: int) -> float:
    """bench/seed.py in this process (Django is set up by now); returns the seconds it took."""
    from bench.seed import Command  # imports every app's models: only after django.setup()

    started = time.monotonic()
    print(f"$ bench/seed.py --learners {learners}", flush=True)
    call_command(Command(), "--learners", str(learners))
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return proc
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"gunicorn did not answer on port {port}:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- data the pages need ----------------------------------------------------------------------


def make_session(user) -> str:
    """A logged-in session written straight into the session store, as login() would."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def build_context() -> Context:
    from badges.models import Award
    from bench.seed import bench_learners
    from courses.models import Lesson
    from gallery.models import Entry
    from portfolios.models import Portfolio, Prompt, Worksheet

    ctx = Context()
    ctx.learner = bench_learners().get(username="bench-1")
    ctx.lesson_slug = Lesson.objects.filter(session__course__slug=COURSE_SLUG, session__number=1).order_by("order", "pk")[0].slug
    worksheet = Worksheet.objects.filter(course__slug=COURSE_SLUG).order_by("lesson__session__number", "lesson__order").first()
    ctx.worksheet_slug = worksheet.slug if worksheet else ""
    ctx.text_prompt_ids = list(
        Prompt.objects.filter(worksheet__course__slug=COURSE_SLUG, kind__in=["short_text", "long_text"])
        .order_by("worksheet", "order").values_list("pk", flat=True)
    )
    # A busy entry, not the extreme: the one at the 95th percentile of comment counts.
    entries = Entry.objects.filter(course__slug=COURSE_SLUG, is_published=True).order_by("-comment_count", "pk")
    entry = entries[entries.count() // 20] if entries.exists() else None
    if entry:
        ctx.entry_pk, ctx.entry_comments = entry.pk, entry.comment_count
    award = Award.objects.filter(recipient=ctx.learner).order_by("awarded_at").first()
    ctx.award_uuid = str(award.uuid) if award else ""
    ctx.csrf = secrets.token_hex(16)  # a 32-character secret: Django accepts it unmasked
    key = make_session(ctx.learner)
    ctx.session_keys.append(key)
    ctx.cookie = f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={ctx.csrf}"
    ctx.staff = bench_instructor()
    key = make_session(ctx.staff)
    ctx.session_keys.append(key)
    ctx.staff_cookie = f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={ctx.csrf}"
    with_portfolio = Portfolio.objects.values("enrollment__user_id")
    for user in bench_learners().exclude(pk__in=with_portfolio).order_by("pk")[:300]:
        key = make_session(user)
        ctx.session_keys.append(key)
        ctx.savers.append((user, f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={ctx.csrf}"))
    return ctx


# Not "bench-…": bench/seed.py counts (and --reset deletes) those as learners.
BENCH_INSTRUCTOR = "studio-bench-instructor"


def bench_instructor():
    """The course's instructor for the staff pages: in the `instructors` group, named on the course."""
    from accounts.groups import sync_instructors_group
    from accounts.models import User
    from courses.models import Course, StaffMember

    user, _ = User.objects.get_or_create(
        username=BENCH_INSTRUCTOR, defaults={"email": f"{BENCH_INSTRUCTOR}@atelier.test", "is_staff": True, "display_name": "Bench Instructor"}
    )
    user.groups.add(sync_instructors_group())
    StaffMember.objects.get_or_create(
        course=Course.objects.get(slug=COURSE_SLUG), user=user, defaults={"name": "Bench Instructor", "role": StaffMember.Role.INSTRUCTOR}
    )
    return user


def autosave_requests(ctx: Context, path: Path) -> int:
    """One line per (learner, text prompt): a first save (version 0) that the server accepts."""
    lines = []
    for user, cookie in ctx.savers[1:]:  # the first saver is kept for the in-process query count
        for prompt_id in ctx.text_prompt_ids:
            url = reverse("portfolios:autosave_answer", args=[COURSE_SLUG, prompt_id])
            body = urlencode({f"prompt_{prompt_id}": f"Autosaved by {user.username} during make bench.",
                              f"version_{prompt_id}": "0"})
            lines.append(f"{url}\t{cookie}\t{ctx.csrf}\t{body}")
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def cleanup(ctx: Context) -> None:
    """Undo what the run wrote: the savers' portfolios, the sessions and the bench instructor."""
    from django.contrib.sessions.models import Session

    from accounts.models import User
    from courses.models import StaffMember
    from portfolios.models import Portfolio

    Portfolio.objects.filter(enrollment__user__in=[u for u, _ in ctx.savers]).delete()
    Session.objects.filter(session_key__in=ctx.session_keys).delete()
    StaffMember.objects.filter(user__username=BENCH_INSTRUCTOR).delete()  # else the course page would name it
    User.objects.filter(username=BENCH_INSTRUCTOR).delete()


# --- measuring ----------------------------------------------------------------------------------


def count_queries(page: Page, url: str, ctx: Context) -> tuple[int, int]:
    """Queries for one request in steady state (second request), through the test client."""
    client = Client()
    if page.method == "POST":
        user = ctx.savers[0][0]
        client.force_login(user)
        prompt_id = ctx.text_prompt_ids[0]
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, {f"prompt_{prompt_id}": "First save.", f"version_{prompt_id}": "0"})
        return response.status_code, len(captured)
    client.force_login(ctx.staff if page.as_staff else ctx.learner)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured)


def http_status(base: str, url: str, cookie: str) -> int:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(base + url, headers={"Cookie": cookie})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def run_wrk(base: str, url: str, ctx: Context, requests_file: Path | None, connections: int | None = None, cookie: str = "") -> dict:
    duration = env_int("BENCH_DURATION", 8)
    threads = env_int("BENCH_THREADS", 2)
    connections = connections or env_int("BENCH_CONNECTIONS", 16)
    env = {**os.environ, "BENCH_WRK_THREADS": str(threads), "BENCH_REQUESTS_FILE": str(requests_file or "")}
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "-s", str(ROOT / "bench" / "wrk_report.lua"), "-H", f"Cookie: {cookie or ctx.cookie}", base + url]
    output = subprocess.run(command, env=env, capture_output=True, text=True, timeout=duration + 60).stdout
    match = re.search(r"^BENCH_JSON (.*)$", output, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk gave no figures:\n{output}")
    figures = json.loads(match.group(1))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1_000_000)
    settle(base)
    return figures


def settle(base: str, limit: float = 60.0) -> None:
    """Wait until gunicorn has worked off what the last run left queued: wrk stops sending at
    its deadline, but the requests it had sent are still served, and a slow page's backlog
    (the staff dashboard's) would otherwise be measured as the next page's latency."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        http_status(base, reverse("core:bench_bare"), "")
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.2)


def measure_pages(base: str, ctx: Context, tmp: Path) -> list[Row]:
    only = {label.strip().lower() for label in os.environ.get("BENCH_PAGES", "").split(",") if label.strip()}
    rows = []
    for page in PAGES:
        if only and page.label.lower() not in only and page.label != BASELINE:
            continue
        try:
            url = reverse(page.url_name, args=page.args(ctx))
        except NoReverseMatch:
            rows.append(Row(page.label, note="not available (URL missing)"))
            continue
        except (IndexError, TypeError, ValueError):
            rows.append(Row(page.label, note="not available (no data for its arguments)"))
            continue
        print(f"  {page.label:<24} {page.method} {url}", flush=True)
        status, queries = count_queries(page, url, ctx)
        row = Row(page.label, queries=queries)
        requests_file = None
        if page.method == "POST":
            requests_file = tmp / "autosave.tsv"
            autosave_requests(ctx, requests_file)
        elif (live := http_status(base, url, ctx.staff_cookie if page.as_staff else ctx.cookie)) != 200:
            row.note = f"HTTP {live} under gunicorn (expected 200)"
        if status != 200:
            row.note = (row.note + "; " if row.note else "") + f"HTTP {status} in-process"
        figures = run_wrk(base, url, ctx, requests_file, cookie=ctx.staff_cookie if page.as_staff else "")
        row.rps, row.p50, row.p95, row.p99 = figures["rps"], figures["p50"] / 1000, figures["p95"] / 1000, figures["p99"] / 1000
        errors = sum(figures[k] for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts"))
        if errors:
            row.note = (row.note + "; " if row.note else "") + f"{errors} of {figures['requests']} failed (non-2xx/3xx or socket)"
        if page.label == "gallery entry":
            row.note = (row.note + "; " if row.note else "") + f"{ctx.entry_comments} comments"
        rows.append(row)
    return rows


def pdf_render_time(env: dict) -> str:
    script = ROOT / "bench" / "pdf_render.py"
    if not script.exists():
        return "not available (bench/pdf_render.py missing: portfolio PDF not merged yet)"
    result = subprocess.run([sys.executable, "-m", "bench.pdf_render", "--runs", "7"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0 or not lines:
        return f"failed (exit {result.returncode}): {(result.stderr or result.stdout).strip().splitlines()[-1:]}"
    return lines[-1]


def badge_latency(env: dict, base: str, tmp: Path) -> str:
    """Seconds from the completing request to the Award row, with a real worker; p50/p95."""
    if not env.get("REDIS_URL"):
        return "not available (REDIS_URL is not set: no real Celery worker to time)"
    from accounts.models import User
    from badges.models import Award, BadgeClass
    from courses.models import Course, Enrollment, Lesson, LessonCompletion, recompute_enrollment_progress
    from courses.services import complete_lesson

    badge = BadgeClass.objects.filter(course__slug=COURSE_SLUG, rule="session_completed", rule_param=1).first()
    if badge is None:
        return "not available (no session 1 badge)"
    course = Course.objects.get(slug=COURSE_SLUG)
    lessons = list(Lesson.objects.filter(session__course=course, session__number=1, is_required=True).order_by("order", "pk"))
    last = lessons[-1]
    try:
        complete_url = reverse(COMPLETE_URL_NAME, args=[COURSE_SLUG, 1, last.slug])
    except NoReverseMatch:
        complete_url = None
    log = tmp / "celery.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning", "-c", "2",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"bench-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    stamp = int(time.time())
    users = []
    try:
        from config.celery import app

        deadline = time.monotonic() + 40
        while not app.control.ping(timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                return f"not available (Celery worker did not start: {log.read_text()[-300:]})"
        offering = course.offerings.filter(mode="adaptive").order_by("pk").first()
        samples = []
        for i in range(env_int("BENCH_BADGE_SAMPLES", 20)):
            user = User.objects.create(username=f"latency-{stamp}-{i}", email=f"latency-{stamp}-{i}@atelier.test",
                                       display_name=f"Latency {i}", country="AU")  # the course is not offered everywhere
            users.append(user)
            enrollment = Enrollment.objects.create(user=user, course=course, offering=offering)
            LessonCompletion.objects.bulk_create([LessonCompletion(enrollment=enrollment, lesson=lesson) for lesson in lessons[:-1]])
            recompute_enrollment_progress(enrollment.pk)
            started = time.monotonic()
            if complete_url:
                key = make_session(user)
                request = urllib.request.Request(
                    base + complete_url, data=b"", method="POST",
                    headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}=" + "c" * 32,
                             "X-CSRFToken": "c" * 32},
                )
                try:
                    urllib.request.build_opener().open(request, timeout=10).close()
                except urllib.error.HTTPError as error:
                    if error.code >= 400:
                        return f"not available (the completion URL answered HTTP {error.code})"
            else:
                complete_lesson(enrollment, last)  # outside a transaction: enqueues at once
            while not Award.objects.filter(badge=badge, recipient=user).exists():
                if time.monotonic() - started > 10:
                    return ("not available (no award 10 s after completing session 1: are the badge rules merged? "
                            f"completed via {'HTTP ' + complete_url if complete_url else 'courses.services.complete_lesson'})")
                time.sleep(0.02)
            samples.append(time.monotonic() - started)
        samples.sort()
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        how = "POST " + complete_url if complete_url else "courses.services.complete_lesson"
        return (f"p50 {statistics.median(samples) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {samples[-1] * 1000:.0f} ms "
                f"over {len(samples)} learners (from the start of {how} to the Award row)")
    finally:
        stop(worker)
        for user in users:
            user.delete()


# --- output ---------------------------------------------------------------------------------------


# Many more connections than threads: every request is still answered, none waits over a second.
OVERLOAD_CONNECTIONS, OVERLOAD_MAX_MS = 64, 1000.0
OVERLOAD_PAGES = ("course page", "lesson", "worksheet", "gallery entry")


def measure_overload(base: str, ctx: Context) -> list[dict]:
    """The key pages again at BENCH_OVERLOAD_CONNECTIONS (64): throughput, tail and the slowest request."""
    connections = env_int("BENCH_OVERLOAD_CONNECTIONS", OVERLOAD_CONNECTIONS)
    rows = []
    for page in PAGES:
        if page.label not in OVERLOAD_PAGES:
            continue
        try:
            url = reverse(page.url_name, args=page.args(ctx))
        except (NoReverseMatch, IndexError, TypeError, ValueError):
            continue
        print(f"  {page.label:<24} at {connections} connections", flush=True)
        figures = run_wrk(base, url, ctx, None, connections=connections)
        figures["errors"] = sum(figures[k] for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts"))
        rows.append({"label": page.label, "connections": connections, **figures})
    return rows


def overload_table(rows: list[dict]) -> str:
    lines = [
        "| page | connections | req/s | p95 ms | p99 ms | max ms | failed | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        met = "met" if r["max"] / 1000 < OVERLOAD_MAX_MS and not r["errors"] else "missed"
        lines.append(f"| {r['label']} | {r['connections']} | {fmt(r['rps'], 0)} | {fmt(r['p95'] / 1000)} | "
                     f"{fmt(r['p99'] / 1000)} | {fmt(r['max'] / 1000)} | {r['errors']} | {met} |")
    return "\n".join(lines)


def fmt(value, digits=1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def table(rows: list[Row], connections: int = TARGET_CONNECTIONS) -> str:
    judge_p95 = connections <= TARGET_CONNECTIONS
    baseline = next((r.rps for r in rows if r.label == BASELINE and r.rps), None)
    lines = [
        "| page | req/s | p50 ms | p95 ms | p99 ms | queries | × baseline | target | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        ratio = f"{r.rps / baseline:.0%}" if (r.rps and baseline) else "—"
        queries = "—" if r.queries is None else str(r.queries)
        lines.append(f"| {r.label} | {fmt(r.rps, 0)} | {fmt(r.p50)} | {fmt(r.p95)} | {fmt(r.p99)} | {queries} | {ratio} "
                     f"| {meets_target(r, baseline, judge_p95=judge_p95)} | {r.note} |")
    return "\n".join(lines)


def meets_target(row: Row, baseline: float | None, *, judge_p95: bool = True) -> str:
    """A key page meets the bar with at least 10% of the baseline's req/s and, when judged (at 16
    connections or fewer, where the bar is set), a p95 under 100 ms. With more connections the
    latency mostly measures the queue in front of the workers, so only the share counts."""
    if row.label == BASELINE or not (row.rps and baseline and row.p95 is not None):
        return ""
    fast_enough = row.p95 < TARGET_P95_MS or not judge_p95
    return "met" if row.rps >= TARGET_SHARE * baseline and fast_enough else "missed"


def git_revision() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed: `apt-get install -y wrk` (make bench does this).", file=sys.stderr)
        return 2
    started = time.monotonic()
    DATA.mkdir(parents=True, exist_ok=True)
    env = production_env()
    os.environ.update(env)
    learners = env_int("BENCH_LEARNERS", 10000)
    database = "PostgreSQL" if env.get("DATABASE_URL") else f"SQLite ({env['SQLITE_PATH']})"
    print(f"make bench: {learners} learners on {database}; REDIS_URL {'set' if env.get('REDIS_URL') else 'unset'}", flush=True)

    timings = {
        "collectstatic": manage(env, "collectstatic", "--noinput", "--verbosity", "0"),
        "migrate": manage(env, "migrate", "--noinput", "--verbosity", "0"),
    }
    sys.path.insert(0, str(ROOT))
    django.setup()
    timings["seed"] = seed(learners)
    ctx = build_context()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="atelier-bench-"))
    server = start_gunicorn(env, port, tmp / "gunicorn.log")
    try:
        print(f"gunicorn on {base} (log {tmp / 'gunicorn.log'}); wrk per page:", flush=True)
        rows = measure_pages(base, ctx, tmp)
        overload = measure_overload(base, ctx)
        print("portfolio PDF render time …", flush=True)
        pdf = pdf_render_time(env)
        print("lesson completion → badge latency …", flush=True)
        badge = badge_latency(env, base, tmp)
    finally:
        stop(server)
        cleanup(ctx)
    total = time.monotonic() - started

    # UTC: django.setup() sets TZ to the site's TIME_ZONE, which made earlier headings Sydney time without saying so.
    heading = (f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {learners:,} learners, {database.split(' ')[0]}, "
               f"Redis {'on' if env.get('REDIS_URL') else 'off'}, commit {git_revision()}")
    settings_line = (f"wrk {env_int('BENCH_THREADS', 2)} threads × {env_int('BENCH_CONNECTIONS', 16)} connections × "
                     f"{env_int('BENCH_DURATION', 8)} s per page; gunicorn config/gunicorn.py; "
                     f"{os.cpu_count()} CPUs. Queries: one request in-process after a warm-up request.")
    report = "\n".join([
        heading, "", settings_line, "", table(rows, env_int("BENCH_CONNECTIONS", 16)), "",
        f"Under load, {OVERLOAD_CONNECTIONS} connections (the bar: every request answered, none over {OVERLOAD_MAX_MS:,.0f} ms):",
        "", overload_table(overload), "",
        f"- Portfolio PDF: {pdf}",
        f"- Lesson completion → badge visible: {badge}",
        f"- Setup: collectstatic {timings['collectstatic']:.0f} s, migrate {timings['migrate']:.0f} s, "
        f"seed {timings['seed']:.0f} s; whole run {total:.0f} s",
        "",
    ])
    print("\n" + report)
    results = Path(os.environ.get("BENCH_RESULTS") or ROOT / "bench" / "results.md")
    if not results.exists():
        results.write_text("# make bench results\n\nEach run appends a dated section (newest last).\n\n")
    with results.open("a") as out:
        out.write(report + "\n")
    print(f"Appended to {results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
