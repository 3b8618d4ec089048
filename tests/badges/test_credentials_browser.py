"""The credential journey in Chromium: a badge's 3.0 credential and baked PNG, then the certificate,
its QR link opened by a visitor, and its revocation."""

import base64
import gzip
import io
import json
import re

import pytest
from pypdf import PdfReader

from badges import credentials
from badges.models import BadgeClass, Certificate
from badges.services import revoke_certificate
from courses.models import Lesson
from tests.badges.test_credentials_independent import VERIFIER, node_verify
from tests.conftest import login_in_browser, screenshot

pytestmark = pytest.mark.browser


def _complete_lessons_in_browser(page, lessons) -> None:
    for lesson in lessons:
        page.goto(lesson.get_absolute_url())
        page.get_by_role("button", name="Mark as complete").click()
        # The last lesson leads to the course's completion page instead of back to the lesson.
        done = page.get_by_role("button", name="Mark as not complete")
        done.or_(page.get_by_role("heading", name="You completed the course")).wait_for()


def _download(page, link_name: str, tmp_path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).first.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_bytes()


def _revoked_in_status_list(page, credential: dict) -> bool:
    entry = credential["credentialStatus"]
    status_list = page.request.get(entry["statusListCredential"]).json()
    encoded = status_list["credentialSubject"]["encodedList"][1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def test_a_learner_takes_credentials_away_and_a_visitor_verifies_the_certificate(
    settings, page, live_server, learner, course, enrollment, session_badge, make_badge, tmp_path, _playwright_browser
):
    settings.SITE_URL = live_server.url
    make_badge(course, rule=BadgeClass.Rule.COURSE_COMPLETED, name="Course complete", slug="course-complete")
    login_in_browser(page, learner.email)

    # Session 1: the badge, its Open Badges 3.0 credential and the 3.0 baked PNG.
    _complete_lessons_in_browser(page, Lesson.objects.filter(session__course=course, session__number=1))
    page.goto("/badges/")
    page.locator("li.earned-badge[data-badge=micro-influence-foundations]").get_by_role("link", name="View and share").click()
    page.get_by_role("heading", level=1, name="Micro-influence Foundations").wait_for()
    screenshot(page, "credentials-award")
    credential = json.loads(_download(page, "Download credential (JSON)", tmp_path))
    baked = _download(page, "Download badge image (PNG)", tmp_path)  # the main button: the 3.0 credential
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert json.loads(credentials.unbake_png(baked)) == credential
    if VERIFIER.exists():
        assert node_verify(live_server, "data-integrity", json.dumps(credential))["verified"]
    assert credentials.verify(credentials.read_presented(baked)).is_valid

    # The rest of the course: the certificate, from My badges.
    _complete_lessons_in_browser(page, Lesson.objects.filter(session__course=course, session__number__gt=1))
    page.goto("/badges/")
    pdf = PdfReader(io.BytesIO(_download(page, "Download the certificate (PDF)", tmp_path)))
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "Lee Learner" in text and course.title in text
    short_url = re.search(r"(localhost:\d+/c/\w+/)", text).group(1)
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert short_url.endswith(f"/c/{certificate.code}/")

    # A visitor (no session) opens the QR code's link.
    visitor = _playwright_browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    try:
        visitor.goto("http://" + short_url)
        verdict = visitor.get_by_role("heading", level=2, name=re.compile("Verified"))
        verdict.wait_for()
        assert "Signature: passed." in visitor.locator(".checks").inner_text()
        screenshot(visitor, "credentials-certificate-verified")
        assert not _revoked_in_status_list(visitor, certificate.credential)

        revoke_certificate(certificate, "Completed by someone else.")

        visitor.reload()
        visitor.get_by_role("heading", level=2, name=re.compile("Revoked")).wait_for()
        assert "Status: failed." in visitor.locator(".checks").inner_text()
        screenshot(visitor, "credentials-certificate-revoked")
        assert _revoked_in_status_list(visitor, certificate.credential)
    finally:
        visitor.context.close()
