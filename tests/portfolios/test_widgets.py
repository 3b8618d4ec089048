"""The worksheet and portfolio pages write their inputs with one Jinja2 macro; the HTML must
stay exactly what Django's own widget templates render, for every prompt kind and state."""

import pytest
from django.template import engines

from portfolios.forms import PortfolioTextForm, WorksheetForm, widget_context
from portfolios.models import Answer, Portfolio


def macro_html(bound_field) -> str:
    template = engines["jinja2"].from_string(
        '{% import "portfolios/includes/widgets.html" as widgets %}{{ widgets.widget(w) }}'
    )
    return template.render({"w": widget_context(bound_field)})


def assert_same_as_django(form) -> None:
    assert form.fields
    for bound_field in form:
        assert macro_html(bound_field) == str(bound_field), bound_field.name


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
