"""Production settings pass Django's deployment checks; every response carries the security headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_check_deploy_with_zero_warnings():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "INSECURE_LOCAL_HTTP", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="atelier.example",
        CSRF_TRUSTED_ORIGINS="https://atelier.example",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_pages_send_a_strict_content_security_policy_and_security_headers(client, course):
    response = client.get(course.get_absolute_url())
    csp = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_uploaded_images_are_served_inline_under_a_sandbox(client, db):
    name = default_storage.save("avatars/pic.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"0" * 20))
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")


def test_any_other_upload_is_a_download_never_a_page(client, db):
    name = default_storage.save("avatars/evil.html", ContentFile(b"<script>alert(document.cookie)</script>"))
    response = client.get(f"/media/{name}")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_media_paths_cannot_escape_the_media_folder(client, db):
    assert client.get("/media/../config/settings.py").status_code == 404
    assert client.get("/media/%2e%2e/config/settings.py").status_code == 404


def test_private_files_are_only_served_through_their_checked_views(client, learner, admin_user):
    for name in ["portfolios/abc.pdf", "gallery/pdf/abc.pdf", "lessons/documents/abc.pdf", "lessons/video/abc.mp4",
                 "answers/abc.png", "gallery/abc.jpg", "gallery/snapshots/abc.png"]:
        stored = default_storage.save(name, ContentFile(b"%PDF-1.4 private"))
        client.logout()
        assert client.get(f"/media/{stored}").status_code == 404
        client.force_login(learner)
        assert client.get(f"/media/{stored}").status_code == 404
        client.force_login(admin_user)  # staff open them from the admin
        assert client.get(f"/media/{stored}").status_code == 200


def test_private_files_cannot_be_reached_through_another_spelling_of_their_path(client, learner):
    stored = default_storage.save("lessons/documents/ebook.pdf", ContentFile(b"%PDF-1.4 private"))
    entry_pdf = default_storage.save("gallery/pdf/entry.pdf", ContentFile(b"%PDF-1.4 private"))
    gallery_tail = entry_pdf.removeprefix("gallery/")
    for spelling in [f"./{stored}", f"x/../{stored}", f"%2e/{stored}", f"gallery//{gallery_tail}",
                     stored.replace("/", "//", 1), f"{stored}/.", stored.replace("/", "\\", 1)]:
        client.logout()
        assert client.get(f"/media/{spelling}").status_code == 404, spelling
        client.force_login(learner)
        assert client.get(f"/media/{spelling}").status_code == 404, spelling


def test_bandit_finds_nothing_of_medium_severity_or_above():
    """The code half of `make audit` (pip-audit needs the network, so it stays in the Makefile)."""
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", "accounts", "badges", "config", "core", "courses", "gallery",
         "portfolios", "-x", "*/migrations/*", "-ll"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
