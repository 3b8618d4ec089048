from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.tasks import evaluate_badges
from courses.models import LessonCompletion
from portfolios.models import Answer, Portfolio, WorksheetSubmission
from tests import factories
from tests.portfolios.conftest import make_worksheet


def save(client, course, prompt, value, version=0):
    return client.post(
        reverse("portfolios:autosave_answer", args=[course.slug, prompt.pk]),
        {f"prompt_{prompt.pk}": value, f"version_{prompt.pk}": version},
    )


def submit(client, worksheet, prompts):
    data = {f"version_{p.pk}": Answer.objects.filter(prompt=p).values_list("version", flat=True).first() or 0 for p in prompts.values()}
    for prompt in prompts.values():
        answer = Answer.objects.filter(prompt=prompt).first()
        if answer and answer.value is not None:
            data[f"prompt_{prompt.pk}"] = answer.value
    data["action"] = "submit"
    return client.post(worksheet.get_absolute_url(), data)


# --- the worksheet page -----------------------------------------------------------------


def test_worksheet_page_shows_every_prompt_with_its_widget(enrolled_client, worksheet, prompts):
    html = enrolled_client.get(worksheet.get_absolute_url()).content.decode()
    for prompt in prompts.values():
        assert prompt.label in html
        assert f"Help for {prompt.label}" in html
    assert f'<input type="text" name="prompt_{prompts["short_text"].pk}"' in html
    assert f'<textarea name="prompt_{prompts["long_text"].pk}"' in html
    assert f'type="radio" name="prompt_{prompts["single_choice"].pk}"' in html
    assert f'type="checkbox" name="prompt_{prompts["checklist"].pk}"' in html
    assert f'type="url" name="prompt_{prompts["url"].pk}"' in html
    assert f'type="text" name="prompt_{prompts["number"].pk}" inputmode="decimal"' in html  # type=number drops letters unseen
    assert f'type="file" name="prompt_{prompts["image"].pk}"' in html
    assert "js/autosave.js" in html
    assert "<script>" not in html and 'style="' not in html


def test_submit_lists_the_missing_required_prompts_and_records_nothing(enrolled_client, course, worksheet, prompts):
    save(enrolled_client, course, prompts["short_text"], "Only this one")
    response = submit(enrolled_client, worksheet, prompts)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Before you submit, please answer these questions" in html
    assert prompts["long_text"].label in html and prompts["checklist"].label in html
    assert not WorksheetSubmission.objects.exists()
    assert not LessonCompletion.objects.exists()


def test_submit_with_required_answers_completes_the_lesson_and_queues_badges(
    enrolled_client, course, worksheet, prompts, enrollment, django_capture_on_commit_callbacks
):
    save(enrolled_client, course, prompts["short_text"], "Potter")
    save(enrolled_client, course, prompts["long_text"], "Post twice a week")
    save(enrolled_client, course, prompts["checklist"], ["Bio updated"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = submit(enrolled_client, worksheet, prompts)
    assert response.status_code == 302
    assert WorksheetSubmission.objects.filter(worksheet=worksheet, portfolio__enrollment=enrollment).count() == 1
    assert LessonCompletion.objects.filter(enrollment=enrollment, lesson=worksheet.lesson).exists()
    queued = [cb.args for cb in callbacks if getattr(cb, "func", None) == evaluate_badges.delay]
    assert queued == [(enrollment.user_id, course.pk)], callbacks
    assert response["Location"] == worksheet.lesson.get_absolute_url()  # back to the lesson, with its "Next" link
    page = enrolled_client.get(response["Location"]).content.decode()
    assert "is submitted and the lesson is marked complete" in page
    assert "Submit again" in enrolled_client.get(worksheet.get_absolute_url()).content.decode()
    # Submitting again is harmless.
    assert submit(enrolled_client, worksheet, prompts).status_code == 302
    assert WorksheetSubmission.objects.count() == 1


def test_read_only_enrollment_sees_answers_but_cannot_change_them(enrolled_client, course, worksheet, prompts, enrollment):
    save(enrolled_client, course, prompts["short_text"], "Before access ended")
    enrollment.access_expires_at = timezone.now() - timedelta(days=1)
    enrollment.save(update_fields=["access_expires_at"])
    html = enrolled_client.get(worksheet.get_absolute_url()).content.decode()
    assert "can be read but not changed" in html
    assert 'fieldset class="plain" disabled' in html
    response = save(enrolled_client, course, prompts["short_text"], "After", version=1)
    assert response.status_code == 403
    assert enrolled_client.post(worksheet.get_absolute_url(), {f"prompt_{prompts['short_text'].pk}": "After"}).status_code == 302
    assert Answer.objects.get().value == "Before access ended"
    text_url = reverse("portfolios:autosave_text", args=[course.slug, "summary"])
    assert enrolled_client.post(text_url, {"summary": "x", "summary_version": 0}).status_code == 403


# --- authorization ----------------------------------------------------------------------


@pytest.fixture
def outsider_client(client, other_learner):
    client.force_login(other_learner)
    return client


def test_a_learner_not_enrolled_gets_404_everywhere(outsider_client, course, worksheet, prompts):
    urls = [
        worksheet.get_absolute_url(),
        reverse("portfolios:portfolio", args=[course.slug]),
        reverse("portfolios:pdf_status", args=[course.slug]),
        reverse("portfolios:pdf_download", args=[course.slug]),
    ]
    for url in urls:
        assert outsider_client.get(url).status_code == 404, url
    assert save(outsider_client, course, prompts["short_text"], "Sneaky").status_code == 404
    assert outsider_client.post(reverse("portfolios:pdf_request", args=[course.slug])).status_code == 404
    text_url = reverse("portfolios:autosave_text", args=[course.slug, "summary"])
    assert outsider_client.post(text_url, {"summary": "x", "summary_version": 0}).status_code == 404
    assert not Answer.objects.exists() and not Portfolio.objects.exists()


def test_another_learners_answers_never_show_and_their_prompts_of_another_course_are_404(
    enrolled_client, course, worksheet, prompts, other_learner, learner
):
    other_course = factories.make_course()
    factories.make_offering(other_course)
    factories.enroll(other_learner, other_course)
    factories.enroll(other_learner, course)
    other_client = type(enrolled_client)()
    other_client.force_login(other_learner)
    save(other_client, course, prompts["long_text"], "Olive's secret plan")
    foreign = make_worksheet(other_course, slug="foreign")
    foreign_prompt = foreign.prompts.first()
    # Another course's worksheet and prompt through this learner's course: 404.
    assert enrolled_client.get(f"/portfolio/{course.slug}/worksheets/foreign/").status_code == 404
    assert save(enrolled_client, course, foreign_prompt, "x").status_code == 404
    # Same course: the learner sees and edits only their own portfolio.
    assert "Olive&#x27;s secret plan" not in enrolled_client.get(worksheet.get_absolute_url()).content.decode()
    assert "secret plan" not in enrolled_client.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert save(enrolled_client, course, prompts["long_text"], "Lee's plan").status_code == 200
    assert Answer.objects.get(portfolio__enrollment__user=other_learner).value == "Olive's secret plan"


def test_anonymous_visitors_are_sent_to_log_in(client, course, worksheet):
    response = client.get(worksheet.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_autosave_needs_post(enrolled_client, course, prompts):
    url = reverse("portfolios:autosave_answer", args=[course.slug, prompts["short_text"].pk])
    assert enrolled_client.get(url).status_code == 405


# --- the portfolio page -----------------------------------------------------------------


def test_portfolio_page_compiles_worksheets_in_course_order_with_completeness(enrolled_client, course, worksheet, prompts):
    later = make_worksheet(course, session=3, slug="networks", title="Strategy Step #2: Micro-Influence Networks",
                           prompts=[{"kind": "short_text", "label": "Who is in your network?"}])
    save(enrolled_client, course, prompts["short_text"], "I make prints")
    save(enrolled_client, course, prompts["multiple_choice"], ["Instagram", "LinkedIn"])
    html = enrolled_client.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert html.index(worksheet.title) < html.index(later.title)
    assert "2 of 8 answered" in html
    assert "0 of 1 answered" in html
    assert "I make prints" in html and "Instagram, LinkedIn" in html
    assert f'href="{worksheet.get_absolute_url()}"' in html and f'href="{later.get_absolute_url()}"' in html
    assert "Still needed to submit" in html
    assert "Publish to the gallery" in html


def test_summary_autosaves_with_versions_and_conflicts(enrolled_client, course, enrollment):
    url = reverse("portfolios:autosave_text", args=[course.slug, "summary"])
    first = enrolled_client.post(url, {"summary": "My strategy", "summary_version": 0})
    assert first.json() == {"ok": True, "value": "My strategy", "display": "My strategy", "version": 1}
    stale = enrolled_client.post(url, {"summary": "Other tab", "summary_version": 0})
    assert stale.status_code == 409
    assert stale.json()["value"] == "My strategy" and stale.json()["version"] == 1
    too_long = enrolled_client.post(
        reverse("portfolios:autosave_text", args=[course.slug, "critical_evaluation"]),
        {"critical_evaluation": "x" * 20001, "critical_evaluation_version": 0},
    )
    assert too_long.status_code == 400 and "20000 characters" in too_long.json()["errors"][0]
    assert enrolled_client.post(reverse("portfolios:autosave_text", args=[course.slug, "pdf_hash"]), {}).status_code == 404
    portfolio = Portfolio.objects.get(enrollment=enrollment)
    assert (portfolio.summary, portfolio.summary_version, portfolio.critical_evaluation) == ("My strategy", 1, "")


def test_portfolio_texts_save_without_javascript_and_show_conflicts(enrolled_client, course, enrollment):
    url = reverse("portfolios:portfolio", args=[course.slug])
    data = {"summary": "Summary v1", "summary_version": 0, "critical_evaluation": "Evaluation v1", "critical_evaluation_version": 0}
    assert enrolled_client.post(url, data).status_code == 302
    response = enrolled_client.post(url, {**data, "summary": "Stale tab summary"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Summary v1" in html and "Stale tab summary" in html and "changed somewhere else" in html
    portfolio = Portfolio.objects.get(enrollment=enrollment)
    assert (portfolio.summary, portfolio.summary_version) == ("Summary v1", 1)


def test_a_failed_submit_leaves_nothing_behind_for_the_next_reader(enrolled_client, course, worksheet, prompts, other_learner):
    """The prompts come from the shared cache; each request builds its own form from them, so one
    learner's errors and values never reach the next page."""
    url = worksheet.get_absolute_url()
    enrolled_client.get(url)  # the course's prompts are cached
    data = {f"version_{p.pk}": 0 for p in prompts.values()}
    data.update({f"prompt_{prompts['short_text'].pk}": "x" * 61, f"prompt_{prompts['number'].pk}": "many"})
    failed = enrolled_client.post(url, data)
    assert failed.status_code == 400 and 'aria-invalid="true"' in failed.content.decode()
    factories.enroll(other_learner, course)
    enrolled_client.force_login(other_learner)
    html = enrolled_client.get(url).content.decode()
    assert "aria-invalid" not in html and "x" * 61 not in html and "many" not in html


# --- a worksheet lesson completes by its worksheet, and only once its session is open ----------


def complete_url(lesson, action="learn:complete"):
    return reverse(action, args=[lesson.session.course.slug, lesson.session.number, lesson.slug])


def test_a_worksheet_lesson_cannot_be_marked_complete_without_submitting_the_worksheet(
    enrolled_client, enrollment, worksheet, django_capture_on_commit_callbacks
):
    lesson = worksheet.lesson
    with django_capture_on_commit_callbacks(execute=True):
        response = enrolled_client.post(complete_url(lesson), follow=True)
    assert "complete when you submit its worksheet" in response.content.decode()
    assert not LessonCompletion.objects.exists()
    enrollment.refresh_from_db()
    assert enrollment.completed_lessons == 0


def test_the_page_of_a_worksheet_lesson_leads_to_the_worksheet_instead_of_a_complete_button(enrolled_client, worksheet):
    html = enrolled_client.get(worksheet.lesson.get_absolute_url()).content.decode()
    assert "Mark as complete" not in html
    assert complete_url(worksheet.lesson) not in html
    assert worksheet.get_absolute_url() in html


def test_a_submitted_worksheet_lesson_stays_complete(enrolled_client, course, worksheet, prompts, enrollment):
    save(enrolled_client, course, prompts["short_text"], "Potter")
    save(enrolled_client, course, prompts["long_text"], "Post twice a week")
    save(enrolled_client, course, prompts["checklist"], ["Bio updated"])
    assert submit(enrolled_client, worksheet, prompts).status_code == 302
    html = enrolled_client.get(worksheet.lesson.get_absolute_url()).content.decode()
    assert "Mark as not complete" not in html and "You submitted its worksheet" in html
    enrolled_client.post(complete_url(worksheet.lesson, "learn:uncomplete"))
    assert LessonCompletion.objects.filter(enrollment=enrollment, lesson=worksheet.lesson).exists()


@pytest.fixture
def future_cohort_client(client, learner, course):
    """The learner in a scheduled cohort that starts in a year: every session is still locked."""
    offering = factories.make_offering(course, mode="scheduled", title="2027 cohort", starts_on=timezone.localdate() + timedelta(days=365))
    factories.enroll(learner, course, offering)
    client.force_login(learner)
    return client


def test_a_worksheet_of_a_locked_session_cannot_be_opened_saved_or_submitted(future_cohort_client, course):
    worksheet = make_worksheet(course, session=6, slug="checklist", title="Launch checklist")
    prompts = {p.kind: p for p in worksheet.prompts.all()}
    opens_on = course.offerings.get(title="2027 cohort").starts_on + timedelta(days=35)
    page = future_cohort_client.get(worksheet.get_absolute_url())
    assert page.status_code == 403
    html = page.content.decode()
    assert "This worksheet is not open yet" in html and f"{opens_on:%-d %B %Y}" in html
    assert prompts["short_text"].label not in html
    autosave = save(future_cohort_client, course, prompts["short_text"], "Too early")
    assert autosave.status_code == 403 and f"{opens_on:%-d %B %Y}" in autosave.json()["errors"][0]
    posted = future_cohort_client.post(worksheet.get_absolute_url(), {f"prompt_{prompts['short_text'].pk}": "Too early", "action": "submit"})
    assert posted.status_code == 403
    assert not Answer.objects.exists()
    assert not WorksheetSubmission.objects.exists() and not LessonCompletion.objects.exists()


def test_a_worksheet_opens_with_its_session(client, learner, course):
    offering = factories.make_offering(course, mode="scheduled", title="Cohort", starts_on=timezone.localdate() - timedelta(days=8))
    factories.enroll(learner, course, offering)
    client.force_login(learner)
    session_2 = make_worksheet(course, session=2, slug="open")  # opened yesterday
    session_3 = make_worksheet(course, session=3, slug="locked")  # opens in six days
    assert client.get(session_2.get_absolute_url()).status_code == 200
    assert save(client, course, session_2.prompts.first(), "On time").status_code == 200
    assert client.get(session_3.get_absolute_url()).status_code == 403


def test_a_refused_save_names_and_links_each_answer_it_did_not_save(enrolled_client, worksheet, prompts):
    url_prompt, short = prompts["url"], prompts["short_text"]
    response = enrolled_client.post(worksheet.get_absolute_url(), {
        f"prompt_{url_prompt.pk}": "not a web address", f"version_{url_prompt.pk}": 0,
        f"prompt_{short.pk}": "Potter", f"version_{short.pk}": 0, "action": "save",
    })
    assert response.status_code == 400
    banner = response.content.decode().split('id="unsaved"')[1].split("</div>")[0]
    assert "One answer was not saved; what you typed is still there." in banner
    assert f'<a href="#field-{url_prompt.pk}">{url_prompt.label}</a>: ' in banner
    assert short.label not in banner  # saved
    assert Answer.objects.get(prompt=short).value == "Potter"
