"""Bad input everywhere: generated junk posted to every form and JSON endpoint, and the classic attack files.

For each endpoint: never a 5xx, and a request that is refused (a 4xx, or a form shown again with its
errors) changes nothing — the snapshot of every user-owned row is the same before and after.
Each example runs inside a savepoint that is rolled back, so examples do not see each other's writes.
"""

import io
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from accounts.models import Notification
from badges.models import Award, BadgeClass
from courses.models import Enrollment, LessonCompletion
from gallery.models import Comment, Entry, Report
from portfolios.models import Answer, Portfolio, WorksheetSubmission
from tests.security.world import build_world, png_bytes

HYPOTHESIS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text with control characters, unicode oddities (RTL, zero-width, astral, surrogates are excluded by
# the HTTP layer anyway), and a few huge strings.
junk_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=50),
    st.sampled_from(["\u202e\u200b", "𝕏" * 50, "<script>alert(1)</script>", "' OR 1=1 --", "NaN", "-1", "1e400",
                     "99999999999999999999999", "{\"a\": [1, {\"b\": null}]}", "[]", "null", "true"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.just("x" * 60_000),
)


def payloads(fields):
    """A dict of some of the form's fields (missing ones left out) plus stray keys, each a junk value or a list."""
    keys = st.sampled_from(list(fields) + ["unexpected", "csrfmiddlewaretoken", "id"])
    values = st.one_of(junk_text, st.lists(junk_text, max_size=3))
    return st.dictionaries(keys, values, max_size=len(fields) + 2)


def snapshot():
    """Everything a learner-facing POST may change, as plain values."""
    user = get_user_model()
    return {
        "users": sorted(user.objects.values_list("pk", "display_name", "bio", "country", "profile_is_public",
                                                   "wants_gallery_emails", "wants_pace_reminders", "avatar")),
        "enrollments": sorted(Enrollment.objects.values_list("pk", "status")),
        "completions": LessonCompletion.objects.count(),
        "portfolios": sorted(Portfolio.objects.values_list("pk", "summary", "summary_version", "critical_evaluation",
                                                           "critical_evaluation_version")),
        "answers": sorted((a.pk, repr(a.value), a.version, a.image.name) for a in Answer.objects.all()),
        "submissions": WorksheetSubmission.objects.count(),
        "entries": sorted(Entry.objects.values_list("pk", "title", "summary", "is_published", "is_hidden", "cover")),
        "comments": sorted(Comment.objects.values_list("pk", "body", "is_deleted", "is_hidden", "parent_id")),
        "reports": Report.objects.count(),
        "awards": sorted(Award.objects.values_list("pk", "is_public")),
        "badges": BadgeClass.objects.count(),
        "unread": Notification.objects.filter(read_at__isnull=True).count(),
    }


def _post(client, url, data, **extra):
    """POST inside a rolled-back savepoint; return (response, snapshot before, snapshot after)."""
    with transaction.atomic():
        before = snapshot()
        response = client.post(url, data, **extra)
        after = snapshot()
        transaction.set_rollback(True)
    return response, before, after


def _client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# name: (who posts, url builder, fields, statuses that mean "accepted")
ENDPOINTS = {
    "enroll": ("c", lambda w: reverse("courses:enroll", args=[w.course.slug]), ["offering", "country"], {302}),
    "withdraw": ("b", lambda w: reverse("courses:withdraw", args=[w.course.slug]), [], {302}),
    "profile": ("a", lambda w: reverse("accounts:profile"),
                ["display_name", "country", "bio", "profile_is_public", "wants_gallery_emails", "wants_pace_reminders"], {302}),
    "lesson complete": ("a", lambda w: reverse("learn:complete", args=[w.course.slug, 1, w.video_lesson.slug]), [], {302}),
    "lesson uncomplete": ("a", lambda w: reverse("learn:uncomplete", args=[w.course.slug, 1, w.video_lesson.slug]), [], {302}),
    "worksheet submit": ("a", lambda w: reverse("portfolios:worksheet", args=[w.course.slug, w.worksheet.slug]),
                         ["prompt_1", "version_1", "prompt_2", "version_2", "action"], {302}),
    "answer autosave": ("a", lambda w: reverse("portfolios:autosave_answer", args=[w.course.slug, w.prompt_text.pk]),
                        ["prompt_1", "version_1"], {200}),
    "portfolio texts": ("a", lambda w: reverse("portfolios:portfolio", args=[w.course.slug]),
                        ["summary", "summary_version", "critical_evaluation", "critical_evaluation_version"], {302}),
    "text autosave": ("a", lambda w: reverse("portfolios:autosave_text", args=[w.course.slug, "summary"]),
                      ["summary", "summary_version"], {200}),
    "pdf request": ("a", lambda w: reverse("portfolios:pdf_request", args=[w.course.slug]), [], {302}),
    "publish": ("b", lambda w: reverse("gallery:publish", args=[w.course.slug]),
                ["title", "summary", "critical_evaluation", "accept_rules", "remove_cover"], {302}),
    "unpublish": ("a", lambda w: reverse("gallery:unpublish", args=[w.course.slug]), [], {302}),
    "comment create": ("b", lambda w: reverse("gallery:comment", args=[w.course.slug, w.entry.pk]),
                       ["body", "parent", "accept_rules"], {302}),
    "comment edit": ("a", lambda w: reverse("gallery:comment_edit", args=[w.course.slug, w.entry.pk, w.comment.pk]),
                     ["body"], {302}),
    "comment delete": ("a", lambda w: reverse("gallery:comment_delete", args=[w.course.slug, w.entry.pk, w.comment.pk]),
                       [], {302}),
    "report entry": ("b", lambda w: reverse("gallery:report_entry", args=[w.course.slug, w.entry.pk]), ["reason"], {302}),
    "report comment": ("b", lambda w: reverse("gallery:report_comment", args=[w.course.slug, w.entry.pk, w.comment.pk]),
                       ["reason"], {302}),
    "moderate entry": ("instructor", lambda w: reverse("gallery:moderate_entry", args=[w.course.slug, w.entry.pk]),
                       ["action"], {302}),
    "moderate comment": ("instructor",
                         lambda w: reverse("gallery:moderate_comment", args=[w.course.slug, w.entry.pk, w.comment.pk]),
                         ["action"], {302}),
    "badge visibility": ("a", lambda w: reverse("badges:visibility", args=[w.award.uuid]), ["is_public", "next"], {302}),
    "notifications read": ("a", lambda w: reverse("accounts:notifications_read"), [], {302}),
    "sign-up": (None, lambda w: reverse("account_signup"), ["email", "password1", "password2", "display_name", "country"],
                {302}),
    "log-in": (None, lambda w: reverse("account_login"), ["login", "password", "remember"], {302}),
}


@pytest.fixture
def world(db):
    return build_world()


def _who(world, key):
    return None if key is None else getattr(world, key)


@pytest.mark.parametrize("name", list(ENDPOINTS))
@HYPOTHESIS
@given(data=st.data())
def test_junk_input_is_refused_cleanly_and_writes_nothing(name, world, data):
    who, url, fields, accepted = ENDPOINTS[name]
    # Prompt fields are named by id; map the placeholders onto this world's prompts.
    ids = {"prompt_1": f"prompt_{world.prompt_text.pk}", "version_1": f"version_{world.prompt_text.pk}",
           "prompt_2": f"prompt_{world.prompt_image.pk}", "version_2": f"version_{world.prompt_image.pk}"}
    payload = {ids.get(k, k): v for k, v in data.draw(payloads(fields)).items()}
    response, before, after = _post(_client(_who(world, who)), url(world), payload)
    assert response.status_code < 500, (name, payload)
    if response.status_code not in accepted:
        assert after == before, f"{name}: a refused request ({response.status_code}) changed data"
    if response.status_code == 302:
        assert not response["Location"].startswith(("http://", "https://", "//")), "redirect off-site"


@pytest.mark.parametrize("name", [n for n in ENDPOINTS if n not in ("sign-up", "log-in")])
@HYPOTHESIS
@given(body=st.one_of(st.binary(max_size=300), st.sampled_from([b"{", b"[1,2", b'{"value": {"a": [1, {"b": null}]}}',
                                                                 b"\xff\xfe\x00", b"null"])))
def test_bodies_that_are_not_form_data_get_no_5xx(name, world, body):
    who, url, _, accepted = ENDPOINTS[name]
    response, before, after = _post(_client(_who(world, who)), url(world), body, content_type="application/json")
    assert response.status_code < 500
    if response.status_code not in accepted:
        assert after == before


@pytest.mark.parametrize("name", ["answer autosave", "text autosave", "worksheet submit", "portfolio texts"])
def test_stale_and_bogus_versions_are_refused(name, world):
    who, url, _, _ = ENDPOINTS[name]
    pid = world.prompt_text.pk
    for version in ["-1", "999999", "1.5", "", "abc", "1" * 40]:
        payload = {f"prompt_{pid}": "New", f"version_{pid}": version, "summary": "New summary",
                   "summary_version": version, "critical_evaluation": "x", "critical_evaluation_version": version}
        response, before, after = _post(_client(world.a), url(world), payload)
        assert response.status_code in (400, 409), (version, response.status_code)
        assert after == before, version


def test_ids_that_do_not_exist_are_404(world):
    client = _client(world.a)
    for url in [
        reverse("portfolios:autosave_answer", args=[world.course.slug, 999999]),
        reverse("gallery:comment_edit", args=[world.course.slug, world.entry.pk, 999999]),
        reverse("gallery:comment_delete", args=[world.course.slug, 999999, world.comment.pk]),
        reverse("gallery:report_comment", args=[world.course.slug, world.entry.pk, 999999]),
        reverse("learn:complete", args=[world.course.slug, 1, "no-such-lesson"]),
        reverse("learn:complete", args=[world.course.slug, 2**40, world.video_lesson.slug]),
    ]:
        response, before, after = _post(client, url, {"body": "x", f"version_{world.prompt_text.pk}": "0"})
        assert response.status_code == 404, url
        assert after == before


def test_badge_visibility_never_redirects_off_site(world):
    for target in ["https://evil.example/", "//evil.example/", "\\\\evil.example", "javascript:alert(1)"]:
        response, _, _ = _post(_client(world.a), reverse("badges:visibility", args=[world.award.uuid]),
                               {"is_public": "1", "next": target})
        assert response["Location"] == reverse("badges:mine"), target


# --- the classic attack files ---------------------------------------------------------------------

def _jpeg(exif: bool = False) -> bytes:
    image = Image.new("RGB", (40, 30), (10, 120, 200))
    buffer = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"  # Make
        data[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
        image.save(buffer, "JPEG", exif=data.tobytes())
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, "PNG")  # 144 megapixels in a few KB
    return buffer.getvalue()


NOT_AN_IMAGE = ("not an image we can read", "Please upload a JPEG, PNG, GIF or WebP image",
                "Upload a valid image", "Please upload the badge image as a PNG or JPEG file")
ATTACKS = {
    "php renamed .png": ("shell.png", b"<?php system($_GET['c']); ?>", NOT_AN_IMAGE),
    "html renamed .jpg": ("page.jpg", b"<!doctype html><html><script>alert(document.cookie)</script></html>", NOT_AN_IMAGE),
    "js renamed .png": ("app.png", b"fetch('/admin/').then(r => r.text())", NOT_AN_IMAGE),
    "svg with script": ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', NOT_AN_IMAGE),
    "polyglot gif/js": ("poly.gif", b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00*/=1;alert(1);//" + b"\x00" * 20, NOT_AN_IMAGE),
    "decompression bomb": ("bomb.png", None, ("megapixels", "too large to open safely")),
    "truncated jpeg": ("cut.jpg", None, NOT_AN_IMAGE),
    "26 MB file": ("big.png", png_bytes()[:100] + os.urandom(26 * 1024 * 1024), ("the limit is 25 MB", "Please upload a smaller file")),
}


def _attack_bytes(name):
    filename, content, messages = ATTACKS[name]
    if name == "decompression bomb":
        content = _bomb()
    elif name == "truncated jpeg":
        content = _jpeg()[:200]
    return filename, content, messages


def _upload(world, field, filename, content):
    """POST the file to one upload field; return (response, before, after)."""
    upload = SimpleUploadedFile(filename, content, content_type="image/png")
    if field == "avatar":
        return _post(_client(world.a), reverse("accounts:profile"),
                     {"display_name": "Ada", "country": "AU", "bio": "", "avatar": upload})
    if field == "answer image":
        pid = world.prompt_image.pk
        answer_version = world.answer_image.version
        return _post(_client(world.a), reverse("portfolios:autosave_answer", args=[world.course.slug, pid]),
                     {f"prompt_{pid}": upload, f"alt_{pid}": "A bowl", f"version_{pid}": str(answer_version)})
    if field == "gallery cover":
        return _post(_client(world.a), reverse("gallery:publish", args=[world.course.slug]),
                     {"title": "T", "summary": world.entry.summary, "critical_evaluation": world.entry.critical_evaluation,
                      "cover": upload, "cover_alt": "A bowl"})
    if field == "badge image":
        return _post(_client(world.admin), reverse("admin:badges_badgeclass_add"),
                     {"course": world.course.pk, "name": "New", "slug": "new-badge", "description": "d", "criteria": "c",
                      "order": 5, "is_active": "on", "rule": BadgeClass.Rule.MANUAL, "image": upload})
    raise AssertionError(field)


def _stored_files(root) -> set:
    return {os.path.join(d, f) for d, _, files in os.walk(root) for f in files}


UPLOAD_FIELDS = ["avatar", "answer image", "gallery cover", "badge image"]


@pytest.mark.parametrize("field", UPLOAD_FIELDS)
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_attack_file_is_refused_with_a_clear_message_and_nothing_is_stored(field, attack, world, settings):
    filename, content, messages = _attack_bytes(attack)
    files_before = _stored_files(settings.MEDIA_ROOT)
    response, before, after = _upload(world, field, filename, content)
    assert response.status_code in (200, 400), response.status_code
    text = response.content.decode()
    assert any(m in text for m in messages), f"{field}/{attack}: no clear message in the response"
    assert after == before
    assert _stored_files(settings.MEDIA_ROOT) == files_before


@pytest.mark.parametrize("field", UPLOAD_FIELDS)
def test_exif_jpeg_is_accepted_with_its_metadata_stripped(field, world, settings):
    files_before = _stored_files(settings.MEDIA_ROOT)
    with transaction.atomic():
        response = _upload_committed(world, field, "photo.jpg", _jpeg(exif=True))
        assert response.status_code in (200, 302), response.content[:500]
        new_files = _stored_files(settings.MEDIA_ROOT) - files_before
        assert new_files, "the clean image is stored"
        for path in new_files:
            with Image.open(path) as stored:
                assert not stored.getexif(), path
                assert "exif" not in stored.info
        transaction.set_rollback(True)


def _upload_committed(world, field, filename, content):
    upload = SimpleUploadedFile(filename, content, content_type="image/jpeg")
    if field == "avatar":
        return _client(world.a).post(reverse("accounts:profile"), {"display_name": "Ada", "country": "AU", "avatar": upload})
    if field == "answer image":
        pid = world.prompt_image.pk
        return _client(world.a).post(reverse("portfolios:autosave_answer", args=[world.course.slug, pid]),
                                     {f"prompt_{pid}": upload, f"alt_{pid}": "A bowl",
                                      f"version_{pid}": str(Answer.objects.get(pk=world.answer_image.pk).version)})
    if field == "gallery cover":
        return _client(world.a).post(reverse("gallery:publish", args=[world.course.slug]),
                                     {"title": "T", "summary": world.entry.summary,
                                      "critical_evaluation": world.entry.critical_evaluation, "cover": upload, "cover_alt": "A bowl"})
    return _client(world.admin).post(reverse("admin:badges_badgeclass_add"),
                                     {"course": world.course.pk, "name": "New", "slug": "new-badge", "description": "d",
                                      "criteria": "c", "order": 5, "is_active": "on", "rule": BadgeClass.Rule.MANUAL,
                                      "image": upload})
