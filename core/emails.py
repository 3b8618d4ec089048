"""Every email the site sends: three templates per email and one way to send them.

`emails/<name>_subject.txt`, `emails/<name>_body.txt` and `emails/<name>_body.html`; the HTML
bodies extend `emails/base.html` and the text bodies `emails/base.txt`, so the greeting,
sign-off and layout are written once.
"""

import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone


def send_templated_email(
    name: str, to: str | list[str], context: dict, *, headers: dict | None = None, time_zone: str = ""
) -> None:
    """Render and send; times in the templates read in `time_zone` (the recipient's User.time_zone), else TIME_ZONE's."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    with timezone.override(zoneinfo.ZoneInfo(time_zone) if time_zone else None):
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"emails/{name}_body.txt", context),
            to=[to] if isinstance(to, str) else list(to),
            headers=headers,
        )
        message.attach_alternative(render_to_string(f"emails/{name}_body.html", context), "text/html")
    message.send()
