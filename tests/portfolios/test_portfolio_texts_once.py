"""#16.10: the summary and critical evaluation are asked for once (on Step #6) and shown everywhere else."""

import importlib

from django.apps import apps
from django.urls import reverse

from portfolios.models import Answer, Portfolio, Prompt
from portfolios.services import get_or_create_portfolio
from tests.portfolios.conftest import make_worksheet

STEP6_PROMPTS = [
    {"kind": "long_text", "label": "Which opportunity will you pursue next?"},
    {"kind": "long_text", "label": "Draft the summary and critical evaluation that will accompany your portfolio in the course gallery."},
]


def step6(course, *, asks=True):
    worksheet = make_worksheet(course, session=1, order=1, slug="continuous-improvement",
                               title="Strategy Step #6: Continuous improvement opportunity", prompts=STEP6_PROMPTS)
    worksheet.asks_portfolio_texts = asks
    worksheet.save(update_fields=["asks_portfolio_texts"])
    return worksheet


def test_step6_asks_for_the_texts_and_saves_them_without_javascript(enrolled_client, course, enrollment):
    worksheet = step6(course)
    html = enrolled_client.get(worksheet.get_absolute_url()).content.decode()
    assert 'id="portfolio-texts"' in html and 'name="summary"' in html and 'name="critical_evaluation"' in html
    assert reverse("portfolios:autosave_text", args=[course.slug, "summary"]) in html
    response = enrolled_client.post(worksheet.get_absolute_url(), {
        "summary": "Who I am and where I am going.", "summary_version": "0",
        "critical_evaluation": "What held up and what did not.", "critical_evaluation_version": "0", "action": "save",
    })
    assert response.status_code == 302
    portfolio = Portfolio.objects.get(enrollment=enrollment)
    assert portfolio.summary == "Who I am and where I am going." and portfolio.summary_version == 1


def test_the_portfolio_page_shows_the_texts_with_a_link_to_step6_instead_of_a_second_form(enrolled_client, course, enrollment):
    worksheet = step6(course)
    portfolio = get_or_create_portfolio(enrollment)
    Portfolio.objects.filter(pk=portfolio.pk).update(summary="My one summary.")
    html = enrolled_client.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert "My one summary." in html
    assert f'{worksheet.get_absolute_url()}#portfolio-texts' in html
    assert 'name="summary"' not in html
    # The publish form shows the same text and sends the learner to the same place.
    publish = enrolled_client.get(reverse("gallery:publish", args=[course.slug])).content.decode()
    assert "My one summary." in publish and f'{worksheet.get_absolute_url()}#portfolio-texts' in publish
    assert 'name="summary"' not in publish


def test_without_such_a_worksheet_the_portfolio_page_keeps_asking(enrolled_client, course):
    step6(course, asks=False)
    html = enrolled_client.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert 'name="summary"' in html


def run_migration(module: str, function: str):
    getattr(importlib.import_module(module), function)(apps, None)


def test_the_migration_moves_step6_drafts_into_the_portfolios_texts_and_loses_nothing(course, enrollment, other_learner):
    from tests import factories

    worksheet = step6(course, asks=False)
    draft = worksheet.prompts.get(label__startswith="Draft the summary")
    kept = worksheet.prompts.get(label__startswith="Which opportunity")
    empty = get_or_create_portfolio(enrollment)
    Answer.objects.create(portfolio=empty, prompt=draft, value="My drafted summary.", version=3)
    Answer.objects.create(portfolio=empty, prompt=kept, value="A residency.", version=1)
    full = get_or_create_portfolio(factories.enroll(other_learner, course))
    Portfolio.objects.filter(pk=full.pk).update(summary="Summary.", critical_evaluation="Evaluation.")
    Answer.objects.create(portfolio=full, prompt=draft, value="A draft written on Step #6.", version=1)

    run_migration("portfolios.migrations.0006_content_step6_draft_into_portfolio_texts", "move_drafts")

    empty.refresh_from_db()
    full.refresh_from_db()
    assert empty.summary == "My drafted summary." and empty.summary_version == 1
    assert full.summary == "Summary."
    assert full.critical_evaluation == "Evaluation.\n\nA draft written on Step #6." and full.critical_evaluation_version == 1
    assert not Prompt.objects.filter(pk=draft.pk).exists()
    assert Answer.objects.get(prompt=kept).value == "A residency."
    worksheet.refresh_from_db()
    assert worksheet.asks_portfolio_texts


def test_the_migration_gives_an_empty_portfolio_the_texts_its_entry_published(course, enrollment):
    from gallery.models import Entry

    portfolio = get_or_create_portfolio(enrollment)
    Entry.objects.create(portfolio=portfolio, course=course, author=enrollment.user, title="T",
                         summary="Published summary.", critical_evaluation="Published evaluation.")
    run_migration("gallery.migrations.0010_content_entry_texts_into_portfolio", "copy_entry_texts")
    portfolio.refresh_from_db()
    assert (portfolio.summary, portfolio.critical_evaluation) == ("Published summary.", "Published evaluation.")


def test_step6_is_submitted_only_with_both_texts_written(enrolled_client, course, enrollment):
    """The draft prompt this replaces was required: the texts are, on the page that asks for them."""
    worksheet = step6(course)
    data = {"summary": "", "summary_version": "0", "critical_evaluation": "", "critical_evaluation_version": "0", "action": "submit"}
    response = enrolled_client.post(worksheet.get_absolute_url(), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#field-summary"' in html and 'href="#field-critical_evaluation"' in html
    data.update(summary="Who I am.", critical_evaluation="What held up.")
    assert enrolled_client.post(worksheet.get_absolute_url(), data).status_code == 302
    assert Portfolio.objects.get(enrollment=enrollment).submissions.filter(worksheet=worksheet).exists()
