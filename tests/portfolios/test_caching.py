"""The worksheet and portfolio pages read the course's worksheets and prompts from the cache, under
the course's updated_at (portfolios.services.course_worksheets): an edit must show on the next request."""

from django.urls import reverse

from portfolios.models import Prompt
from tests import factories


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


# --- the choice widgets show each learner's own ticks, and follow an edited prompt ---


def _checked(html: str, prompt, index: int) -> bool:
    """Whether option `index` of the prompt's choices is ticked in the page."""
    start = html.index(f'id="id_prompt_{prompt.pk}_{index}"')
    tag = html[html.rindex("<input", 0, start) : html.index(">", start)]
    return " checked" in tag


def test_choice_widgets_show_each_learners_own_ticks(client, enrolled_client, other_learner, course, worksheet, prompts):
    from tests import factories

    factories.enroll(other_learner, course)
    platforms = prompts["multiple_choice"]
    url = worksheet.get_absolute_url()
    autosave_url = reverse("portfolios:autosave_answer", args=[course.slug, platforms.pk])
    assert enrolled_client.post(autosave_url, {f"prompt_{platforms.pk}": ["LinkedIn"], f"version_{platforms.pk}": 0}).status_code == 200
    mine = enrolled_client.get(url).content.decode()
    assert [_checked(mine, platforms, i) for i in range(3)] == [False, True, False]

    other = type(client)()
    other.force_login(other_learner)
    theirs = other.get(url).content.decode()
    assert [_checked(theirs, platforms, i) for i in range(3)] == [False, False, False]
    assert other.post(autosave_url, {f"prompt_{platforms.pk}": ["Instagram", "Newsletter"], f"version_{platforms.pk}": 0}).status_code == 200
    theirs = other.get(url).content.decode()
    assert [_checked(theirs, platforms, i) for i in range(3)] == [True, False, True]
    mine = enrolled_client.get(url).content.decode()
    assert [_checked(mine, platforms, i) for i in range(3)] == [False, True, False]


def test_choice_widgets_follow_an_edited_prompt(enrolled_client, worksheet, prompts):
    url = worksheet.get_absolute_url()
    assert "Newsletter" in enrolled_client.get(url).content.decode()
    platforms = prompts["multiple_choice"]
    platforms.choices = ["Instagram", "LinkedIn", "Podcast"]
    platforms.save()
    html = enrolled_client.get(url).content.decode()
    assert "Podcast" in html and "Newsletter" not in html


def test_a_rejected_choice_is_drawn_with_its_error_not_from_the_cache(enrolled_client, worksheet, prompts):
    url = worksheet.get_absolute_url()
    enrolled_client.get(url)
    platforms = prompts["multiple_choice"]
    response = enrolled_client.post(url, {f"prompt_{platforms.pk}": ["Carrier pigeon"], f"version_{platforms.pk}": 0, "action": "save"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not one of the options" in html
    assert 'aria-invalid="true"' in html[html.index(f'id="field-{platforms.pk}"') :]


def test_the_portfolio_page_follows_a_prompt_made_required(enrolled_client, course, prompts):
    url = reverse("portfolios:portfolio", args=[course.slug])
    assert "Link to your work" not in enrolled_client.get(url).content.decode().split("Still needed to submit:")[-1].split("</ul>")[0]
    prompts["url"].required = True
    prompts["url"].save()
    html = enrolled_client.get(url).content.decode()
    assert "Link to your work" in html.split("Still needed to submit:")[1].split("</ul>")[0]


def test_asking_for_worksheets_and_prompts_that_do_not_exist_leaves_no_keys(enrolled_client, course, worksheet):
    enrolled_client.get(worksheet.get_absolute_url())
    before = set(factories.cache_keys())
    for n in range(20):
        assert enrolled_client.get(reverse("portfolios:worksheet", args=[course.slug, f"no-such-{n}"])).status_code == 404
        assert enrolled_client.post(reverse("portfolios:autosave_answer", args=[course.slug, 900000 + n]), {}).status_code == 404
    assert set(factories.cache_keys()) == before
