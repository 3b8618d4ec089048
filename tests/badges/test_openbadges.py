import hashlib
import io
import json
import struct
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from PIL import Image

from badges.services import award_badge, revoke_award

SITE = "http://127.0.0.1:8000"
CONTEXT = "https://w3id.org/openbadges/v2"


@pytest.fixture
def award(learner, session_badge):
    return award_badge(learner, session_badge, reason="", evidence_url="")


def _get_json(client, url: str, status: int = 200) -> dict:
    """Fetch an id the way a verifier does (absolute URL → path on the test server)."""
    assert url.startswith(SITE + "/")
    response = client.get(url.removeprefix(SITE))
    assert response.status_code == status
    assert response["Content-Type"] == "application/ld+json"
    return json.loads(response.content)


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks.append((kind, body))
        pos += 12 + length
    return chunks


def test_issuer_profile_has_every_required_field_and_its_id_resolves(client):
    issuer = _get_json(client, SITE + "/badges/issuer.json")

    assert issuer["@context"] == CONTEXT
    assert issuer["type"] == "Profile"
    assert issuer["id"] == SITE + "/badges/issuer.json"
    assert issuer["name"] == "Atelier"
    assert issuer["url"] == SITE + "/"
    assert issuer["email"] == "no-reply@atelier.localhost"
    assert _get_json(client, issuer["id"]) == issuer


def test_badge_class_has_every_required_field_and_links_resolve(client, session_badge, course):
    badge = _get_json(client, f"{SITE}/badges/class/{session_badge.slug}.json")

    assert badge["@context"] == CONTEXT
    assert badge["type"] == "BadgeClass"
    assert badge["id"] == f"{SITE}/badges/class/micro-influence-foundations.json"
    assert badge["name"] == "Micro-influence Foundations"
    assert badge["description"] == session_badge.description
    assert badge["criteria"] == {"id": SITE + course.get_absolute_url(), "narrative": session_badge.criteria}
    assert badge["image"] == SITE + session_badge.image.url
    assert client.get(badge["image"].removeprefix(SITE)).status_code == 200
    assert _get_json(client, badge["issuer"])["type"] == "Profile"
    assert _get_json(client, badge["id"]) == badge


def test_assertion_has_every_required_field_and_a_salted_email_hash(client, award, learner):
    assertion = _get_json(client, f"{SITE}/badges/assertions/{award.uuid}.json")

    assert assertion["@context"] == CONTEXT
    assert assertion["type"] == "Assertion"
    assert assertion["id"] == f"{SITE}/badges/assertions/{award.uuid}.json"
    expected = "sha256$" + hashlib.sha256((learner.email + award.salt).encode()).hexdigest()
    assert assertion["recipient"] == {"type": "email", "hashed": True, "salt": award.salt, "identity": expected}
    assert learner.email not in json.dumps(assertion)
    assert assertion["verification"] == {"type": "hosted"}
    assert assertion["issuedOn"] == award.awarded_at.isoformat(timespec="seconds")
    assert _get_json(client, assertion["badge"])["type"] == "BadgeClass"
    assert _get_json(client, assertion["id"]) == assertion


def test_the_assertion_keeps_the_email_the_badge_was_awarded_to(client, award, learner):
    """A learner who changes their email later keeps badges (and baked PNGs) that verify."""
    old_identity = "sha256$" + hashlib.sha256((learner.email + award.salt).encode()).hexdigest()
    learner.email = "new-address@example.com"
    learner.save(update_fields=["email"])
    assertion = _get_json(client, f"{SITE}/badges/assertions/{award.uuid}.json")
    assert assertion["recipient"]["identity"] == old_identity


def test_manual_award_carries_its_evidence_and_reason(client, learner, session_badge, admin_user):
    award = award_badge(
        learner, session_badge, by=admin_user, reason="Ran the live workshop.", evidence_url="https://example.com/w"
    )

    assertion = _get_json(client, f"{SITE}/badges/assertions/{award.uuid}.json")

    assert assertion["evidence"] == "https://example.com/w"
    assert assertion["narrative"] == "Ran the live workshop."


def test_a_revoked_assertion_answers_410_gone_with_the_reason(client, award, admin_user):
    revoke_award(award, "Awarded to the wrong learner.", by=admin_user)

    gone = _get_json(client, f"{SITE}/badges/assertions/{award.uuid}.json", status=410)

    assert gone == {
        "@context": CONTEXT,
        "id": f"{SITE}/badges/assertions/{award.uuid}.json",
        "type": "Assertion",
        "revoked": True,
        "revocationReason": "Awarded to the wrong learner.",
    }
    assert client.get(f"/badges/awards/{award.uuid}/baked.png").status_code == 410
    page = client.get(award.get_absolute_url())
    assert page.status_code == 410
    assert "Awarded to the wrong learner." in page.content.decode()


def test_baked_png_holds_the_assertion_in_exactly_one_uncompressed_itxt_chunk(client, award):
    response = client.get(f"/badges/awards/{award.uuid}/baked.png")
    assertion = client.get(f"/badges/assertions/{award.uuid}.json").content.decode()

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    image = Image.open(io.BytesIO(response.content))
    assert image.text["openbadges"] == assertion
    assert image.size == (600, 600)
    baked = [body for kind, body in _png_chunks(response.content) if kind == b"iTXt" and body.startswith(b"openbadges\0")]
    assert len(baked) == 1
    # keyword NUL, compression flag 0 (uncompressed), method, language tag NUL, translated keyword NUL, text
    keyword, rest = baked[0].split(b"\0", 1)
    assert rest[0] == 0
    assert json.loads(rest[2:].split(b"\0", 2)[2]) == json.loads(assertion)


def test_baking_an_already_baked_image_keeps_a_single_openbadges_chunk(award):
    from badges import openbadges

    award.badge.image.save("baked.png", io.BytesIO(openbadges.bake_png(award.badge.image, {"old": True})), save=True)

    data = openbadges.bake_png(award.badge.image, openbadges.assertion_json(award))

    chunks = [body for kind, body in _png_chunks(data) if kind in (b"iTXt", b"tEXt", b"zTXt")]
    assert len(chunks) == 1
    assert json.loads(Image.open(io.BytesIO(data)).text["openbadges"])["type"] == "Assertion"


def test_award_page_offers_a_linkedin_link_with_the_certification_fields(client, award):
    response = client.get(award.get_absolute_url())
    html = response.content.decode()

    start = html.index("https://www.linkedin.com/profile/add?")
    url = html[start : html.index('"', start)].replace("&amp;", "&")
    parts = urlsplit(url)
    params = {key: values[0] for key, values in parse_qs(parts.query).items()}
    issued = timezone.localtime(award.awarded_at)
    assert params == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Micro-influence Foundations",
        "organizationName": "Atelier",
        "issueYear": str(issued.year),
        "issueMonth": str(issued.month),
        "certUrl": SITE + award.get_absolute_url(),
        "certId": str(award.uuid),
    }
