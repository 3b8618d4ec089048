"""#16.11 in Chromium: an image chosen before it is described waits for its description, then saves with it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portfolios.models import Answer
from tests.conftest import login_in_browser, screenshot
from tests.portfolios.conftest import png_bytes

pytestmark = pytest.mark.browser


def test_an_image_saves_once_described_and_shows_its_description_as_alt(
    transactional_db, page, learner, enrollment, course, worksheet, prompts, tmp_path
):
    image = tmp_path / "studio.png"
    image.write_bytes(png_bytes(size=(900, 600)))
    login_in_browser(page, learner.email)
    page.goto(worksheet.get_absolute_url())
    box = page.locator(f"#field-{prompts['image'].pk}")
    box.locator("input[type=file]").set_input_files(str(image))
    expect(box.locator(".field-error")).to_contain_text("Please describe this image", timeout=10000)
    assert not Answer.objects.filter(prompt=prompts["image"]).exists()
    box.locator("[data-image-alt]").fill("A bench of drying bowls")
    box.locator("[data-image-alt]").blur()
    expect(box.locator(".save-status")).to_have_text("Saved", timeout=10000)
    expect(box.locator(".current-image img")).to_have_attribute("alt", "A bench of drying bowls")
    screenshot(page, "content-image-description")
    answer = Answer.objects.get(prompt=prompts["image"])
    assert answer.image_alt == "A bench of drying bowls" and answer.image_small
    # A new description alone is saved too.
    box.locator("[data-image-alt]").fill("Drying bowls on a bench")
    box.locator("[data-image-alt]").blur()
    expect(box.locator(".save-status")).to_have_text("Saved", timeout=10000)
    answer.refresh_from_db()
    assert answer.image_alt == "Drying bowls on a bench"
    # Shown smaller, never squashed: on the reloaded worksheet and on the portfolio page.
    for url, selector in ((worksheet.get_absolute_url(), f"#field-{prompts['image'].pk} .current-image img"),
                          (reverse("portfolios:portfolio", args=[course.slug]), "img.answer-image")):
        page.goto(url)
        image = page.locator(selector).first
        image.scroll_into_view_if_needed()
        expect(image).to_be_visible()
        box = image.bounding_box()
        assert box["height"] <= 360 and abs(box["width"] / box["height"] - 1.5) < 0.03, (url, box)
