"""Our credentials checked by verifiers we did not write, offline, against the live test server.

verifier-core (Digital Credentials Consortium) checks the Data Integrity proof, resolving our did:web
document and the status list from the test server; jose checks the VC-JWT with the key its `kid`
names. Both come from npm (package.json, installed by `make test`); tests/badges/verify_credential.mjs
refuses every request but those to the test server.
"""

import json
import os
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.base import ContentFile

from badges import keys, vc
from badges.images import draw_badge_png
from badges.models import BadgeClass, Certificate
from badges.services import award_badge, issue_certificate_if_complete, revoke_award, revoke_certificate
from courses.models import Enrollment
from tests.conftest import ROOT

SCRIPT = ROOT / "tests" / "badges" / "verify_credential.mjs"
VERIFIER = ROOT / "node_modules" / "@digitalcredentials" / "verifier-core"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (VERIFIER.exists() and shutil.which("node")),
        reason="needs node and node_modules/@digitalcredentials/verifier-core: run `npm ci` (make test does it when npm is installed)",
    ),
]


def node_verify(live_server, mode: str, text: str) -> dict:
    env = {**os.environ, "SITE_ORIGIN": urlsplit(live_server.url).netloc}
    proc = subprocess.run(["node", str(SCRIPT), mode], input=text, capture_output=True, text=True, timeout=90, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture
def live_award(settings, live_server, learner, session_badge):
    """An award issued by a site whose public address is the live test server (did:web:localhost%3A…)."""
    settings.SITE_URL = live_server.url
    return award_badge(learner, session_badge)


def test_verifier_core_and_jose_accept_our_credential_and_its_jwt(live_server, live_award):
    data_integrity = node_verify(live_server, "data-integrity", json.dumps(live_award.credential))
    token = node_verify(live_server, "jwt", live_award.credential_jwt)

    assert data_integrity["verified"], data_integrity
    assert data_integrity["steps"]["valid_signature"] is True
    assert data_integrity["steps"]["revocation_status"] is True
    assert data_integrity["steps"]["expiration"] is True
    assert token["verified"], token
    assert token["payload"]["jti"] == live_award.credential["id"]
    assert token["payload"]["iss"] == vc.did_web(live_server.url)


def test_verifier_core_and_jose_reject_a_tampered_credential(live_server, live_award):
    tampered = json.loads(json.dumps(live_award.credential))
    tampered["credentialSubject"]["achievement"]["description"] = "Mastered everything."
    header, payload, signature = live_award.credential_jwt.split(".")
    other_header, other_payload, _ = award_badge(live_award.recipient, _second_badge(live_award)).credential_jwt.split(".")

    result = node_verify(live_server, "data-integrity", json.dumps(tampered))
    spliced = node_verify(live_server, "jwt", f"{header}.{other_payload}.{signature}")

    assert not result["verified"]
    assert result["errors"][0]["name"] == "invalid_signature"
    assert not spliced["verified"]
    assert spliced["errors"][0]["name"] == "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"


def test_verifier_core_rejects_a_revoked_credential(live_server, live_award):
    revoke_award(live_award, "Awarded to the wrong learner.")

    result = node_verify(live_server, "data-integrity", json.dumps(live_award.credential))

    assert not result["verified"]
    assert result["steps"]["valid_signature"] is True
    assert result["steps"]["revocation_status"] is False


def test_verifier_core_and_jose_reject_a_credential_signed_by_another_key(live_server, live_award):
    other = Ed25519PrivateKey.generate()
    unsigned = {key: value for key, value in live_award.credential.items() if key != "proof"}
    ours = live_award.credential["proof"]["verificationMethod"]
    forged = vc.add_proof(unsigned, other, ours, "2026-01-01T00:00:00Z")
    kid = vc.jwt_header(live_award.credential_jwt)["kid"]
    forged_jwt = vc.encode_jwt(unsigned, other, kid, {"kty": "OKP", "crv": "Ed25519", "x": keys.b64url(b"\0" * 32)})

    result = node_verify(live_server, "data-integrity", json.dumps(forged))
    token = node_verify(live_server, "jwt", forged_jwt)

    assert not result["verified"]
    assert result["errors"][0]["name"] == "invalid_signature"
    assert not token["verified"]


def _second_badge(award):
    badge = BadgeClass(course=award.badge.course, slug="second-badge", name="Second badge", description="Second.", criteria="More.")
    badge.image.save("second.png", ContentFile(draw_badge_png("Second", "#446688", "2")), save=False)
    badge.save()
    return badge


def test_verifier_core_accepts_the_certificate_credential_and_rejects_it_once_revoked(settings, live_server, enrollment):
    settings.SITE_URL = live_server.url
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.COMPLETED)
    certificate = issue_certificate_if_complete(enrollment.user_id, enrollment.course_id)

    accepted = node_verify(live_server, "data-integrity", json.dumps(certificate.credential))
    token = node_verify(live_server, "jwt", certificate.credential_jwt)
    revoke_certificate(Certificate.objects.get(pk=certificate.pk), "Issued in error.")
    revoked = node_verify(live_server, "data-integrity", json.dumps(certificate.credential))

    assert accepted["verified"], accepted
    assert token["verified"], token
    assert not revoked["verified"]
    assert revoked["steps"]["revocation_status"] is False
