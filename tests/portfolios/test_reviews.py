"""Instructors' reviews of submitted worksheets and portfolios (#17.3): the service, the queue,
the review pages, and what the learner sees and is told."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification
from courses.models import StaffMember
from portfolios.models import Answer, Review, WorksheetSubmission
from portfolios.services import get_or_create_portfolio, review_portfolio, review_worksheet, submit_worksheet
from portfolios.studio import review_queue
from tests import factories


@pytest.fixture
def teacher(instructor, course):
    StaffMember.objects.create(course=course, name=instructor.public_name, role=StaffMember.Role.INSTRUCTOR, user=instructor)
    return instructor


def hand_in(enrollment, worksheet, prompts) -> WorksheetSubmission:
    portfolio = get_or_create_portfolio(enrollment)
    Answer.objects.create(portfolio=portfolio, prompt=prompts["short_text"], value="I draw birds.", version=1)
    Answer.objects.create(portfolio=portfolio, prompt=prompts["long_text"], value="Post weekly with two peers.", version=1)
    Answer.objects.create(portfolio=portfolio, prompt=prompts["checklist"], value=["Bio updated"], version=1)
    assert submit_worksheet(enrollment, portfolio, worksheet) == []
    return WorksheetSubmission.objects.get(portfolio=portfolio, worksheet=worksheet)


@pytest.fixture
def submission(enrollment, worksheet, prompts):
    return hand_in(enrollment, worksheet, prompts)


def test_asking_for_a_revision_notifies_and_emails_the_learner_once(submission, teacher, learner, prompts, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review = review_worksheet(
            submission, teacher, state=Review.State.REVISE, comment="A good start.",
            prompt_comments={str(prompts["long_text"].pk): "Which two peers?", "999999": "not a question of this worksheet"},
        )
    assert review.prompt_comments == {str(prompts["long_text"].pk): "Which two peers?"}
    note = Notification.objects.get(user=learner)
    assert "asks you to revise" in note.text and note.url.endswith("#feedback")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email] and "revise" in message.subject
    assert "/unsubscribe/course-emails/" in message.body and "List-Unsubscribe" in message.extra_headers
    # The same review emailed again (a retried task) sends nothing more.
    from portfolios.services import email_review_to_learner

    assert email_review_to_learner(review.pk) is False
    assert len(mail.outbox) == 1


def test_a_learner_who_turned_off_course_emails_is_notified_on_the_site_only(submission, teacher, learner, django_capture_on_commit_callbacks):
    learner.wants_course_emails = False
    learner.save(update_fields=["wants_course_emails"])
    with django_capture_on_commit_callbacks(execute=True):
        review_worksheet(submission, teacher, state=Review.State.REVIEWED)
    assert mail.outbox == []
    assert Notification.objects.filter(user=learner).count() == 1


def test_reviewing_again_replaces_the_review_and_handing_in_again_puts_it_back_in_the_queue(
    submission, teacher, enrollment, worksheet, course
):
    assert list(review_queue(course)) == [submission]
    review_worksheet(submission, teacher, state=Review.State.REVISE, comment="First")
    assert list(review_queue(course)) == []
    # The learner revises and hands in again: it waits again, the longest waiting first.
    assert submit_worksheet(enrollment, submission.portfolio, worksheet) == []
    assert [s.pk for s in review_queue(course)] == [submission.pk]
    review_worksheet(submission, teacher, state=Review.State.REVIEWED, comment="Second")
    assert Review.objects.get().comment == "Second" and Review.objects.count() == 1
    assert list(review_queue(course)) == []


def test_the_queue_lists_the_longest_waiting_first_and_filters_by_session_and_offering(course, worksheet, prompts, enrollment):
    other = factories.enroll(factories.make_user(), course, factories.make_offering(course, title="Second run"))
    first = hand_in(enrollment, worksheet, prompts)
    second = hand_in(other, worksheet, prompts)
    assert list(review_queue(course)) == [first, second]
    assert list(review_queue(course, offering_id=other.offering_id)) == [second]
    assert list(review_queue(course, session_number=1)) == [first, second]
    assert list(review_queue(course, session_number=2)) == []


def test_an_instructor_reviews_on_the_page_and_the_learner_sees_it_on_the_worksheet_and_portfolio(
    client, submission, teacher, course, worksheet, prompts, learner, django_capture_on_commit_callbacks
):
    client.force_login(teacher)
    queue = client.get(reverse("reviews:queue", args=[course.slug]))
    assert queue.status_code == 200 and learner.public_name in queue.content.decode()
    url = reverse("reviews:worksheet", args=[course.slug, submission.pk])
    page = client.get(url).content.decode()
    assert "Post weekly with two peers." in page and "Your comment on" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"state": "revise", "comment": "Name the peers.", f"prompt_{prompts['long_text'].pk}": "Who are they?"})
    assert response.status_code == 302
    client.force_login(learner)
    sheet = client.get(reverse("portfolios:worksheet", args=[course.slug, worksheet.slug])).content.decode()
    assert "Your instructor asks you to revise this worksheet" in sheet
    assert "Name the peers." in sheet and "Who are they?" in sheet
    portfolio = client.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert "Feedback from your instructors" in portfolio and "Who are they?" in portfolio and "Please revise" in portfolio


def test_a_review_without_a_decision_is_refused_and_keeps_what_was_typed(client, submission, teacher, course, prompts):
    client.force_login(teacher)
    url = reverse("reviews:worksheet", args=[course.slug, submission.pk])
    response = client.post(url, {"comment": "Lovely colours.", f"prompt_{prompts['long_text'].pk}": "Say when."})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose “Reviewed” or “Please revise”" in html
    assert "Lovely colours." in html and "Say when." in html
    assert not Review.objects.exists()


def test_asking_for_a_revision_needs_a_word_on_what_to_change(client, submission, teacher, course):
    client.force_login(teacher)
    url = reverse("reviews:worksheet", args=[course.slug, submission.pk])
    response = client.post(url, {"state": "revise", "comment": "  "})
    assert response.status_code == 400
    assert "Say what to change: an overall comment or one on a question." in response.content.decode()
    assert not Review.objects.exists()
    assert client.post(url, {"state": "reviewed"}).status_code == 302  # a plain "Reviewed" needs no words


def test_feedback_is_rendered_as_markdown_for_the_learner(client, submission, teacher, course, worksheet, prompts, learner):
    review_worksheet(submission, teacher, state=Review.State.REVISE, comment="**Good** start; see [the lesson](https://example.com/l).",
                     prompt_comments={str(prompts["long_text"].pk): "Make it *measurable*."})
    client.force_login(learner)
    for url in (reverse("portfolios:worksheet", args=[course.slug, worksheet.slug]), reverse("portfolios:portfolio", args=[course.slug])):
        html = client.get(url).content.decode()
        assert "<strong>Good</strong> start" in html and 'href="https://example.com/l"' in html, url
        assert "<em>measurable</em>" in html and "**Good**" not in html, url


def test_the_whole_portfolio_is_reviewed_and_shown_to_its_learner(client, submission, teacher, course, learner):
    review_portfolio(submission.portfolio, teacher, state=Review.State.REVIEWED, comment="A coherent plan.")
    client.force_login(learner)
    html = client.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert "Your whole portfolio" in html and "A coherent plan." in html
    client.force_login(teacher)
    page = client.get(reverse("reviews:portfolio", args=[course.slug, submission.portfolio.pk])).content.decode()
    assert "Post weekly with two peers." in page and "A coherent plan." in page


def test_an_instructor_of_another_course_cannot_see_or_review(client, submission, course):
    stranger = factories.make_instructor(email="stranger@example.com", display_name="Other Teacher")
    other = factories.make_course(slug="another-course")
    StaffMember.objects.create(course=other, name="Other Teacher", role=StaffMember.Role.INSTRUCTOR, user=stranger)
    client.force_login(stranger)  # in the instructors group, teaching a course, but not this one
    assert client.get(reverse("reviews:queue", args=[course.slug])).status_code == 404
    url = reverse("reviews:worksheet", args=[course.slug, submission.pk])
    assert client.post(url, {"state": "reviewed"}).status_code == 404
    assert not Review.objects.exists()


def test_another_learners_review_is_never_shown(client, submission, teacher, course, worksheet, prompts):
    review_worksheet(submission, teacher, state=Review.State.REVISE, comment="Private to the first learner.")
    peer = factories.make_user(country="AU")
    factories.enroll(peer, course)
    client.force_login(peer)
    html = client.get(reverse("portfolios:worksheet", args=[course.slug, worksheet.slug])).content.decode()
    assert "Private to the first learner." not in html


def test_a_portfolio_with_every_worksheet_handed_in_waits_for_its_own_review(client, submission, teacher, course, enrollment, worksheet, prompts):
    from portfolios.studio import portfolios_awaiting_review

    portfolio = submission.portfolio
    assert list(portfolios_awaiting_review(course)) == [portfolio]  # the course's one worksheet is handed in
    client.force_login(teacher)
    html = client.get(reverse("reviews:queue", args=[course.slug])).content.decode()
    assert '<h2 id="portfolios-heading">Whole portfolios to review</h2>' in html
    assert reverse("reviews:portfolio", args=[course.slug, portfolio.pk]) in html
    assert "Whole portfolios to review" not in client.get(reverse("reviews:queue", args=[course.slug]) + "?session=1").content.decode()
    review_portfolio(portfolio, teacher, state=Review.State.REVIEWED)
    assert list(portfolios_awaiting_review(course)) == []
    # Handing a worksheet in again after a review of it brings the portfolio back too.
    review_worksheet(submission, teacher, state=Review.State.REVISE)
    assert submit_worksheet(enrollment, portfolio, worksheet) == []
    assert list(portfolios_awaiting_review(course)) == [portfolio]


def test_a_portfolio_with_a_worksheet_still_to_hand_in_does_not_wait(course, submission):
    from portfolios.studio import portfolios_awaiting_review
    from tests.portfolios.conftest import make_worksheet

    make_worksheet(course, session=2, order=1, slug="second", title="Second step")
    assert list(portfolios_awaiting_review(course)) == []
