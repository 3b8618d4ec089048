"""A learner's answer images reach the learner only, through an owner-checked view; never by their media URL."""

from django.test import Client
from django.urls import reverse

from portfolios.models import Answer
from tests import factories
from tests.portfolios.conftest import png_upload


def upload(client, course, prompt, version=0):
    url = reverse("portfolios:autosave_answer", args=[course.slug, prompt.pk])
    return client.post(url, {f"prompt_{prompt.pk}": png_upload(), f"alt_{prompt.pk}": "A studio shelf", f"version_{prompt.pk}": str(version)})


def image_url(course, name):
    return reverse("portfolios:answer_image", args=[course.slug, name])


def test_the_owner_sees_the_image_on_the_worksheet_and_the_portfolio(enrolled_client, course, prompts, worksheet):
    assert upload(enrolled_client, course, prompts["image"]).status_code == 200
    name = Answer.objects.get(prompt=prompts["image"]).image.name
    response = enrolled_client.get(image_url(course, name))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"].startswith("sandbox")
    for page in (worksheet.get_absolute_url(), reverse("portfolios:portfolio", args=[course.slug])):
        html = enrolled_client.get(page).content.decode()
        assert f'src="{image_url(course, name)}"' in html
        assert f"/media/{name}" not in html


def test_nobody_else_reaches_a_learners_image(enrolled_client, course, prompts, other_learner, instructor):
    upload(enrolled_client, course, prompts["image"])
    name = Answer.objects.get(prompt=prompts["image"]).image.name
    factories.enroll(other_learner, course)
    for user in (other_learner, instructor):
        client = Client()
        client.force_login(user)
        assert client.get(image_url(course, name)).status_code == 404
        assert client.get(f"/media/{name}").status_code == (200 if user.is_staff else 404)
    response = Client().get(image_url(course, name))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert Client().get(f"/media/{name}").status_code == 404


def test_a_replaced_image_is_out_of_reach_even_for_its_owner(enrolled_client, course, prompts):
    upload(enrolled_client, course, prompts["image"])
    first = Answer.objects.get(prompt=prompts["image"]).image.name
    assert upload(enrolled_client, course, prompts["image"], version=1).status_code == 200
    second = Answer.objects.get(prompt=prompts["image"]).image.name
    assert second != first
    assert enrolled_client.get(image_url(course, first)).status_code == 404
    assert enrolled_client.get(image_url(course, second)).status_code == 200


def test_an_answer_image_costs_four_queries(enrolled_client, course, prompts, django_assert_num_queries):
    upload(enrolled_client, course, prompts["image"])
    url = image_url(course, Answer.objects.get(prompt=prompts["image"]).image.name)
    with django_assert_num_queries(4):  # session, user, enrollment with its course, the answer holding the name
        assert enrolled_client.get(url).status_code == 200
