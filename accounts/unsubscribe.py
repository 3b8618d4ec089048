"""Unsubscribe links for the emails a learner can turn off: pace reminders, gallery digests and
their instructors' announcements and feedback.

A link carries the user's id signed and timestamped (django.core.signing) with a salt of its own
per kind of email, and works for LINK_MAX_AGE after the email went out: long enough for an email
read late, short enough that an old email, forwarded or found in a leak, cannot change someone's
settings for ever. Past that the page says so and points to the profile, where the same setting
is a checkbox. The page names the email, never the person or their address: whoever holds the
link learns nothing about whose it is.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

LINK_MAX_AGE = timedelta(days=60)


@dataclass(frozen=True)
class Topic:
    field: str  # the User preference the link turns off
    name: str  # what the page calls these emails
    what: str  # what they are, for the page that asks
    salt: str


TOPICS = {
    "pace-reminders": Topic(
        field="wants_pace_reminders",
        name="pace reminders",
        what="We send at most one a week, when you fall behind your recommended schedule.",
        # The salt the reminders signed with before this module, so links already sent still work.
        salt="courses.pace-reminders.unsubscribe",
    ),
    "gallery": Topic(
        field="wants_gallery_emails",
        name="gallery emails",
        what="We send them when someone comments on your gallery entry or replies to your comments.",
        salt="accounts.gallery-emails.unsubscribe",
    ),
    "course-emails": Topic(
        field="wants_course_emails",
        name="emails from your instructors",
        what="Your instructors send them when they post an announcement to your course or give feedback on your work.",
        salt="accounts.course-emails.unsubscribe",
    ),
}


def unsubscribe_token(user, topic: str) -> str:
    return signing.dumps(user.pk, salt=TOPICS[topic].salt)


def unsubscribe_url(user, topic: str) -> str:
    """The absolute link an email carries, in its body and its List-Unsubscribe header."""
    return settings.SITE_URL + reverse("accounts:unsubscribe", args=[topic, unsubscribe_token(user, topic)])


def unsubscribe_headers(url: str) -> dict:
    """RFC 2369 and RFC 8058 headers: mail clients show an unsubscribe button that POSTs to the link."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def user_id_from_token(topic: str, token: str) -> int:
    """The user id a link names; signing.SignatureExpired past LINK_MAX_AGE, signing.BadSignature
    for anything else that is not one of our links for this topic."""
    try:
        return int(signing.loads(token, salt=TOPICS[topic].salt, max_age=LINK_MAX_AGE))
    except (TypeError, ValueError):
        raise signing.BadSignature("not a user id") from None
