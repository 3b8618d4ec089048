import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.context_processors import header
from accounts.models import User
from accounts.services import notify


def png_bytes(size=(64, 64), color=(200, 30, 90)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def test_email_is_the_login_and_the_public_name_falls_back_sensibly(db):
    user = User.objects.create_user(email="maker@example.com", username="maker", password="pw-123456789")
    assert User.USERNAME_FIELD == "email"
    assert user.public_name == "maker"
    user.display_name = "Mia Maker"
    assert user.public_name == "Mia Maker"
    assert user.profile_is_public is False


def test_sign_up_sends_a_verification_email_and_keeps_the_extra_fields(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9",
         "display_name": "Nia New", "country": "AU"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.display_name == "Nia New" and user.country.code == "AU"
    assert len(mail.outbox) == 1
    assert "new@example.com" in mail.outbox[0].to
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    # In the site's voice, not allauth's "Hello from testserver! ... user X has given your email address".
    assert mail.outbox[0].subject == "[Atelier] Confirm your email address"
    assert mail.outbox[0].body.startswith("Hello Nia New,\n\nTo confirm that this is your email address, open this link:")
    assert "Hello from" not in mail.outbox[0].body and "has given your email address" not in mail.outbox[0].body
    assert not EmailAddress.objects.get(email="new@example.com").verified
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)
    html = client.get(link).content.decode()
    assert "Confirm your email address" in html and "new@example.com</a> is your email address, Nia New." in html


def test_unverified_account_cannot_log_in_until_it_confirms(client, db):
    client.post("/accounts/signup/", {"email": "wait@example.com", "password1": "a-long-pass-phrase-9",
                                      "password2": "a-long-pass-phrase-9"})
    client.logout()
    response = client.post("/accounts/login/", {"login": "wait@example.com", "password": "a-long-pass-phrase-9"})
    assert response.status_code == 302
    assert "confirm-email" in response.url
    assert "_auth_user_id" not in client.session


def test_the_check_your_email_page_offers_a_new_link_and_logging_in_sends_one(client, db):
    """The page after sign-up says what to do when no email comes: log in again. That sends a new
    link (allauth limits it to one every few minutes, so the limit's window is cleared here)."""
    response = client.post("/accounts/signup/", {"email": "late@example.com", "password1": "a-long-pass-phrase-9",
                                                 "password2": "a-long-pass-phrase-9"}, follow=True)
    html = response.content.decode()
    assert "Check your email" in html and 'href="/accounts/login/"' in html
    assert "contact us" not in html
    assert len(mail.outbox) == 1
    cache.clear()  # three minutes later, as far as the rate limit knows
    response = client.post("/accounts/login/", {"login": "late@example.com", "password": "a-long-pass-phrase-9"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["late@example.com"]
    assert "/accounts/confirm-email/" in mail.outbox[1].body
    assert "_auth_user_id" not in client.session


def test_a_forgotten_password_gets_a_link_and_pages_that_say_what_to_do_next(client, learner):
    response = client.get("/accounts/password/reset/")
    html = response.content.decode()
    assert "contact us" not in html and "look in your spam folder" in html
    assert "Reset your password" in html and "Send me a link" in html  # the site's sentence case, not allauth's Title Case
    response = client.post("/accounts/password/reset/", {"email": "learner@example.com"}, follow=True)
    html = response.content.decode()
    assert "Check your email" in html and "contact us" not in html
    assert 'href="/accounts/password/reset/">ask again</a>' in html
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["learner@example.com"]
    assert mail.outbox[0].subject == "[Atelier] Reset your password"
    assert "Hello Lee Learner," in mail.outbox[0].body and "your password stays as it is" in mail.outbox[0].body
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.redirect_chain, "allauth moves the key out of the URL before the form"
    response = client.post(response.redirect_chain[-1][0], {"password1": "a-new-pass-phrase-7", "password2": "a-new-pass-phrase-7"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("a-new-pass-phrase-7")


def test_verified_learner_logs_in_with_email_and_password(client, learner):
    response = client.post("/accounts/login/", {"login": "learner@example.com", "password": "correct-horse-42"})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == learner.pk



def test_logging_in_and_out_says_so_with_the_name_people_see_in_the_sites_words(client, learner):
    """allauth said "Successfully signed in as <username>": the username is never shown anywhere
    else, and the site says "log in" everywhere (locale/en)."""
    response = client.post("/accounts/login/", {"login": "learner@example.com", "password": "correct-horse-42"}, follow=True)
    html = response.content.decode()
    assert f"Logged in as {learner.public_name}." in html and "signed in" not in html.lower()
    assert learner.public_name != learner.username
    response = client.post("/accounts/logout/", follow=True)
    assert "You have logged out." in response.content.decode()

def test_wrong_password_gets_a_clear_error(client, learner):
    response = client.post("/accounts/login/", {"login": "learner@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_profile_page_saves_name_country_bio_and_avatar_without_metadata(client, learner):
    client.force_login(learner)
    image = Image.new("RGB", (300, 200), (10, 120, 200))
    exif = image.getexif()
    exif[0x010E] = "secret description"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client.post(
        "/profile/",
        {"display_name": "Lee L.", "country": "NZ", "bio": "I make prints.", "avatar": upload,
         "wants_gallery_emails": "on"},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.display_name == "Lee L." and learner.country.code == "NZ" and learner.bio == "I make prints."
    with Image.open(learner.avatar.path) as stored:
        assert stored.format == "PNG"
        assert not stored.getexif()
        assert "secret" not in str(stored.info)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("notes.png", b"<html><script>alert(1)</script></html>", "not an image"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not an image"),
    ],
)
def test_avatar_that_is_not_an_image_is_refused_with_a_clear_error(client, learner, name, content, message):
    client.force_login(learner)
    response = client.post("/profile/", {"display_name": "Kept Name", "avatar": SimpleUploadedFile(name, content)})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Kept Name"' in html  # what the learner typed is kept
    learner.refresh_from_db()
    assert not learner.avatar


def test_oversized_avatar_is_refused(client, learner, settings):
    settings.MAX_IMAGE_BYTES = 50_000
    client.force_login(learner)
    noisy = Image.effect_noise((400, 400), 100).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    assert len(buffer.getvalue()) > 50_000
    response = client.post("/profile/", {"avatar": SimpleUploadedFile("big.png", buffer.getvalue())})
    assert "the limit is" in response.content.decode()
    learner.refresh_from_db()
    assert not learner.avatar


def test_decompression_bomb_avatar_is_refused(client, learner):
    client.force_login(learner)
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")  # 400 megapixels in a few dozen kilobytes
    assert len(buffer.getvalue()) < 200_000
    response = client.post("/profile/", {"avatar": SimpleUploadedFile("bomb.png", buffer.getvalue())})
    assert "megapixels" in response.content.decode() or "too large" in response.content.decode()
    learner.refresh_from_db()
    assert not learner.avatar


def test_private_profile_is_404_to_others_and_visible_to_its_owner(client, learner, other_learner):
    assert client.get(f"/u/{learner.username}/").status_code == 404
    client.force_login(other_learner)
    assert client.get(f"/u/{learner.username}/").status_code == 404
    client.force_login(learner)
    assert client.get(f"/u/{learner.username}/").status_code == 200
    learner.profile_is_public = True
    learner.save()
    client.logout()
    assert "Lee Learner" in client.get(f"/u/{learner.username}/").content.decode()


def test_notifications_list_and_mark_all_read(client, learner):
    notify(learner, "comment", "Olive commented on your entry", "/gallery/")
    client.force_login(learner)
    html = client.get("/notifications/").content.decode()
    assert "Olive commented on your entry" in html
    assert '1<span class="visually-hidden"> unread</span>' in html
    client.post("/notifications/read/")
    assert learner.notifications.unread().count() == 0


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, learner, other_learner):
    mine = notify(learner, "reply", "Olive replied to your comment", "/gallery/some-course/1/#comment-3")
    client.force_login(learner)
    response = client.post(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302 and response.url == "/gallery/some-course/1/#comment-3"
    mine.refresh_from_db()
    assert mine.read_at is not None
    offsite = notify(learner, "reply", "Bad link", "https://evil.example/")
    assert client.post(f"/notifications/{offsite.pk}/open/").url == "/notifications/"
    theirs = notify(other_learner, "reply", "Not yours", "/")
    assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.get(f"/notifications/{mine.pk}/open/").status_code == 405


def test_header_unread_count_follows_every_change(client, learner):
    def header_count():
        html = client.get("/badges/").content.decode()
        match = re.search(r'<span class="count">(\d+)<span class="visually-hidden"> unread', html)
        return int(match.group(1)) if match else 0

    client.force_login(learner)
    assert header_count() == 0
    first = notify(learner, "comment", "One", "/gallery/")
    assert header_count() == 1
    notify(learner, "reply", "Two", "/gallery/")
    assert header_count() == 2
    client.post(f"/notifications/{first.pk}/open/")
    assert header_count() == 1
    client.post(f"/notifications/{first.pk}/open/")  # opening it again takes nothing more off
    assert header_count() == 1
    client.post("/notifications/read/")
    assert header_count() == 0


def test_the_notifications_page_puts_a_drifted_count_right(client, learner):
    notify(learner, "badge", "Three", "/badges/").delete()  # a row removed behind the count's back
    client.force_login(learner)
    assert '<span class="count">' in client.get("/badges/").content.decode()
    client.get("/notifications/")
    learner.refresh_from_db()
    assert learner.unread_notifications == 0
    assert '<span class="count">' not in client.get("/badges/").content.decode()


def test_the_header_count_comes_with_the_user_row(rf, learner, django_assert_num_queries):
    notify(learner, "comment", "One", "/gallery/")
    learner.refresh_from_db()
    request = rf.get("/")
    request.user = learner
    with django_assert_num_queries(0):
        assert header(request)["unread_notifications"] == 1
