"""The worksheet and portfolio pages read the course's worksheets and prompts from the cache, under
the course's updated_at (portfolios.services.course_worksheets): an edit must show on the next request."""

from django.urls import reverse

from portfolios.models import Prompt


def test_the_worksheet_page_shows_a_prompt_edited_after_it_was_cached(enrolled_client, worksheet, prompts):
    url = worksheet.get_absolute_url()
    assert prompts["short_text"].label in enrolled_client.get(url).content.decode()
    prompts["short_text"].label = "Name your practice in five words."
    prompts["short_text"].save()
    assert "Name your practice in five words." in enrolled_client.get(url).content.decode()


def test_the_worksheet_page_links_a_new_prompt_to_its_autosave(enrolled_client, course, worksheet):
    url = worksheet.get_absolute_url()
    enrolled_client.get(url)
    prompt = Prompt.objects.create(worksheet=worksheet, order=99, kind="short_text", label="A new question")
    html = enrolled_client.get(url).content.decode()
    assert "A new question" in html
    assert reverse("portfolios:autosave_answer", args=[course.slug, prompt.pk]) in html


def test_the_portfolio_page_follows_a_renamed_worksheet(enrolled_client, course, worksheet):
    url = reverse("portfolios:portfolio", args=[course.slug])
    assert worksheet.title in enrolled_client.get(url).content.decode()
    worksheet.title, worksheet.slug = "Strategy Step #1, revised", "plan-revised"
    worksheet.save()
    html = enrolled_client.get(url).content.decode()
    assert "Strategy Step #1, revised" in html
    assert reverse("portfolios:worksheet", args=[course.slug, "plan-revised"]) in html


def test_the_portfolio_page_counts_a_new_prompt(enrolled_client, course, worksheet):
    url = reverse("portfolios:portfolio", args=[course.slug])
    total = worksheet.prompts.count()
    assert f"0 of {total} answered" in enrolled_client.get(url).content.decode()
    Prompt.objects.create(worksheet=worksheet, order=99, kind="short_text", label="A new question")
    assert f"0 of {total + 1} answered" in enrolled_client.get(url).content.decode()


def test_a_deleted_prompt_leaves_the_worksheet_page_and_its_autosave_at_once(enrolled_client, course, worksheet, prompts):
    url = worksheet.get_absolute_url()
    prompt = prompts["url"]
    autosave = reverse("portfolios:autosave_answer", args=[course.slug, prompt.pk])
    assert prompt.label in enrolled_client.get(url).content.decode()
    prompt.delete()
    assert prompt.label not in enrolled_client.get(url).content.decode()
    assert enrolled_client.post(autosave, {}).status_code == 404
