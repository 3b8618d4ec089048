"""One small, complete world for the security tests: every kind of object, owned by learner A.

Built from the real services (enrol, answer, submit, publish, comment, award) so the objects
are exactly what the views see in production.
"""

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image

from accounts.models import Notification
from accounts.services import notify
from badges.models import Award, BadgeClass, Certificate
from badges.services import award_badge, issue_certificate_if_complete, render_certificate_pdf, revoke_award
from courses.models import Course, Enrollment, Lesson, LessonCaption, StaffMember
from gallery import services as gallery_services
from gallery.models import Comment, Entry
from portfolios.models import Answer, Portfolio, Prompt, Worksheet
from portfolios.services import get_or_create_portfolio, submit_worksheet
from tests import factories

SUMMARY = "A plan that links illustrators with three micro-influencers who review art supplies. " * 3
EVALUATION = "Interviews showed followers value process over polish, so the plan leads with process videos. " * 5
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size=(32, 24), color=(200, 80, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class World:
    course: Course
    other_course: Course
    a: object
    b: object
    c: object
    instructor: object
    admin: object
    enrollment_a: Enrollment
    portfolio_a: Portfolio
    worksheet: Worksheet
    prompt_text: Prompt
    prompt_image: Prompt
    foreign_prompt: Prompt
    answer_image: Answer
    entry: Entry
    comment: Comment
    badge: BadgeClass
    award: Award
    private_award: Award
    revoked_award: Award
    video_lesson: Lesson
    document_lesson: Lesson
    notification: Notification
    certificate: Certificate

    def users(self) -> dict:
        return {
            "anonymous": None,
            "not_enrolled": self.c,
            "enrolled_owner": self.a,
            "other_enrolled": self.b,
            "instructor": self.instructor,
            "admin": self.admin,
        }


def _badge(course, slug: str, name: str) -> BadgeClass:
    badge = BadgeClass(
        course=course, slug=slug, name=name, description=f"Recognises {name}.", criteria="Do the work.",
        rule=BadgeClass.Rule.MANUAL,
    )
    badge.image.save("badge.png", ContentFile(factories.badge_png("#1f4e79", "1")), save=False)
    badge.save()
    return badge


def build_world() -> World:
    course = factories.make_course(slug="micro-influence", sessions=3, lessons_per_session=4)
    factories.make_offering(course)
    other_course = factories.make_course(slug="other-course", sessions=1, lessons_per_session=4)
    factories.make_offering(other_course)

    a = factories.make_user(email="a@example.com", display_name="Ada Owner", country="AU")
    b = factories.make_user(email="b@example.com", display_name="Ben Peer", country="NZ")
    c = factories.make_user(email="c@example.com", display_name="Cy Outsider", country="GB")
    instructor = factories.make_instructor(email="instructor@example.com", display_name="Ines Instructor")
    StaffMember.objects.create(course=course, name="Ines Instructor", role=StaffMember.Role.INSTRUCTOR, user=instructor)
    admin = factories.make_user(email="admin@example.com", is_staff=True, is_superuser=True)

    enrollment_a = factories.enroll(a, course)
    enrollment_b = factories.enroll(b, course)
    enrollment_c = factories.enroll(c, other_course)  # C is a learner, just not in this course

    # A worksheet-kind lesson with a worksheet and prompts; another course's prompt for foreign-id probes.
    lesson = Lesson.objects.get(session__course=course, session__number=1, order=4)
    lesson.kind = Lesson.Kind.WORKSHEET
    lesson.save(update_fields=["kind"])
    worksheet = Worksheet.objects.create(course=course, lesson=lesson, slug="audience", title="Your audience", step=1)
    prompt_text = Prompt.objects.create(worksheet=worksheet, order=1, kind=Prompt.Kind.LONG_TEXT, label="Who?", required=True)
    prompt_image = Prompt.objects.create(worksheet=worksheet, order=2, kind=Prompt.Kind.IMAGE, label="Mood board")
    other_lesson = Lesson.objects.get(session__course=other_course, session__number=1, order=4)
    other_ws = Worksheet.objects.create(course=other_course, lesson=other_lesson, slug="audience", title="Theirs", step=1)
    foreign_prompt = Prompt.objects.create(worksheet=other_ws, order=1, kind=Prompt.Kind.SHORT_TEXT, label="Theirs?")

    portfolio_a = get_or_create_portfolio(enrollment_a)
    portfolio_a.summary = SUMMARY
    portfolio_a.critical_evaluation = EVALUATION
    portfolio_a.pdf.save("a.pdf", ContentFile(PDF_BYTES), save=False)
    portfolio_a.attachment.save("own.pdf", ContentFile(PDF_BYTES), save=False)  # #16.9: A's own portfolio file
    portfolio_a.attachment_name = "own.pdf"
    portfolio_a.pdf_status = Portfolio.PdfStatus.READY
    portfolio_a.save()
    Answer.objects.create(portfolio=portfolio_a, prompt=prompt_text, value="Illustrators in Melbourne.", version=1)
    answer_image = Answer(portfolio=portfolio_a, prompt=prompt_image, version=1)
    answer_image.image.save("board.png", ContentFile(png_bytes()), save=True)
    assert submit_worksheet(enrollment_a, portfolio_a, worksheet) == []
    get_or_create_portfolio(enrollment_b)

    video_lesson = Lesson.objects.get(session__course=course, session__number=1, order=2)
    video_lesson.video_file.save("talk.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64), save=False)
    video_lesson.video_poster.save("still.png", ContentFile(png_bytes()), save=True)
    LessonCaption.objects.create(
        lesson=video_lesson, language="en", label="English",
        file=ContentFile(b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello.\n", name="talk.vtt"),
    )
    document_lesson = Lesson.objects.get(session__course=course, session__number=1, order=3)
    document_lesson.document.save("notes.pdf", ContentFile(PDF_BYTES), save=False)
    document_lesson.document_text = "## Notes\n\nThe ebook's text, as a page."
    document_lesson.save()

    gallery_services.accept_rules(a, course)
    gallery_services.accept_rules(b, course)
    entry = gallery_services.publish_entry(portfolio_a, title="Ada’s network", summary=SUMMARY, critical_evaluation=EVALUATION)
    comment = gallery_services.post_comment(entry, a, "Thanks for reading, all.")

    badge = _badge(course, "foundations", "Foundations")
    award = award_badge(a, badge)
    private_award = award_badge(a, _badge(course, "private-one", "Private one"))
    private_award.set_public(False)
    revoked_award = revoke_award(award_badge(a, _badge(course, "revoked-one", "Revoked one")), "Test of revocation")
    notification = notify(a, Notification.Kind.COMMENT, "Ben commented on your entry", entry.get_absolute_url())
    # C finished the other course: a certificate whose pages anyone with its code may open.
    Enrollment.objects.filter(pk=enrollment_c.pk).update(status=Enrollment.Status.COMPLETED)
    certificate = issue_certificate_if_complete(c.pk, other_course.pk)
    render_certificate_pdf(certificate)
    return World(
        course=course, other_course=other_course, a=a, b=b, c=c, instructor=instructor, admin=admin,
        enrollment_a=enrollment_a, portfolio_a=portfolio_a, worksheet=worksheet, prompt_text=prompt_text,
        prompt_image=prompt_image, foreign_prompt=foreign_prompt, answer_image=answer_image, entry=entry,
        comment=comment, badge=badge, award=award, private_award=private_award, revoked_award=revoked_award,
        video_lesson=video_lesson, document_lesson=document_lesson, notification=notification, certificate=certificate,
    )
