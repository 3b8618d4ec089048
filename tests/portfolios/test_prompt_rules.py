"""The rules a prompt's wording states are enforced on every save, with a message next to the field
and nothing typed lost: "choose no more than three", a whole number, and errors tied to their fields."""

import re

import pytest
from django.urls import reverse

from portfolios.models import Answer
from tests.portfolios.conftest import make_worksheet

pytestmark = pytest.mark.django_db

PLATFORMS = ["Instagram", "TikTok", "YouTube", "Pinterest", "Newsletter"]


@pytest.fixture
def ruled(course):
    worksheet = make_worksheet(course, slug="toolkit", title="Your toolkit", prompts=[
        {"kind": "multiple_choice", "label": "Which platforms make up your core toolkit? Choose no more than three.",
         "choices": PLATFORMS, "max_choices": 3},
        {"kind": "number", "label": "How many followers do you have?", "min_value": 0, "whole_number": True},
        {"kind": "number", "label": "Hours a week", "min_value": 0},
        {"kind": "short_text", "label": "Your handle", "max_length": 30},
    ])
    return worksheet, list(worksheet.prompts.order_by("order"))


def autosave(client, course, prompt, value):
    url = reverse("portfolios:autosave_answer", args=[course.slug, prompt.pk])
    return client.post(url, {f"prompt_{prompt.pk}": value, f"version_{prompt.pk}": 0})


def test_autosave_refuses_more_choices_than_the_prompt_allows(enrolled_client, course, ruled):
    _, (platforms, *_) = ruled
    response = autosave(enrolled_client, course, platforms, PLATFORMS)
    assert response.status_code == 400
    assert response.json()["errors"] == ["Please choose no more than 3 (you chose 5): untick 2 of them."]
    assert not Answer.objects.filter(prompt=platforms).exists()
    assert autosave(enrolled_client, course, platforms, PLATFORMS[:3]).status_code == 200


def test_a_whole_number_prompt_refuses_a_fraction_and_others_accept_it(enrolled_client, course, ruled):
    _, (_, followers, hours, _) = ruled
    response = autosave(enrolled_client, course, followers, "2.5")
    assert response.status_code == 400
    assert response.json()["errors"] == ["Please enter a whole number, e.g. 2 or 3 (not 2.5)."]
    assert autosave(enrolled_client, course, followers, "1500").json()["value"] == 1500
    assert autosave(enrolled_client, course, hours, "2.5").json()["value"] == 2.5


def test_the_no_javascript_submit_shows_each_error_on_its_field_and_keeps_every_answer(enrolled_client, course, ruled):
    worksheet, (platforms, followers, hours, handle) = ruled
    data = {f"prompt_{platforms.pk}": PLATFORMS, f"prompt_{followers.pk}": "2.5", f"prompt_{hours.pk}": "4",
            f"prompt_{handle.pk}": "@lee", "action": "save"}
    data.update({f"version_{p.pk}": 0 for p in (platforms, followers, hours, handle)})
    response = enrolled_client.post(worksheet.get_absolute_url(), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "choose no more than 3 (you chose 5)" in html
    assert "Please enter a whole number" in html
    # Nothing typed is lost: all five ticks and the fraction come back, and the valid answers are saved.
    assert html.count(f'name="prompt_{platforms.pk}" value=') == 5
    assert len(re.findall(rf'name="prompt_{platforms.pk}" value="[^"]+"[^>]*checked', html)) == 5
    assert f'name="prompt_{followers.pk}" value="2.5"' in html
    assert Answer.objects.get(prompt=hours).value == 4
    # Each error is tied to its field: the number input and the group name the error's element.
    number = re.search(rf'<input[^>]*name="prompt_{followers.pk}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in number
    assert f'id_prompt_{followers.pk}_error' in re.search(r'aria-describedby="([^"]+)"', number).group(1)
    assert f'id="id_prompt_{followers.pk}_error"' in html
    assert re.search(rf'<fieldset class="choices" aria-describedby="[^"]*id_prompt_{platforms.pk}_error"', html)
    # The browser is told the rules too (answer-rules.js shows them while typing).
    assert 'data-max-choices="3"' in html and 'inputmode="numeric"' in number and 'maxlength="30"' in html


def test_every_id_on_the_worksheet_page_is_unique(enrolled_client, course, ruled):
    worksheet, _ = ruled
    html = enrolled_client.get(worksheet.get_absolute_url()).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_the_admin_refuses_a_rule_the_kind_cannot_have():
    from portfolios.forms import PromptAdminForm

    form = PromptAdminForm(data={"order": 1, "kind": "short_text", "label": "Your handle", "max_choices": 2, "whole_number": "on"})
    assert not form.is_valid()
    assert "max_choices" in form.errors and "whole_number" in form.errors
