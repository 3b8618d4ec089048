import pytest
from django.urls import reverse

from accounts.models import User
from courses.models import Enrollment
from portfolios.models import Answer, Portfolio, WorksheetSubmission
from tests.portfolios.conftest import make_worksheet


def add_other_portfolios(course, worksheets, count: int) -> None:
    """`count` other learners with answers to every prompt (bulk, to keep the test fast)."""
    offering = course.offerings.first()
    users = User.objects.bulk_create(
        [User(username=f"crowd{n}", email=f"crowd{n}@example.com", display_name=f"Crowd {n}") for n in range(count)]
    )
    enrollments = Enrollment.objects.bulk_create([Enrollment(user=u, course=course, offering=offering) for u in users])
    portfolios = Portfolio.objects.bulk_create([Portfolio(enrollment=e, summary="Theirs") for e in enrollments])
    prompts = [p for w in worksheets for p in w.prompts.all()]
    Answer.objects.bulk_create([Answer(portfolio=p, prompt=q, value="their answer", version=1) for p in portfolios for q in prompts])
    WorksheetSubmission.objects.bulk_create([WorksheetSubmission(portfolio=p, worksheet=worksheets[0]) for p in portfolios])


@pytest.fixture
def worksheets(course, worksheet):
    second = make_worksheet(course, session=2, slug="networks", title="Step #2", prompts=[{"kind": "short_text", "label": "Network"}])
    return [worksheet, second]


def fill_in(client, course, worksheet):
    for prompt in worksheet.prompts.exclude(kind="image"):
        value = {"single_choice": prompt.choices[:1] and prompt.choices[0], "multiple_choice": prompt.choices[:2],
                 "checklist": prompt.choices[:1], "url": "https://example.com", "number": "3"}.get(prompt.kind, "text")
        client.post(reverse("portfolios:autosave_answer", args=[course.slug, prompt.pk]),
                    {f"prompt_{prompt.pk}": value, f"version_{prompt.pk}": 0})


@pytest.mark.parametrize("others", [0, 99])
def test_worksheet_page_query_count_is_constant(enrolled_client, course, worksheets, others, django_assert_num_queries):
    add_other_portfolios(course, worksheets, others)
    fill_in(enrolled_client, course, worksheets[0])
    url = worksheets[0].get_absolute_url()
    enrolled_client.get(url)  # the learner's portfolio exists from the first visit on
    # session, user (+the header's unread count), enrollment (+course, offering), portfolio (+its
    # submission of this worksheet), answers (the worksheet and its prompts come from the course's cache)
    with django_assert_num_queries(5):
        assert enrolled_client.get(url).status_code == 200


@pytest.mark.parametrize("others", [0, 99])
def test_portfolio_page_query_count_is_constant(enrolled_client, course, worksheets, others, django_assert_num_queries):
    add_other_portfolios(course, worksheets, others)
    fill_in(enrolled_client, course, worksheets[0])
    url = reverse("portfolios:portfolio", args=[course.slug])
    enrolled_client.get(url)
    # session, user (+the header's unread count), enrollment (+course, offering), portfolio (+gallery
    # entry), compile: answers, submissions (worksheets and prompts from the course's cache)
    with django_assert_num_queries(6):
        assert enrolled_client.get(url).status_code == 200


def test_autosave_query_count(enrolled_client, course, worksheet, prompts, django_assert_num_queries):
    def autosave(prompt, value, version):
        url = reverse("portfolios:autosave_answer", args=[course.slug, prompt.pk])
        return enrolled_client.post(url, {f"prompt_{prompt.pk}": value, f"version_{prompt.pk}": version})

    first, second = prompts["short_text"], prompts["long_text"]
    # Where a learner autosaves from: the page creates the portfolio, and the course's prompts are then cached.
    enrolled_client.get(worksheet.get_absolute_url())
    # A first answer: session, user, enrollment (+course, offering), portfolio, savepoint, answer, release;
    # the prompt comes from the per-course cache. Outside a test's transaction there is no savepoint.
    with django_assert_num_queries(7):
        assert autosave(first, "One", 0).status_code == 200
    with django_assert_num_queries(7):
        assert autosave(second, "Two", 0).status_code == 200
    # Saving again: session, user, enrollment, portfolio, conditional update (the answer is what it wrote: no re-read)
    with django_assert_num_queries(5):
        assert autosave(first, "One again", 1).json()["version"] == 2
