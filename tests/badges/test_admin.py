import io

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Notification
from badges.models import Award, BadgeClass
from tests import factories


def _upload(fmt: str, size: tuple[int, int], name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 80)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def _badge_form(course, image) -> dict:
    return {
        "course": course.pk, "name": "Network Builder", "slug": "network-builder",
        "description": "Audited a network.", "criteria": "Complete session 2.", "order": 2, "is_active": "on",
        "image": image, "rule": BadgeClass.Rule.SESSION_COMPLETED, "rule_param": 2,
    }


def test_admin_turns_a_small_jpeg_into_a_square_png_of_at_least_400_pixels(client, admin_user, course):
    client.force_login(admin_user)

    response = client.post("/admin/badges/badgeclass/add/", _badge_form(course, _upload("JPEG", (120, 80), "b.jpg")))

    assert response.status_code == 302, response.content.decode()[:2000]
    badge = BadgeClass.objects.get(slug="network-builder")
    with badge.image.open("rb") as f:
        image = Image.open(f)
        image.load()
    assert image.format == "PNG"
    assert image.size == (400, 400)
    assert badge.image.name.endswith(".png")


def test_admin_takes_a_large_jpeg_photo_as_a_badge_image(client, admin_user, course):
    """Decoded at a reduced scale for the 1024-pixel badge, so it is not held to the pixel limit of a whole decode."""
    client.force_login(admin_user)

    response = client.post("/admin/badges/badgeclass/add/", _badge_form(course, _upload("JPEG", (6000, 4000), "b.jpg")))

    assert response.status_code == 302, response.content.decode()[:2000]
    with BadgeClass.objects.get(slug="network-builder").image.open("rb") as f:
        assert Image.open(f).size == (1024, 1024)


def test_admin_refuses_a_gif_badge_image_with_a_clear_message(client, admin_user, course):
    client.force_login(admin_user)

    response = client.post("/admin/badges/badgeclass/add/", _badge_form(course, _upload("GIF", (500, 500), "b.gif")))

    assert response.status_code == 200
    assert "Please upload the badge image as a PNG or JPEG file." in response.content.decode()
    assert not BadgeClass.objects.exists()


def test_admin_asks_for_the_session_number_of_a_session_rule(client, admin_user, course):
    client.force_login(admin_user)
    data = _badge_form(course, _upload("PNG", (500, 500), "b.png"))
    data["rule_param"] = ""

    response = client.post("/admin/badges/badgeclass/add/", data)

    assert "This rule needs a number" in response.content.decode()


def test_staff_award_a_badge_by_hand_with_a_reason_and_evidence(
    client, admin_user, learner, session_badge, django_capture_on_commit_callbacks
):
    factories.enroll(learner, session_badge.course)
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/badges/award/add/", {
            "badge": session_badge.pk, "recipient": learner.pk,
            "reason": "Presented at the live session.", "evidence_url": "https://example.com/talk",
        })

    assert response.status_code == 302
    award = Award.objects.get()
    assert (award.recipient, award.awarded_by, award.reason, award.evidence_url) == (
        learner, admin_user, "Presented at the live session.", "https://example.com/talk"
    )
    assert len(award.salt) == 32
    assert Notification.objects.filter(user=learner, kind="badge").count() == 1
    assert len(mail.outbox) == 1


def test_staff_cannot_award_a_course_badge_to_someone_who_never_took_the_course(client, admin_user, learner, session_badge):
    client.force_login(admin_user)
    data = {"badge": session_badge.pk, "recipient": learner.pk, "reason": "Helped at the launch."}

    response = client.post("/admin/badges/award/add/", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"{learner.public_name} has never enrolled in {session_badge.course.title}, so cannot hold its badge." in html
    assert "Helped at the launch." in html  # what was typed is kept
    assert not Award.objects.exists()
    factories.enroll(learner, session_badge.course)
    assert client.post("/admin/badges/award/add/", data).status_code == 302


def test_staff_cannot_award_the_same_badge_twice(client, admin_user, learner, session_badge):
    factories.enroll(learner, session_badge.course)
    client.force_login(admin_user)
    data = {"badge": session_badge.pk, "recipient": learner.pk, "reason": "Workshop."}
    client.post("/admin/badges/award/add/", data)

    response = client.post("/admin/badges/award/add/", data)

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Award.objects.count() == 1


def test_staff_revoke_an_award_with_a_reason(client, admin_user, learner, session_badge):
    from badges.services import award_badge

    award = award_badge(learner, session_badge)
    client.force_login(admin_user)
    url = f"/admin/badges/award/{award.pk}/change/"

    refused = client.post(url, {"is_public": "on", "revoke": "on", "revocation_reason": ""})
    assert "Please give the reason for revoking" in refused.content.decode()

    response = client.post(url, {"is_public": "on", "revoke": "on", "revocation_reason": "Plagiarised work."})

    assert response.status_code == 302
    award.refresh_from_db()
    assert award.is_revoked and award.revoked_by == admin_user and award.revocation_reason == "Plagiarised work."
    assert client.get(f"/badges/assertions/{award.uuid}.json").status_code == 410


def test_an_instructor_sees_only_the_badges_and_awards_of_the_courses_they_teach(client, course, make_badge, learner):
    from courses.models import StaffMember
    from tests import factories

    teacher = factories.make_instructor(email="teacher@example.com", display_name="Tess Teacher")
    StaffMember.objects.create(course=course, name="Tess Teacher", role=StaffMember.Role.INSTRUCTOR, user=teacher)
    other = factories.make_course(slug="another-course", title="Another course")
    mine, theirs = make_badge(course=course, name="Mine badge", slug="mine"), make_badge(course=other, name="Theirs badge", slug="theirs")
    Award.objects.create(badge=mine, recipient=learner)
    Award.objects.create(badge=theirs, recipient=learner)
    client.force_login(teacher)

    badges = client.get("/admin/badges/badgeclass/").content.decode()
    awards = client.get("/admin/badges/award/").content.decode()

    assert "Mine badge" in badges and "Theirs badge" not in badges
    assert "Mine badge" in awards and "Theirs badge" not in awards
    # The other course's badge cannot be opened, nor picked when awarding one by hand.
    assert client.get(f"/admin/badges/badgeclass/{theirs.pk}/change/").status_code == 302
    add_form = client.get("/admin/badges/award/add/").content.decode()
    assert "Theirs badge" not in add_form
