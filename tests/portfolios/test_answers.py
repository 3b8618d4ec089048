import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F
from django.urls import reverse

from portfolios.models import Answer, Portfolio
from tests.portfolios.conftest import png_upload


def autosave(client, course, prompt, value, version=0, **extra):
    data = {f"prompt_{prompt.pk}": value, f"version_{prompt.pk}": version, **extra}
    if hasattr(value, "read"):  # an image goes with its description
        data.setdefault(f"alt_{prompt.pk}", "A stoneware bowl")
    return client.post(reverse("portfolios:autosave_answer", args=[course.slug, prompt.pk]), data)


def answer_for(prompt):
    return Answer.objects.get(prompt=prompt)


# --- valid values of every kind ----------------------------------------------------------


def test_short_text_autosaves_and_returns_the_new_version(enrolled_client, course, prompts):
    response = autosave(enrolled_client, course, prompts["short_text"], "  I throw stoneware for home cooks.  ")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "value": "I throw stoneware for home cooks.", "version": 1,
                               "display": "I throw stoneware for home cooks.", "image_url": ""}
    assert answer_for(prompts["short_text"]).value == "I throw stoneware for home cooks."


def test_every_save_increments_the_version(enrolled_client, course, prompts):
    prompt = prompts["long_text"]
    assert autosave(enrolled_client, course, prompt, "First draft").json()["version"] == 1
    assert autosave(enrolled_client, course, prompt, "Second draft", version=1).json()["version"] == 2
    assert autosave(enrolled_client, course, prompt, "Third draft", version=2).json()["version"] == 3
    answer = answer_for(prompt)
    assert (answer.value, answer.version) == ("Third draft", 3)


def test_choices_are_stored_as_lists_in_the_authors_order(enrolled_client, course, prompts):
    response = autosave(enrolled_client, course, prompts["multiple_choice"], ["Newsletter", "Instagram"])
    assert response.status_code == 200
    assert answer_for(prompts["multiple_choice"]).value == ["Instagram", "Newsletter"]
    assert autosave(enrolled_client, course, prompts["checklist"], ["Photo added"]).status_code == 200
    assert autosave(enrolled_client, course, prompts["single_choice"], "Weekly").json()["value"] == "Weekly"


def test_url_without_scheme_is_saved_as_https(enrolled_client, course, prompts):
    response = autosave(enrolled_client, course, prompts["url"], "www.example.com/studio")
    assert response.json()["value"] == "https://www.example.com/studio"


def test_numbers_are_stored_as_numbers(enrolled_client, course, prompts):
    assert autosave(enrolled_client, course, prompts["number"], "6").json()["value"] == 6
    assert autosave(enrolled_client, course, prompts["number"], "2.5", version=1).json()["value"] == 2.5


def test_image_upload_is_reencoded_and_stored(enrolled_client, course, prompts):
    response = autosave(enrolled_client, course, prompts["image"], png_upload())
    assert response.status_code == 200
    answer = answer_for(prompts["image"])
    assert answer.image.name.startswith("answers/") and answer.image.name.endswith(".png")
    # Its address is the owner-checked view's (before: the public media URL).
    assert response.json()["image_url"] == reverse("portfolios:answer_image", args=[course.slug, answer.image.name])
    assert enrolled_client.get(response.json()["image_url"])["Content-Type"] == "image/png"


# --- invalid values: 400 with a message, nothing stored ----------------------------------


def assert_refused(response, words: str):
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False
    assert any(words in message for message in body["errors"]), body["errors"]


def test_over_long_short_text_is_refused_with_the_limit(enrolled_client, course, prompts):
    assert_refused(autosave(enrolled_client, course, prompts["short_text"], "x" * 61), "shorten this answer to 60 characters")
    assert not Answer.objects.exists()


def test_over_long_long_text_is_refused(enrolled_client, course, prompts):
    assert_refused(autosave(enrolled_client, course, prompts["long_text"], "x" * 2001), "2000 characters")


def test_choice_not_in_the_list_is_refused(enrolled_client, course, prompts):
    assert_refused(autosave(enrolled_client, course, prompts["single_choice"], "Hourly"), "pick one of the options")
    assert_refused(autosave(enrolled_client, course, prompts["multiple_choice"], ["Instagram", "MySpace"]), "“MySpace” is not one of the options")
    assert_refused(autosave(enrolled_client, course, prompts["checklist"], ["Bought followers"]), "not one of the options")


def test_bad_url_is_refused(enrolled_client, course, prompts):
    assert_refused(autosave(enrolled_client, course, prompts["url"], "not a web address"), "Please enter a web address")


def test_number_out_of_range_or_not_a_number_is_refused(enrolled_client, course, prompts):
    assert_refused(autosave(enrolled_client, course, prompts["number"], "81"), "no bigger than 80")
    assert_refused(autosave(enrolled_client, course, prompts["number"], "-1"), "at least 0")
    assert_refused(autosave(enrolled_client, course, prompts["number"], "lots"), "Please enter a number")
    assert_refused(autosave(enrolled_client, course, prompts["number"], "-1"), "at least 0.")  # "0", not "0.00"
    assert_refused(autosave(enrolled_client, course, prompts["number"], "1.2k"), "Please enter a number in figures, e.g. 1200 or 2.5.")


def test_a_number_with_thousands_separators_is_read_as_people_write_it(enrolled_client, course, prompts):
    prompts["number"].max_value = None
    prompts["number"].save(update_fields=["max_value"])
    response = autosave(enrolled_client, course, prompts["number"], "1,200")
    assert response.status_code == 200, response.content
    assert Answer.objects.get(prompt=prompts["number"]).value == 1200


def test_a_file_that_is_not_an_image_is_refused(enrolled_client, course, prompts):
    fake = SimpleUploadedFile("studio.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    assert_refused(autosave(enrolled_client, course, prompts["image"], fake), "not an image we can read")
    assert not Answer.objects.exists()


def test_missing_version_is_refused(enrolled_client, course, prompts):
    response = enrolled_client.post(
        reverse("portfolios:autosave_answer", args=[course.slug, prompts["short_text"].pk]), {f"prompt_{prompts['short_text'].pk}": "Hi"}
    )
    assert_refused(response, "reload")


# --- version conflicts ------------------------------------------------------------------


def test_stale_save_gets_409_with_the_server_copy_and_overwrites_nothing(enrolled_client, course, prompts):
    prompt = prompts["long_text"]
    autosave(enrolled_client, course, prompt, "Written in tab A")  # version 1
    response = autosave(enrolled_client, course, prompt, "Written in tab B", version=0)
    assert response.status_code == 409
    assert response.json() == {"ok": False, "conflict": True, "value": "Written in tab A", "version": 1,
                               "display": "Written in tab A", "image_url": ""}
    assert answer_for(prompt).value == "Written in tab A"


def test_after_a_conflict_saving_with_the_server_version_keeps_the_learners_choice(enrolled_client, course, prompts):
    prompt = prompts["multiple_choice"]
    autosave(enrolled_client, course, prompt, ["Instagram"])
    conflict = autosave(enrolled_client, course, prompt, ["LinkedIn"], version=0).json()
    assert conflict["display"] == "Instagram"
    response = autosave(enrolled_client, course, prompt, ["LinkedIn"], version=conflict["version"])
    assert response.json()["version"] == 2
    assert answer_for(prompt).value == ["LinkedIn"]


def test_two_first_saves_from_two_tabs_conflict_instead_of_overwriting(enrolled_client, course, prompts):
    prompt = prompts["short_text"]
    assert autosave(enrolled_client, course, prompt, "Tab one").status_code == 200
    assert autosave(enrolled_client, course, prompt, "Tab two", version=0).status_code == 409
    assert Answer.objects.get().value == "Tab one"


@pytest.mark.django_db(transaction=True)
def test_two_first_saves_conflict_in_autocommit_too(enrolled_client, course, prompts):
    """Outside a transaction (as in production) the first save is one INSERT with no savepoint;
    the second tab's INSERT fails alone and the endpoint still answers with the server's copy."""
    from django.db import connection

    prompt = prompts["short_text"]
    assert not connection.in_atomic_block
    assert autosave(enrolled_client, course, prompt, "Tab one").status_code == 200
    conflict = autosave(enrolled_client, course, prompt, "Tab two", version=0)
    assert conflict.status_code == 409 and conflict.json()["value"] == "Tab one"
    assert autosave(enrolled_client, course, prompt, "Tab two again", version=1).json()["version"] == 2


# --- the form without JavaScript --------------------------------------------------------


def form_data(prompts, **values):
    data = {f"version_{p.pk}": 0 for p in prompts.values()}
    for kind, value in values.items():
        data[f"prompt_{prompts[kind].pk}"] = value
    return data


def test_normal_submit_saves_every_field(enrolled_client, course, worksheet, prompts):
    data = form_data(prompts, short_text="Ceramics for cooks", long_text="Post weekly", single_choice="Weekly",
                     multiple_choice=["LinkedIn"], url="https://example.com", number="4")
    data[f"prompt_{prompts['image'].pk}"] = png_upload()
    data[f"alt_{prompts['image'].pk}"] = "A stoneware bowl"
    response = enrolled_client.post(worksheet.get_absolute_url(), data)
    assert response.status_code == 302
    saved = {a.prompt.kind: a for a in Answer.objects.select_related("prompt")}
    assert saved["short_text"].value == "Ceramics for cooks"
    assert saved["multiple_choice"].value == ["LinkedIn"]
    assert saved["number"].value == 4
    assert saved["image"].image
    assert "checklist" not in saved  # nothing ticked, nothing saved
    page = enrolled_client.get(worksheet.get_absolute_url()).content.decode()
    assert "Your answers are saved." in page
    assert 'value="Ceramics for cooks"' in page


def test_normal_submit_with_errors_keeps_the_typed_text_and_saves_the_rest(enrolled_client, course, worksheet, prompts):
    data = form_data(prompts, short_text="Fine answer", url="not a url at all", number="500", long_text="Kept <b>safe</b>")
    response = enrolled_client.post(worksheet.get_absolute_url(), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please enter a web address" in html
    assert "no bigger than 80" in html
    assert 'value="not a url at all"' in html
    assert 'value="500"' in html
    assert "Kept &lt;b&gt;safe&lt;/b&gt;" in html
    assert Answer.objects.get(prompt=prompts["short_text"]).value == "Fine answer"
    # The redisplayed form carries the new version, so saving again does not conflict.
    assert f'name="version_{prompts["short_text"].pk}" value="1"' in html


def test_normal_submit_from_a_stale_page_shows_both_versions(enrolled_client, course, worksheet, prompts):
    autosave(enrolled_client, course, prompts["long_text"], "Saved from my phone")
    response = enrolled_client.post(worksheet.get_absolute_url(), form_data(prompts, long_text="Typed on my laptop"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Saved from my phone" in html and "Typed on my laptop" in html
    assert "changed somewhere else" in html
    assert f'aria-label="Two versions of: {prompts["long_text"].label}"' in html  # names its question
    assert Answer.objects.get(prompt=prompts["long_text"]).value == "Saved from my phone"
    # Saving again (with the version the page now carries) keeps the laptop text.
    data = form_data(prompts, long_text="Typed on my laptop")
    data[f"version_{prompts['long_text'].pk}"] = 1
    assert enrolled_client.post(worksheet.get_absolute_url(), data).status_code == 302
    assert Answer.objects.get(prompt=prompts["long_text"]).value == "Typed on my laptop"


def test_unchanged_fields_are_not_saved_again(enrolled_client, course, worksheet, prompts):
    autosave(enrolled_client, course, prompts["short_text"], "Same")
    data = form_data(prompts, short_text="Same")
    data[f"version_{prompts['short_text'].pk}"] = 1
    enrolled_client.post(worksheet.get_absolute_url(), data)
    assert Answer.objects.get().version == 1


# --- the acknowledgement is what this request wrote -------------------------------------------


def another_tab_saves_right_after(statement_start, save):
    """A database execute wrapper: once this request's UPDATE has run, another tab's save commits
    (the interleaving a fault run found under load, made to happen every time)."""
    done = []

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith(statement_start) and not done:
            done.append(True)
            save()
        return result

    return wrapper


def test_autosave_acknowledges_the_version_and_text_it_wrote_even_when_another_tab_saves_at_once(
    enrolled_client, course, prompts, enrollment
):
    prompt = prompts["long_text"]
    assert autosave(enrolled_client, course, prompt, "First draft").json()["version"] == 1

    def other_tab():
        Answer.objects.filter(prompt=prompt).update(value="The other tab's text", version=F("version") + 1)

    with connection.execute_wrapper(another_tab_saves_right_after('UPDATE "portfolios_answer"', other_tab)):
        response = autosave(enrolled_client, course, prompt, "This tab's text", version=1)
    assert response.json()["ok"] is True
    assert (response.json()["version"], response.json()["value"]) == (2, "This tab's text")
    # This tab's next save (from version 2) is refused, so the other tab's text is never overwritten silently.
    stale = autosave(enrolled_client, course, prompt, "This tab again", version=2)
    assert stale.status_code == 409
    assert answer_for(prompt).value == "The other tab's text"


def test_portfolio_text_autosave_acknowledges_what_it_wrote(enrolled_client, course, enrollment):
    url = reverse("portfolios:autosave_text", args=[course.slug, "summary"])
    assert enrolled_client.post(url, {"summary": "Mine", "summary_version": 0}).json()["version"] == 1

    def other_tab():
        Portfolio.objects.filter(enrollment=enrollment).update(summary="Theirs", summary_version=F("summary_version") + 1)

    with connection.execute_wrapper(another_tab_saves_right_after('UPDATE "portfolios_portfolio"', other_tab)):
        body = enrolled_client.post(url, {"summary": "Mine, again", "summary_version": 1}).json()
    assert (body["ok"], body["version"], body["value"]) == (True, 2, "Mine, again")
    assert enrolled_client.post(url, {"summary": "Mine, third", "summary_version": 2}).status_code == 409
