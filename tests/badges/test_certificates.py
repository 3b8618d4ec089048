"""The certificate of completion: issued when the course is complete, a signed credential of its own,
a PDF with a QR code to its public page, revoked through its status list."""

import io
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from badges import credentials
from badges.models import BadgeClass, Certificate
from badges.services import certificate_pdf_bytes, issue_certificate_if_complete, revoke_award, revoke_certificate
from courses.models import Enrollment, LearningOutcome, Lesson, LessonCompletion
from courses.tasks import recompute_progress
from tests.badges.test_credentials import SITE, _get_json, data_integrity_verifies, jwt_payload, status_is_set


def complete_course(enrollment, django_capture_on_commit_callbacks) -> None:
    """Every lesson done, then the progress job and what it triggers (badges, the certificate, its PDF)."""
    LessonCompletion.objects.bulk_create(
        [LessonCompletion(enrollment=enrollment, lesson=lesson) for lesson in Lesson.objects.filter(session__course=enrollment.course)],
        ignore_conflicts=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        recompute_progress(enrollment.pk)


@pytest.fixture
def completed(enrollment, course, make_badge, django_capture_on_commit_callbacks):
    LearningOutcome.objects.create(course=course, order=9, text="Measure what works.")
    make_badge(course, rule=BadgeClass.Rule.COURSE_COMPLETED, name="Course complete", slug="course-complete")
    complete_course(enrollment, django_capture_on_commit_callbacks)
    return Certificate.objects.get(enrollment=enrollment)


def test_completing_the_course_issues_one_certificate_linked_to_the_completion_badge(
    completed, learner, course, django_capture_on_commit_callbacks, enrollment
):
    credential = completed.credential

    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["name"] == f"Certificate of completion: {course.title}"
    assert [a["targetName"] for a in achievement["alignment"]][-1] == "Measure what works."
    assert {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Lee Learner"} in credential[
        "credentialSubject"
    ]["identifier"]
    completion = learner.awards.get(badge__slug="course-complete")
    assert credential["evidence"][0]["id"] == completion.credential["id"]
    assert credential["credentialStatus"]["statusListCredential"] == f"{SITE}/badges/status/certificates.json"
    assert completed.hours == sum(course.sessions.values_list("estimated_hours", flat=True))
    complete_course(enrollment, django_capture_on_commit_callbacks)
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_the_certificate_credential_verifies_as_data_integrity_and_jwt(client, completed):
    credential = _get_json(client, f"{SITE}/c/{completed.code}/credential.json")

    assert credential == completed.credential
    assert data_integrity_verifies(client, credential)
    assert jwt_payload(client, completed.credential_jwt)["jti"] == credential["id"]
    assert not status_is_set(client, credential)


def test_the_certificate_pdf_shows_who_what_when_and_how_to_verify(client, completed, course):
    response = client.get(f"/c/{completed.code}/certificate.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(data))
    assert not reader.is_encrypted
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    short_url = f"127.0.0.1:8000/c/{completed.code}/"
    for words in ("Lee Learner", course.title, "Measure what works.", f"{completed.hours} hours", short_url, completed.code):
        assert words in text, words
    assert timezone.localdate(completed.enrollment.completed_at, completed.enrollment.user.zone).strftime("%-d %B %Y") in text
    # The signed credential travels inside the PDF, and verifies.
    attached = json.loads(reader.attachments["certificate-credential.json"][0])
    assert attached == completed.credential
    assert data_integrity_verifies(client, attached)



@pytest.mark.parametrize(("zone", "day"), [("Pacific/Kiritimati", "2 March 2026"), ("Pacific/Pago_Pago", "1 March 2026")])
def test_the_certificate_gives_the_learners_own_calendar_day_on_its_page_and_pdf(client, completed, zone, day):
    """Completed at 12:00 UTC: 2 March for a learner at UTC+14, 1 March at UTC-11, whoever looks
    (the page) and wherever it is rendered (the PDF, in a worker on the site's zone)."""
    enrollment = completed.enrollment
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    type(enrollment.user).objects.filter(pk=enrollment.user_id).update(time_zone=zone)

    assert f"– {day}, about" in client.get(f"/c/{completed.code}/").content.decode()
    certificate = Certificate.objects.select_related("enrollment__course", "enrollment__user").get(pk=completed.pk)
    text = " ".join(PdfReader(io.BytesIO(certificate_pdf_bytes(certificate))).pages[0].extract_text().split())
    assert f"– {day} ·" in text

def test_the_certificate_pdf_can_be_merged_into_another_document(client, completed):
    data = b"".join(client.get(f"/c/{completed.code}/certificate.pdf").streaming_content)
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.append(PdfReader(io.BytesIO(data)))
    merged = io.BytesIO()
    writer.write(merged)

    assert len(PdfReader(merged).pages) == 2


def test_the_public_page_shows_the_signature_check_the_status_and_what_it_stands_for(client, completed, course):
    html = client.get(f"/c/{completed.code}/").content.decode()

    assert "Verified: this credential is genuine and valid" in html
    assert "Signature: passed." in html and "Status: passed." in html
    assert "Lee Learner completed" in html
    assert "Measure what works." in html
    assert f'href="/c/{completed.code}/certificate.pdf"' in html


def test_a_revoked_certificate_says_so_on_its_page_and_in_its_status_list(client, completed):
    revoke_certificate(completed, "Completed by someone else.")

    html = client.get(f"/c/{completed.code}/").content.decode()

    assert "Revoked: this credential is no longer valid" in html
    assert "Completed by someone else." in html
    assert status_is_set(client, completed.credential)
    assert credentials.verify(completed.credential_jwt).is_revoked


def test_revoking_the_completion_badge_leaves_the_certificate_alone(client, completed, learner):
    revoke_award(learner.awards.get(badge__slug="course-complete"), "Wrong badge.")

    assert not status_is_set(client, completed.credential)


def test_an_incomplete_course_has_no_certificate(enrollment, course, django_capture_on_commit_callbacks):
    first = Lesson.objects.filter(session__course=course).first()
    LessonCompletion.objects.create(enrollment=enrollment, lesson=first)
    with django_capture_on_commit_callbacks(execute=True):
        recompute_progress(enrollment.pk)

    assert not Certificate.objects.exists()



def test_a_learner_who_finished_then_withdrew_gets_no_certificate_from_a_late_job(enrollment):
    """The certificate job was lost or late (reconcile_awards runs it again) and the learner
    withdrew meanwhile: their completion date stays, but no certificate is issued."""
    enrollment.status, enrollment.completed_at = Enrollment.Status.WITHDRAWN, timezone.now()
    enrollment.save(update_fields=["status", "completed_at"])

    assert issue_certificate_if_complete(enrollment.user_id, enrollment.course_id) is None
    assert not Certificate.objects.exists()

def test_my_badges_links_the_certificate(enrolled_client, completed):
    html = enrolled_client.get("/badges/").content.decode()

    assert f'href="/c/{completed.code}/certificate.pdf"' in html


def test_the_certificate_pdf_renders_on_the_pdf_queue(settings):
    assert settings.CELERY_TASK_ROUTES["badges.tasks.render_certificate_pdf"] == {"queue": "pdf"}


def test_an_unknown_certificate_code_is_a_404(client, db):
    assert client.get("/c/nothing1234/").status_code == 404



def test_the_learner_can_add_the_certificate_to_linkedin_with_the_certification_fields(enrolled_client, completed, course):
    html = enrolled_client.get(f"/c/{completed.code}/").content.decode()

    start = html.index("https://www.linkedin.com/profile/add?")
    params = {k: v[0] for k, v in parse_qs(urlsplit(html[start : html.index('"', start)].replace("&amp;", "&")).query).items()}
    assert params["name"] == f"Certificate of completion: {course.title}"
    assert params["organizationName"] == "Atelier"
    assert params["certId"] == completed.code
    assert params["certUrl"] == f"{SITE}/c/{completed.code}/"
    assert {"issueYear", "issueMonth"} <= params.keys()
    # A visitor is not offered the learner's LinkedIn button.
    assert "linkedin.com" not in Client().get(f"/c/{completed.code}/").content.decode()
