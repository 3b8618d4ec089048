"""#16.11: learners' images keep their format, describe themselves and come in sizes."""

import io
import random

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portfolios.models import Answer


def photo_bytes(size=(3000, 2000), quality=92) -> bytes:
    """A photo-like JPEG: smooth gradients with grain, as a phone camera makes."""
    width, height = size
    small = Image.new("RGB", (width // 10, height // 10))
    rng = random.Random(7)
    small.putdata([
        (min(255, x * 2 + rng.randrange(40)), min(255, y * 3 + rng.randrange(40)), (x * y) % 200 + rng.randrange(50))
        for y in range(height // 10) for x in range(width // 10)
    ])
    buffer = io.BytesIO()
    small.resize(size, Image.Resampling.BICUBIC).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def upload(client, course, prompt, content, *, alt="A glazed bowl on a bench", name="photo.jpg", version=0):
    data = {f"prompt_{prompt.pk}": SimpleUploadedFile(name, content, content_type="image/jpeg"), f"version_{prompt.pk}": str(version)}
    if alt is not None:
        data[f"alt_{prompt.pk}"] = alt
    return client.post(reverse("portfolios:autosave_answer", args=[course.slug, prompt.pk]), data)


def test_a_jpeg_photo_stays_a_jpeg_with_a_smaller_copy_for_srcset(enrolled_client, course, prompts):
    content = photo_bytes()
    response = upload(enrolled_client, course, prompts["image"], content)
    assert response.status_code == 200, response.content
    answer = Answer.objects.get(prompt=prompts["image"])
    assert answer.image.name.endswith(".jpg") and answer.image_small.name.endswith(".jpg")
    with default_storage.open(answer.image.name) as stored, Image.open(stored) as image:
        assert image.format == "JPEG" and image.size == (1600, 1067)
    with default_storage.open(answer.image_small.name) as stored, Image.open(stored) as small:
        assert small.size[0] == 640
    assert (answer.image_width, answer.image_height) == (1600, 1067)
    # Smaller than the photo that came in (a PNG of it was four times bigger).
    assert answer.image.size < len(content)


def test_a_webp_stays_a_webp(enrolled_client, course, prompts):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 120, 200)).save(buffer, "WEBP")
    assert upload(enrolled_client, course, prompts["image"], buffer.getvalue(), name="p.webp").status_code == 200
    assert Answer.objects.get(prompt=prompts["image"]).image.name.endswith(".webp")


def test_a_phone_photo_over_5_mb_is_made_smaller_not_refused(enrolled_client, course, prompts):
    content = photo_bytes(size=(6000, 4500), quality=100)
    assert len(content) > 5 * 1024 * 1024
    response = upload(enrolled_client, course, prompts["image"], content)
    assert response.status_code == 200, response.content
    answer = Answer.objects.get(prompt=prompts["image"])
    assert max(answer.image_width, answer.image_height) == 1600


def test_an_image_without_a_description_is_not_saved_and_the_message_says_why(enrolled_client, course, prompts):
    response = upload(enrolled_client, course, prompts["image"], photo_bytes(size=(400, 300)), alt=None)
    assert response.status_code == 400
    assert "describe this image" in response.json()["errors"][0]
    response = upload(enrolled_client, course, prompts["image"], photo_bytes(size=(400, 300)), alt="  ")
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_the_description_is_the_images_alt_text_with_its_sizes(enrolled_client, course, prompts, worksheet):
    upload(enrolled_client, course, prompts["image"], photo_bytes(), alt="My studio shelf of test tiles")
    answer = Answer.objects.get(prompt=prompts["image"])
    worksheet_html = enrolled_client.get(worksheet.get_absolute_url()).content.decode()
    assert 'alt="My studio shelf of test tiles"' in worksheet_html
    assert 'value="My studio shelf of test tiles"' in worksheet_html  # the description can be edited
    portfolio_html = enrolled_client.get(reverse("portfolios:portfolio", args=[course.slug])).content.decode()
    assert 'alt="My studio shelf of test tiles"' in portfolio_html
    small_url = reverse("portfolios:answer_image", args=[course.slug, answer.image_small.name])
    assert f'srcset="{small_url} 640w, ' in portfolio_html
    assert 'width="1600" height="1067"' in portfolio_html
    assert enrolled_client.get(small_url).status_code == 200


def test_a_new_description_alone_updates_the_saved_image(enrolled_client, course, prompts):
    upload(enrolled_client, course, prompts["image"], photo_bytes(size=(400, 300)))
    answer = Answer.objects.get(prompt=prompts["image"])
    url = reverse("portfolios:autosave_answer", args=[course.slug, prompts["image"].pk])
    response = enrolled_client.post(url, {f"alt_{answer.prompt_id}": "A better description", f"version_{answer.prompt_id}": "1"})
    assert response.status_code == 200, response.content
    assert response.json()["image_alt"] == "A better description"
    assert response.json()["image_url"].endswith(answer.image.name)
    answer.refresh_from_db()
    assert answer.image_alt == "A better description" and answer.version == 2


def test_the_no_javascript_form_asks_for_the_description_and_keeps_the_other_answers(enrolled_client, course, prompts, worksheet):
    data = {f"prompt_{prompts['short_text'].pk}": "Stoneware for cooks", f"version_{prompts['short_text'].pk}": "0",
            f"prompt_{prompts['image'].pk}": SimpleUploadedFile("p.jpg", photo_bytes(size=(400, 300)), content_type="image/jpeg"),
            f"version_{prompts['image'].pk}": "0", "action": "save"}
    response = enrolled_client.post(worksheet.get_absolute_url(), data)
    assert response.status_code == 400
    assert "Please describe this image in a few words" in response.content.decode()
    assert Answer.objects.get(prompt=prompts["short_text"]).value == "Stoneware for cooks"
    assert not Answer.objects.filter(prompt=prompts["image"]).exists()
