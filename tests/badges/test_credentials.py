"""Open Badges 3.0 credentials, checked in Python as a relying party would, from what the site serves.

The checks below use PyLD, cryptography and PyJWT directly (not badges/vc.py): the DID document and
the JWT's key come from the site's URLs, the contexts from the files the project ships.
"""

import base64
import gzip
import hashlib
import io
import json
import os
import stat
import struct
import zlib
from pathlib import Path

import base58
import jwt
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.management import call_command
from PIL import Image
from pyld import jsonld

from badges import credentials, keys
from badges.models import Award
from badges.services import award_badge, revoke_award
from courses.models import LearningOutcome
from gallery import services as gallery
from portfolios.services import get_or_create_portfolio
from tests.gallery.conftest import EVALUATION, SUMMARY

SITE = "http://127.0.0.1:8000"
DID = "did:web:127.0.0.1%3A8000"
CONTEXTS = Path(__file__).resolve().parents[2] / "badges" / "contexts"
BUNDLED = {
    "https://www.w3.org/ns/credentials/v2": CONTEXTS / "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": CONTEXTS / "ob-v3p0-context-3.0.3.json",
}


def _loader(url, options=None):
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(BUNDLED[url].read_text())}


def _nquads(document: dict) -> bytes:
    return jsonld.normalize(
        document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _loader, "safe": True}
    ).encode()


def _get_json(client, url: str) -> dict:
    assert url.startswith(SITE + "/"), url
    response = client.get(url.removeprefix(SITE))
    assert response.status_code == 200, url
    return json.loads(response.content)


def data_integrity_verifies(client, credential: dict) -> bool:
    """eddsa-rdfc-2022 from the spec: resolve did:web, canonicalise, hash, check Ed25519."""
    proof = dict(credential["proof"])
    did, _, fragment = proof["verificationMethod"].partition("#")
    assert did.startswith("did:web:")
    document = _get_json(client, SITE + "/.well-known/did.json")
    assert document["id"] == did
    method = next((m for m in document["verificationMethod"] if m["id"] == proof["verificationMethod"]), None)
    if method is None or method["id"] not in document["assertionMethod"]:
        return False
    raw = base58.b58decode(method["publicKeyMultibase"][1:])
    assert raw[:2] == b"\xed\x01"
    public = Ed25519PublicKey.from_public_bytes(raw[2:])
    signature = base58.b58decode(proof.pop("proofValue")[1:])
    unsecured = {key: value for key, value in credential.items() if key != "proof"}
    options = {**proof, "@context": credential["@context"]}
    try:
        public.verify(signature, hashlib.sha256(_nquads(options)).digest() + hashlib.sha256(_nquads(unsecured)).digest())
    except InvalidSignature:
        return False
    return True


def jwt_payload(client, token: str) -> dict:
    """The payload, if the JWT verifies with the JWK its `kid` URL answers with (else PyJWT raises)."""
    header = jwt.get_unverified_header(token)
    key = jwt.PyJWK(_get_json(client, header["kid"]))
    return jwt.decode(token, key, algorithms=["EdDSA"])


def status_is_set(client, credential: dict) -> bool:
    entry = credential["credentialStatus"]
    status_list = _get_json(client, entry["statusListCredential"])
    assert data_integrity_verifies(client, status_list)
    encoded = status_list["credentialSubject"]["encodedList"]
    assert encoded[0] == "u"
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131_072
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


@pytest.fixture
def outcomes(course):
    LearningOutcome.objects.create(course=course, order=8, text="Plan a month of posts.")
    LearningOutcome.objects.create(course=course, order=9, text="Measure what works.")
    return list(course.outcomes.all())


@pytest.fixture
def award(learner, session_badge, outcomes):
    return award_badge(learner, session_badge)


def test_each_award_is_an_open_badge_credential_with_the_required_fields(client, award, learner, course, outcomes):
    credential = _get_json(client, f"{SITE}/badges/awards/{award.uuid}/credential.json")

    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == f"{SITE}/badges/awards/{award.uuid}/credential.json"
    assert credential["issuer"]["id"] == DID
    assert credential["validFrom"] == award.awarded_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    subject = credential["credentialSubject"]
    expected = "sha256$" + hashlib.sha256((learner.email + award.salt).encode()).hexdigest()
    assert subject["identifier"] == [
        {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True, "identityHash": expected, "salt": award.salt}
    ]
    assert learner.email not in json.dumps(credential)
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == "Micro-influence Foundations"
    assert achievement["criteria"] == {"narrative": award.badge.criteria, "id": SITE + course.get_absolute_url()}
    assert [a["targetName"] for a in achievement["alignment"]] == [outcome.text for outcome in outcomes]
    assert achievement["alignment"][-1]["targetName"] == "Measure what works."
    assert achievement["alignment"][0]["targetUrl"] == f"{SITE}{course.get_absolute_url()}#outcome-{outcomes[0].pk}"
    assert credential["credentialStatus"] == {
        "id": f"{SITE}/badges/status/awards.json#{award.pk}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(award.pk),
        "statusListCredential": f"{SITE}/badges/status/awards.json",
    }
    assert "evidence" not in credential
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def test_the_course_page_anchors_each_outcome_the_credential_aligns_to(client, award, course, outcomes):
    html = client.get(course.get_absolute_url()).content.decode()
    assert f'id="outcome-{outcomes[0].pk}"' in html


def test_evidence_points_at_the_published_gallery_entry_and_its_pdf(client, learner, enrollment, course, session_badge):
    gallery.accept_rules(learner, course)
    portfolio = get_or_create_portfolio(enrollment)
    entry = gallery.publish_entry(portfolio, title="Lee’s network", summary=SUMMARY, critical_evaluation=EVALUATION)

    award = award_badge(learner, session_badge)

    assert award.credential["evidence"] == [
        {"id": SITE + entry.get_absolute_url(), "type": ["Evidence"], "name": "Gallery entry: Lee’s network"},
        {"id": f"{SITE}/gallery/{course.slug}/{entry.pk}/pdf/", "type": ["Evidence"], "name": "Portfolio (PDF)"},
    ]
    assert data_integrity_verifies(client, award.credential)


def test_the_data_integrity_proof_verifies_against_the_did_document(client, award):
    credential = _get_json(client, f"{SITE}/badges/awards/{award.uuid}/credential.json")

    assert data_integrity_verifies(client, credential)
    assert not status_is_set(client, credential)


def test_the_jwt_verifies_with_the_key_at_its_kid_url_and_carries_the_same_credential(client, award):
    token = client.get(f"/badges/awards/{award.uuid}/credential.jwt").content.decode()

    payload = jwt_payload(client, token)

    unsigned = {key: value for key, value in award.credential.items() if key != "proof"}
    assert {key: value for key, value in payload.items() if key not in ("iss", "jti", "nbf")} == unsigned
    assert payload["iss"] == DID
    assert payload["jti"] == award.credential["id"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    assert header["kid"].startswith(SITE + "/badges/keys/z6Mk")
    assert _get_json(client, SITE + "/.well-known/jwks.json")["keys"][0]["kid"] == header["kid"]


def test_a_tampered_credential_fails_both_checks(client, award):
    tampered = json.loads(json.dumps(award.credential))
    tampered["credentialSubject"]["achievement"]["name"] = "Grand Master of Everything"
    header, payload, signature = award.credential_jwt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["name"] = "Grand Master of Everything"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    assert not data_integrity_verifies(client, tampered)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt_payload(client, f"{header}.{forged_payload}.{signature}")
    assert not credentials.verify(json.dumps(tampered)).is_valid
    assert not credentials.verify(f"{header}.{forged_payload}.{signature}").is_valid


def test_a_credential_signed_by_another_key_fails(client, award):
    """Someone re-signs an edited credential with their own key but keeps our issuer and key id."""
    other = Ed25519PrivateKey.generate()
    unsigned = {key: value for key, value in award.credential.items() if key != "proof"}
    forged = credentials.vc.add_proof(unsigned, other, award.credential["proof"]["verificationMethod"], "2026-01-01T00:00:00Z")
    forged_jwt = jwt.encode({"iss": DID, "jti": unsigned["id"], **unsigned}, other, algorithm="EdDSA",
                            headers={"kid": jwt.get_unverified_header(award.credential_jwt)["kid"]})
    impostor_key = keys.multikey(other.public_key())
    own_key = credentials.vc.add_proof(unsigned, other, f"{DID}#{impostor_key}", "2026-01-01T00:00:00Z")

    assert not data_integrity_verifies(client, forged)
    assert not data_integrity_verifies(client, own_key)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt_payload(client, forged_jwt)
    for text in (json.dumps(forged), forged_jwt, json.dumps(own_key)):
        result = credentials.verify(text)
        assert not result.is_valid
    assert "not one of Atelier's published keys" in credentials.verify(json.dumps(own_key)).checks[0].detail


def test_revoking_an_award_sets_its_bit_in_the_signed_status_list(client, award, learner, session_badge, make_badge, course):
    other = award_badge(learner, make_badge(course, name="Second"))
    before = client.get("/badges/status/awards.json")

    revoke_award(award, "Awarded by mistake.")

    assert status_is_set(client, award.credential)
    assert not status_is_set(client, other.credential)
    after = client.get("/badges/status/awards.json", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    # Unchanged since: the same bytes and a 304 for a verifier that has them.
    assert client.get("/badges/status/awards.json", HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304
    result = credentials.verify(json.dumps(award.credential))
    assert not result.is_valid and result.is_revoked
    assert credentials.verify(award.credential_jwt).is_revoked
    assert client.get(f"/badges/awards/{award.uuid}/credential.json").status_code == 410


def test_a_credential_signed_before_a_key_rotation_still_verifies(client, award, learner, make_badge, course):
    before = keys.signing_key()

    call_command("credential_keys", "rotate", stdout=io.StringIO())

    after = keys.signing_key()
    assert after.id != before.id
    assert {key.id for key in keys.key_set()} >= {before.id, after.id}
    assert find_private(before.id) is None  # the retired key can no longer sign
    assert data_integrity_verifies(client, award.credential)
    assert jwt_payload(client, award.credential_jwt)["jti"] == award.credential["id"]
    newer = award_badge(learner, make_badge(course, name="After rotation"))
    assert newer.credential["proof"]["verificationMethod"] == f"{DID}#{after.id}"
    assert data_integrity_verifies(client, newer.credential)
    assert data_integrity_verifies(client, _get_json(client, SITE + "/badges/status/awards.json"))


def find_private(key_id):
    key = keys.find_key(key_id)
    return key.private if key else None


def test_the_key_file_is_made_once_readable_by_its_owner_only(settings, tmp_path):
    settings.CREDENTIALS_KEY_FILE = tmp_path / "keys" / "credential-keys.json"

    first = keys.signing_key()

    assert stat.S_IMODE(os.stat(settings.CREDENTIALS_KEY_FILE).st_mode) == 0o600
    assert keys.signing_key() == first


def test_keys_given_in_the_environment_are_used_instead_of_the_file(settings, tmp_path):
    settings.CREDENTIALS_KEY_FILE = tmp_path / "unused.json"
    settings.CREDENTIALS_KEYS = keys.dump_key_set([keys.new_key()])

    key = keys.signing_key()

    assert key.id == json.loads(settings.CREDENTIALS_KEYS)["keys"][0]["id"]
    assert not settings.CREDENTIALS_KEY_FILE.exists()


def test_a_malformed_key_set_is_refused_with_a_clear_message(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.CREDENTIALS_KEYS = '{"keys": [{"id": "z6Mkwrong", "private": "AAAA"}]}'
    with pytest.raises(ImproperlyConfigured, match="not valid"):
        keys.key_set()


def _png_text_chunks(data: bytes) -> list[bytes]:
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])[0] == zlib.crc32(kind + body)
        if kind in (b"iTXt", b"tEXt", b"zTXt"):
            chunks.append(body)
        pos += 12 + length
    return chunks


def test_the_baked_png_carries_the_credential_in_one_uncompressed_openbadgecredential_chunk(client, award):
    response = client.get(f"/badges/awards/{award.uuid}/credential.png")

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    [chunk] = _png_text_chunks(response.content)
    keyword, rest = chunk.split(b"\0", 1)
    assert keyword == b"openbadgecredential"
    assert rest[0] == 0  # not compressed
    baked = json.loads(Image.open(io.BytesIO(response.content)).text["openbadgecredential"])
    assert baked == award.credential
    assert data_integrity_verifies(client, baked)


def test_the_json_and_jwt_downloads_are_attachments(client, award):
    json_download = client.get(f"/badges/awards/{award.uuid}/credential.json?download=1")
    jwt_download = client.get(f"/badges/awards/{award.uuid}/credential.jwt")

    assert json_download["Content-Disposition"] == f'attachment; filename="{award.badge.slug}-{award.uuid}.json"'
    assert json.loads(json_download.content) == award.credential
    assert jwt_download["Content-Disposition"] == f'attachment; filename="{award.badge.slug}-{award.uuid}.jwt"'
    assert jwt_download.content.decode() == award.credential_jwt


def test_every_open_badges_answer_is_readable_from_any_origin_even_once_revoked(client, award):
    """Verifiers and wallets fetch these from their own origin; a revocation they cannot read looks like an outage."""
    live = [
        f"/badges/awards/{award.uuid}/credential.json",
        f"/badges/awards/{award.uuid}/credential.json?download=1",
        f"/badges/awards/{award.uuid}/credential.jwt",
        f"/badges/awards/{award.uuid}/credential.png",
        f"/badges/awards/{award.uuid}/baked.png",
        f"/badges/assertions/{award.uuid}.json",
        f"/badges/class/{award.badge.slug}.json",
        "/badges/issuer.json",
        "/badges/status/awards.json",
        "/.well-known/did.json",
        "/.well-known/jwks.json",
    ]
    for url in live:
        response = client.get(url)
        assert (url, response.status_code, response.headers.get("Access-Control-Allow-Origin")) == (url, 200, "*")

    revoke_award(award, "Issued in error.")

    for url in live[:6]:
        response = client.get(url)
        assert (url, response.status_code, response.headers.get("Access-Control-Allow-Origin")) == (url, 410, "*")


def test_an_award_made_before_credentials_existed_is_issued_on_first_download(client, award):
    Award.objects.filter(pk=award.pk).update(credential=None, credential_jwt="")

    credential = _get_json(client, f"{SITE}/badges/awards/{award.uuid}/credential.json")

    assert data_integrity_verifies(client, credential)
    assert Award.objects.get(pk=award.pk).credential == credential
    assert client.get(f"/badges/awards/{award.uuid}/credential.json").content == client.get(
        f"/badges/awards/{award.uuid}/credential.json"
    ).content


def test_a_private_award_credential_is_a_404_to_others(client, award, other_learner):
    award.set_public(False)
    client.force_login(other_learner)

    assert client.get(f"/badges/awards/{award.uuid}/credential.json").status_code == 404
    assert client.get(f"/badges/awards/{award.uuid}/credential.jwt").status_code == 404


def test_the_award_page_offers_the_three_credential_downloads(client, award):
    html = client.get(award.get_absolute_url()).content.decode()

    for url in (f"/badges/awards/{award.uuid}/credential.json?download=1", f"/badges/awards/{award.uuid}/credential.jwt",
                f"/badges/awards/{award.uuid}/credential.png"):
        assert f'href="{url}"' in html
    assert f'<a class="button" href="/badges/awards/{award.uuid}/credential.png" download>Download badge image (PNG)</a>' in html


def test_an_unknown_key_or_status_list_is_a_404(client):
    assert client.get("/badges/keys/z6MkNotOurs.json").status_code == 404
    assert client.get("/badges/status/nothing.json").status_code == 404
