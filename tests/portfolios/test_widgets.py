"""The worksheet and portfolio pages write their inputs with portfolios.forms.render_widget; the
HTML must stay exactly what Django's own widget templates render, for every prompt kind and state."""

import pytest

from portfolios.forms import PortfolioTextForm, WorksheetForm, render_widget
from portfolios.models import Answer, Portfolio


def assert_same_as_django(form) -> None:
    assert form.fields
    for bound_field in form:
        assert render_widget(bound_field) == str(bound_field), bound_field.name


@pytest.mark.django_db
def test_worksheet_inputs_match_django_widgets_unanswered(worksheet):
    assert_same_as_django(WorksheetForm(worksheet.prompts.all(), {}))


@pytest.mark.django_db
def test_worksheet_inputs_match_django_widgets_answered(worksheet, prompts):
    values = {
        "short_text": "Pots & <plates>", "long_text": 'Line one\n"two"', "single_choice": "Weekly",
        "multiple_choice": ["Instagram", "Newsletter"], "checklist": ["Photo added"],
        "url": "https://example.com/?a=1&b=2", "number": 2.5, "image": None,
    }
    answers = {p.pk: Answer(prompt=p, value=values[kind], version=3) for kind, p in prompts.items()}
    assert_same_as_django(WorksheetForm(worksheet.prompts.all(), answers))


@pytest.mark.django_db
def test_worksheet_inputs_match_django_widgets_with_errors(worksheet, prompts):
    data = {f"prompt_{p.pk}": "x" * 100 for p in prompts.values()}
    data[f"prompt_{prompts['multiple_choice'].pk}"] = ["Instagram", "Fax"]
    data.update({f"version_{p.pk}": "-1" for p in prompts.values()})
    form = WorksheetForm(worksheet.prompts.all(), {}, data)
    assert not form.is_valid()
    assert_same_as_django(form)


@pytest.mark.django_db
def test_portfolio_text_inputs_match_django_widgets(enrollment):
    portfolio = Portfolio.objects.create(enrollment=enrollment, summary='My "summary" & more')
    initial = {"summary_version": 2, "critical_evaluation_version": 0}
    assert_same_as_django(PortfolioTextForm(instance=portfolio, initial=initial))
    bound = PortfolioTextForm({"summary": "s" * 10001, "summary_version": "x"}, instance=portfolio, initial=initial)
    assert not bound.is_valid()
    assert_same_as_django(bound)


@pytest.mark.django_db
def test_choice_inputs_escape_like_django(worksheet):
    choices = ['Fish & "chips"', "Rock 'n' roll", "<b>bold</b>"]
    single = worksheet.prompts.create(order=20, kind="single_choice", label="Pick", choices=choices)
    several = worksheet.prompts.create(order=21, kind="checklist", label="Tick", choices=choices)
    answers = {single.pk: Answer(prompt=single, value=choices[1], version=1), several.pk: Answer(prompt=several, value=choices[::2], version=1)}
    assert_same_as_django(WorksheetForm([single, several], answers))
