"""Open Badges 2.0 hosted verification: the Issuer, BadgeClass and Assertion documents, baking, sharing.

Every `id` is an absolute URL under settings.SITE_URL that answers with the same document, which is
what "hosted" verification means: a verifier fetches the assertion from its id, follows `badge` to
the BadgeClass and `issuer` to the Profile, and compares the recipient hash with the earner's email.
Spec: https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html
"""

import hashlib
import io
import json
from email.utils import parseaddr
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from badges.models import Award, BadgeClass

CONTEXT = "https://w3id.org/openbadges/v2"
CONTENT_TYPE = "application/ld+json"
BAKED_KEYWORD = "openbadges"


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else settings.SITE_URL + path


def issuer_id() -> str:
    return absolute(reverse("badges:issuer"))


def badge_class_id(badge: BadgeClass) -> str:
    return absolute(reverse("badges:class", args=[badge.slug]))


def assertion_id(award: Award) -> str:
    return absolute(reverse("badges:assertion", args=[award.uuid]))


def issuer_email() -> str:
    return getattr(settings, "BADGE_ISSUER_EMAIL", "") or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def issuer_json() -> dict:
    return {
        "@context": CONTEXT,
        "id": issuer_id(),
        "type": "Profile",
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
        "email": issuer_email(),
        "description": "Atelier runs self-paced courses for creative professionals and issues their badges.",
    }


def badge_class_json(badge: BadgeClass) -> dict:
    criteria_url = absolute(badge.course.get_absolute_url()) if badge.course_id else settings.SITE_URL + "/"
    return {
        "@context": CONTEXT,
        "id": badge_class_id(badge),
        "type": "BadgeClass",
        "name": badge.name,
        "description": badge.description_text(),
        "image": absolute(badge.image.url),
        "criteria": {"id": criteria_url, "narrative": badge.criteria},
        "issuer": issuer_id(),
    }


def recipient_identity(email: str, salt: str) -> str:
    """The salted hash OB 2.0 uses for a hashed email: 'sha256$' + hex(sha256(email + salt))."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def assertion_json(award: Award) -> dict:
    data = {
        "@context": CONTEXT,
        "id": assertion_id(award),
        "type": "Assertion",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.salt,
            "identity": award.recipient_identity or recipient_identity(award.recipient.email, award.salt),
        },
        "badge": badge_class_id(award.badge),
        "verification": {"type": "hosted"},
        "issuedOn": award.awarded_at.isoformat(timespec="seconds"),
        "image": absolute(reverse("badges:baked", args=[award.uuid])),
    }
    if award.evidence_url:
        data["evidence"] = award.evidence_url
    if award.reason:
        data["narrative"] = award.reason
    return data


def revoked_assertion_json(award: Award) -> dict:
    return {
        "@context": CONTEXT,
        "id": assertion_id(award),
        "type": "Assertion",
        "revoked": True,
        "revocationReason": award.revocation_reason or "This badge was revoked by the issuer.",
    }


def dumps(data: dict) -> str:
    """The one serialisation used by the endpoint and the baked image, so both carry the same text."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def bake_png(image_file, assertion: dict) -> bytes:
    """Return the badge PNG with the assertion in exactly one uncompressed iTXt chunk `openbadges`.

    Other text chunks are kept; an existing `openbadges` chunk (a re-baked image) is dropped.
    """
    return bake_itxt(image_file, BAKED_KEYWORD, dumps(assertion), keep_other_text=True)


def bake_itxt(image_file, keyword: str, payload: str, *, keep_other_text: bool) -> bytes:
    """The PNG of `image_file` with `payload` in one uncompressed iTXt chunk named `keyword`: the
    baking of Open Badges 2.0 (`openbadges`) and 3.0 (`openbadgecredential`, credentials.bake_png)."""
    image_file.open("rb")
    try:
        image = Image.open(image_file)
        image.load()
    finally:
        image_file.close()
    info = PngInfo()
    if keep_other_text:
        for key, value in getattr(image, "text", {}).items():
            if key != keyword:
                info.add_text(key, value)
    info.add_itxt(keyword, payload, zip=False)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def linkedin_add_url(award: Award) -> str:
    """LinkedIn's "Add licence or certification" link, filled in for this award."""
    return linkedin_certification_url(award.badge.name, award.awarded_at, award.get_absolute_url(), str(award.uuid))


def linkedin_certification_url(name: str, issued_at, page_url: str, credential_id: str) -> str:
    """LinkedIn's "Add licence or certification" form, filled in: name, organisation, issue date,
    credential id and URL."""
    issued = timezone.localtime(issued_at)
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": settings.SITE_NAME,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": absolute(page_url),
        "certId": credential_id,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(params)
