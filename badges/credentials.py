"""Open Badges 3.0: awards as OpenBadgeCredentials, the issuer's identity, revocation, verification.

Every award is also an `OpenBadgeCredential` (VC Data Model 2.0 with the OB 3.0 context), signed
twice when it is issued (badges.services.issue_credential): an embedded DataIntegrityProof
(eddsa-rdfc-2022) and a VC-JWT. Both are stored: a credential is what was signed, never rebuilt.

The issuer is `did:web:<host of SITE_URL>`; its DID document (/.well-known/did.json) lists every
key of the installation (badges/keys.py), so credentials signed before a key rotation still verify.
Each credential carries a BitstringStatusListEntry whose index is its row's id in a list this
site serves signed (/badges/status/<kind>.json); revoking sets the bit.

`verify` is what the public verification page runs on a credential someone pastes or uploads.
Spec: https://www.imsglobal.org/spec/ob/v3p0/
"""

import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import jwt
from django.conf import settings
from django.db.models import Max
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from PIL import Image
from pyld import jsonld

from badges import keys, vc
from badges.models import Award, Certificate
from badges.openbadges import absolute, bake_itxt, issuer_email

CONTENT_TYPE = "application/ld+json"
JWT_CONTENT_TYPE = "application/jwt"
BAKED_KEYWORD = "openbadgecredential"
STATUS_LISTS = {"awards": Award, "certificates": Certificate}


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def site_did() -> str:
    return vc.did_web(settings.SITE_URL)


def verification_method(key: keys.SigningKey) -> str:
    return f"{site_did()}#{key.id}"


def key_url(key: keys.SigningKey) -> str:
    """The JWT's `kid`: a URL answering with the key as a JWK."""
    return absolute(reverse("badges:key", args=[key.id]))


def did_document() -> dict:
    did = site_did()
    methods = [
        {"id": verification_method(key), "type": "Multikey", "controller": did, "publicKeyMultibase": key.id}
        for key in keys.key_set()
    ]
    return {
        "@context": [vc.DID_CONTEXT, vc.MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def jwk(key: keys.SigningKey) -> dict:
    return {**key.jwk(), "kid": key_url(key), "alg": "EdDSA", "use": "sig"}


def jwks() -> dict:
    return {"keys": [jwk(key) for key in keys.key_set()]}


def issuer_profile() -> dict:
    return {
        "id": site_did(),
        "type": ["Profile"],
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
        "email": issuer_email(),
    }


def credential_url(award: Award) -> str:
    return absolute(reverse("badges:credential", args=[award.uuid]))


def status_list_url(kind: str) -> str:
    return absolute(reverse("badges:status_list", args=[kind]))


def status_entry(kind: str, index: int) -> dict:
    url = status_list_url(kind)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def alignments(course) -> list[dict]:
    """The course's learning outcomes, each anchored on the course page."""
    if course is None:
        return []
    page = absolute(course.get_absolute_url())
    return [
        {"type": ["Alignment"], "targetName": outcome.text, "targetUrl": f"{page}#outcome-{outcome.pk}", "targetType": "ceasn:Competency"}
        for outcome in course.outcomes.all()
    ]


def award_credential(award: Award, evidence: list[dict]) -> dict:
    """The unsigned OpenBadgeCredential for an award. The recipient is the salted email hash the
    OB 2.0 assertion uses, so the email itself is never in the credential."""
    badge = award.badge
    course = badge.course
    criteria = {"narrative": badge.criteria}
    if course is not None:
        criteria["id"] = absolute(course.get_absolute_url())
    achievement = {
        "id": absolute(reverse("badges:class", args=[badge.slug])),
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": badge.name,
        "description": badge.description_text(),
        "criteria": criteria,
        "image": {"id": absolute(badge.image.url), "type": "Image"},
    }
    if aligned := alignments(course):
        achievement["alignment"] = aligned
    subject = {"identifier": [_email_identity(award)], "achievement": achievement}
    return _open_badge_credential(credential_url(award), badge.name, award.awarded_at, subject, status_entry("awards", award.pk), evidence)


def certificate_url(certificate: Certificate) -> str:
    return absolute(reverse("certificates:credential", args=[certificate.code]))


def certificate_credential(certificate: Certificate, evidence: list[dict]) -> dict:
    """The unsigned credential of a certificate of completion. Besides the email hash it names the
    learner (as printed on the certificate) and the dates they started and finished."""
    enrollment = certificate.enrollment
    course = enrollment.course
    page = absolute(course.get_absolute_url())
    sessions = course.sessions.count()
    achievement = {
        "id": f"{page}#certificate",
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": f"Certificate of completion: {course.title}",
        "description": f"Completed every lesson of {course.title}, a {sessions}-session course of about {certificate.hours} hours.",
        "criteria": {"id": page, "narrative": f"Complete every lesson of all {sessions} sessions of the course."},
    }
    if aligned := alignments(course):
        achievement["alignment"] = aligned
    started = enrollment.started_at or enrollment.enrolled_at
    finished = enrollment.completed_at or certificate.issued_at
    subject = {
        "identifier": [
            _email_identity(certificate),
            {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": certificate.recipient_name},
        ],
        "activityStartDate": timestamp(started),
        "activityEndDate": timestamp(finished),
        "achievement": achievement,
    }
    status = status_entry("certificates", certificate.pk)
    return _open_badge_credential(certificate_url(certificate), achievement["name"], certificate.issued_at, subject, status, evidence)


def _email_identity(holder) -> dict:
    """The recipient as the credential names them: the salted hash of their email, never the address."""
    return {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": True,
        "identityHash": holder.recipient_identity,
        "salt": holder.salt,
    }


def _open_badge_credential(url: str, name: str, issued_at, subject: dict, status: dict, evidence: list[dict]) -> dict:
    """The OB 3.0 envelope that an award's and a certificate's credentials share, around their subject."""
    credential = {
        "@context": [vc.VC_CONTEXT, vc.OB_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": issuer_profile(),
        "validFrom": timestamp(issued_at),
        "awardedDate": timestamp(issued_at),
        "credentialSubject": {"type": ["AchievementSubject"], **subject},
        "credentialStatus": status,
    }
    if evidence:
        credential["evidence"] = evidence
    return credential


def sign(unsecured: dict) -> tuple[dict, str]:
    """The credential with its DataIntegrityProof, and the same credential as a VC-JWT."""
    key = keys.signing_key()
    secured = vc.add_proof(unsecured, key.private, verification_method(key), timestamp(timezone.now()))
    return secured, vc.encode_jwt(unsecured, key.private, key_url(key), key.jwk())


def status_list_credential(kind: str) -> dict:
    """The signed BitstringStatusListCredential for `kind`, built from the database.

    It is a pure function of the revocations and the signing key (Ed25519 signatures are
    deterministic, and its date is that of the latest revocation), so an unchanged list is
    byte-for-byte the same and answers 304 to a verifier that has it."""
    model = STATUS_LISTS[kind]
    revoked = model.objects.filter(is_revoked=True)
    facts = model.objects.aggregate(highest=Max("pk"))
    last_revoked = revoked.aggregate(at=Max("revoked_at"))["at"]
    key = keys.signing_key()
    issued = timestamp(last_revoked) if last_revoked else key.created.replace("+00:00", "Z")
    url = status_list_url(kind)
    unsecured = {
        "@context": [vc.VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": site_did(),
        "validFrom": issued,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": vc.encode_status_list(revoked.values_list("pk", flat=True), vc.status_list_length(facts["highest"] or 0)),
        },
    }
    return vc.add_proof(unsecured, key.private, verification_method(key), issued)


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def bake_png(image_file, payload: str) -> bytes:
    """The badge PNG with the credential (JSON or compact JWT) in one uncompressed iTXt chunk
    `openbadgecredential`, as OB 3.0 baking specifies; other text chunks are dropped."""
    return bake_itxt(image_file, BAKED_KEYWORD, payload, keep_other_text=False)


def unbake_png(data: bytes) -> str:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, SyntaxError, ValueError) as error:
        raise ValueError(f"the image cannot be read ({error})") from None
    chunks = getattr(image, "text", {})
    text = chunks.get(BAKED_KEYWORD)
    if not text and "openbadges" in chunks:
        raise ValueError(
            "it is an Open Badges 2.0 image, which is checked at its issuer’s address, not here; "
            "for a badge from this site, download the badge image (PNG) from its page and check that"
        )
    if not text:
        raise ValueError("the image carries no Open Badges 3.0 credential")
    return text


# --- verification -----------------------------------------------------------------------


@dataclass
class Check:
    label: str
    passed: bool
    detail: str


@dataclass
class Verification:
    """What the verification page found: each check in plain words, and the credential's claims."""

    credential: dict | None = None
    form: str = ""
    checks: list[Check] = field(default_factory=list)
    problem: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.problem and bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def is_revoked(self) -> bool:
        return any(check.label == "Status" and not check.passed for check in self.checks)

    def add(self, label: str, passed: bool, detail: str) -> bool:
        self.checks.append(Check(label, passed, detail))
        return passed

    @property
    def achievement(self) -> dict:
        subject = (self.credential or {}).get("credentialSubject") or {}
        return subject.get("achievement") or {} if isinstance(subject, dict) else {}


def read_presented(data: bytes) -> str:
    """The credential text in what a visitor gave: JSON, a JWT, or a baked PNG."""
    if data.startswith(b"\x89PNG"):
        return unbake_png(data)
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ValueError("it is neither a credential (JSON or JWT) nor a baked badge image") from None


def verify(text: str) -> Verification:
    """Check a credential this site issued: issuer and key, signature, status, dates, in that order.

    A failed signature stops the checks after it: nothing in a credential that does not verify
    can be trusted, so its status and dates would mean nothing."""
    result = Verification()
    text = text.strip()
    if text.count(".") == 2 and not text.startswith("{"):
        return _verify_jwt(text, result)
    try:
        credential = json.loads(text)
    except ValueError:
        result.problem = "This is not a credential: it is neither JSON nor a JWT."
        return result
    if not isinstance(credential, dict) or "VerifiableCredential" not in (credential.get("type") or []):
        result.problem = "This JSON is not a verifiable credential (its type does not include VerifiableCredential)."
        return result
    result.credential, result.form = credential, "JSON-LD with an embedded Data Integrity proof (eddsa-rdfc-2022)"
    proof = credential.get("proof") if isinstance(credential.get("proof"), dict) else {}
    method = proof.get("verificationMethod", "")
    key = _our_key(credential, method.partition("#")[2] if method.startswith(site_did() + "#") else None, result)
    if key is None:
        return result
    # Canonicalising a visitor's JSON-LD can take exponential time on a crafted document, so only
    # our own stored credentials are canonicalised: one that differs from it was changed.
    stored = stored_credential(credential.get("id"))
    if stored is None:
        result.add("Signature", False, f"{settings.SITE_NAME} has no record of issuing a credential with this id, so it is not genuine.")
        return result
    if stored != credential:
        result.add(
            "Signature", False,
            "The signature is not valid: the credential was changed after signing (it differs from the one we issued under this id).",
        )
        return result
    try:
        vc.check_proof(credential, key.public)
    except (ValueError, TypeError, jsonld.JsonLdError) as error:
        result.add("Signature", False, f"The signature is not valid: {_reason(error)}.")
        return result
    result.add("Signature", True, f"The Data Integrity proof verifies with Atelier's key {key.id[:16]}… (signed {proof.get('created', '')[:10]}).")
    return _check_status_and_dates(credential, result)


def stored_credential(credential_id) -> dict | None:
    """The signed credential we issued under this id (an award's or a certificate's), if any."""
    if not isinstance(credential_id, str) or not credential_id.startswith(settings.SITE_URL + "/"):
        return None
    try:
        match = resolve(urlsplit(credential_id).path)
    except Resolver404:
        return None
    if match.view_name == "badges:credential":
        found = Award.objects.filter(uuid=match.kwargs["award_uuid"]).values_list("credential", flat=True).first()
    elif match.view_name == "certificates:credential":
        found = Certificate.objects.filter(code=match.kwargs["code"]).values_list("credential", flat=True).first()
    else:
        found = None
    return found


def _verify_jwt(token: str, result: Verification) -> Verification:
    result.form = "VC-JWT (EdDSA)"
    try:
        header = vc.jwt_header(token)
    except ValueError as error:
        result.problem = f"This is not a credential: {error}."
        return result
    kid = header.get("kid", "")
    key = next((candidate for candidate in keys.key_set() if key_url(candidate) == kid), None)
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        result.problem = "This JWT has no readable payload."
        return result
    credential = {name: value for name, value in claims.items() if name not in ("iss", "jti", "nbf", "exp", "sub", "iat")}
    result.credential = credential
    if _our_key(credential, key.id if key else None, result) is None:
        return result
    try:
        claims = vc.decode_jwt(token, key.public)
    except ValueError as error:
        result.add("Signature", False, f"The signature is not valid: {error}.")
        return result
    issuer_id = _issuer_id(credential)
    if claims.get("iss") != issuer_id or claims.get("jti") != credential.get("id"):
        result.add("Signature", False, "The JWT's claims (iss, jti) do not match the credential inside it.")
        return result
    result.add("Signature", True, f"The JWT's EdDSA signature verifies with Atelier's key {key.id[:16]}….")
    return _check_status_and_dates(credential, result)


def _issuer_id(credential: dict) -> str:
    issuer = credential.get("issuer")
    return (issuer.get("id", "") if isinstance(issuer, dict) else issuer) or ""


def _our_key(credential: dict, key_id: str | None, result: Verification) -> keys.SigningKey | None:
    issuer, name = _issuer_id(credential), settings.SITE_NAME
    if issuer != site_did():
        result.add(
            "Issuer", False,
            f"It names {issuer or 'no issuer'} as its issuer, not {name} ({site_did()}). This page checks only credentials {name} issued.",
        )
        return None
    key = keys.find_key(key_id) if key_id else None
    if key is None:
        result.add("Issuer", False, f"It claims to come from {name}, but it was signed with a key that is not one of {name}'s published keys.")
        return None
    result.add("Issuer", True, f"Issued by {settings.SITE_NAME} ({site_did()}), with a key published in its DID document.")
    return key


def _reason(error: Exception) -> str:
    text = str(error).strip().rstrip(".")
    return text[:300] or type(error).__name__


def _check_status_and_dates(credential: dict, result: Verification) -> Verification:
    entry = credential.get("credentialStatus")
    kind = next((name for name in STATUS_LISTS if isinstance(entry, dict) and entry.get("statusListCredential") == status_list_url(name)), None)
    if kind is None or entry.get("type") != "BitstringStatusListEntry":
        result.add("Status", False, "It carries no status entry in one of our status lists, so we cannot tell whether it was revoked.")
    else:
        status_list = status_list_credential(kind)
        try:
            revoked = vc.status_bit(status_list["credentialSubject"]["encodedList"], int(entry.get("statusListIndex")))
        except (TypeError, ValueError):
            result.add("Status", False, "Its status entry points outside our status list.")
        else:
            if revoked:
                result.add("Status", False, f"Revoked: {settings.SITE_NAME} has withdrawn this credential; it is no longer valid.")
            else:
                result.add("Status", True, "Not revoked, according to our status list as it stands now.")
    now = timezone.now()
    try:
        valid_from = datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00"))
        valid_until = credential.get("validUntil")
        valid_until = datetime.fromisoformat(valid_until.replace("Z", "+00:00")) if valid_until else None
    except (KeyError, AttributeError, ValueError):
        result.add("Dates", False, "Its validity dates are missing or unreadable.")
        return result
    if valid_from > now:
        result.add("Dates", False, f"It is not valid before {valid_from:%-d %B %Y}.")
    elif valid_until and valid_until <= now:
        result.add("Dates", False, f"It expired on {valid_until:%-d %B %Y}.")
    else:
        until = f", until {valid_until:%-d %B %Y}" if valid_until else ", with no end date"
        result.add("Dates", True, f"Valid from {valid_from:%-d %B %Y}{until}.")
    return result
