"""W3C Verifiable Credentials mechanics, with standard libraries doing the standard parts.

- Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite: the document and the proof
  options are canonicalised with RDFC-1.0 (URDNA2015, PyLD), hashed with SHA-256, and the two
  hashes (options first) signed with Ed25519 (cryptography); the signature is multibase base58btc.
  Spec: https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022
- VC-JWT, as Open Badges 3.0 section 8.2 describes it (PyJWT, EdDSA).
- Bitstring Status List: a GZIP-compressed bitstring, multibase base64url, bit 0 the leftmost.
  Spec: https://www.w3.org/TR/vc-bitstring-status-list/

JSON-LD contexts are read from badges/contexts/ and nothing else is ever loaded: a document
naming any other context cannot be canonicalised here, so it cannot verify, and no request ever
leaves the server while signing or verifying.
"""

import base64
import gzip
import hashlib
import json
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlsplit

import base58
import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
CRYPTOSUITE = "eddsa-rdfc-2022"

CONTEXT_DIR = Path(__file__).resolve().parent / "contexts"
CONTEXT_FILES = {
    VC_CONTEXT: "credentials-v2.jsonld",
    OB_CONTEXT: "ob-v3p0-context-3.0.3.json",
}
# A status list holds at least this many entries (16 KB), so one entry says little about who holds it.
MIN_STATUS_LIST_BITS = 131_072


class UnknownContext(ValueError):
    pass


@cache
def _context(url: str) -> dict:
    return json.loads((CONTEXT_DIR / CONTEXT_FILES[url]).read_text())


def document_loader(url: str, options=None) -> dict:
    """PyLD's loader: our bundled contexts only, never the network."""
    if url not in CONTEXT_FILES:
        raise UnknownContext(f"the JSON-LD context {url[:200]} is not one this site knows")
    return {"contextUrl": None, "documentUrl": url, "document": _context(url)}


def canonicalize(document: dict) -> str:
    """RDFC-1.0 canonical N-Quads. Safe mode: a term no context defines is an error, not dropped
    (a dropped term would be left out of what the signature covers)."""
    return jsonld.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader, "safe": True},
    )


def _hash_data(unsecured: dict, proof_options: dict) -> bytes:
    options = {**proof_options, "@context": unsecured["@context"]}
    return hashlib.sha256(canonicalize(options).encode()).digest() + hashlib.sha256(canonicalize(unsecured).encode()).digest()


def add_proof(unsecured: dict, private: Ed25519PrivateKey, verification_method: str, created: str) -> dict:
    """The document with an embedded DataIntegrityProof (eddsa-rdfc-2022, assertionMethod)."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = private.sign(_hash_data(unsecured, options))
    return {**unsecured, "proof": {**options, "proofValue": "z" + base58.b58encode(signature).decode()}}


def check_proof(secured: dict, public: Ed25519PublicKey) -> None:
    """Raise ValueError unless the document's DataIntegrityProof verifies with `public`."""
    proof = secured.get("proof")
    if not isinstance(proof, dict) or proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ValueError(f"it has no DataIntegrityProof with the {CRYPTOSUITE} cryptosuite")
    value = proof.get("proofValue", "")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ValueError("its proofValue is not base58btc multibase")
    options = {key: item for key, item in proof.items() if key != "proofValue"}
    unsecured = {key: item for key, item in secured.items() if key != "proof"}
    try:
        public.verify(base58.b58decode(value[1:]), _hash_data(unsecured, options))
    except InvalidSignature:
        raise ValueError("the signature does not match the credential: it was changed after signing, or signed by another key") from None


def jwt_claims(credential: dict) -> dict:
    """The VC-JWT payload: the credential itself with the registered claims that mirror it."""
    claims = {key: value for key, value in credential.items() if key != "proof"}
    issuer = credential["issuer"]
    claims["iss"] = issuer["id"] if isinstance(issuer, dict) else issuer
    claims["jti"] = credential["id"]
    claims["nbf"] = int(_timestamp(credential["validFrom"]))
    if credential.get("validUntil"):
        claims["exp"] = int(_timestamp(credential["validUntil"]))
    subject_id = credential.get("credentialSubject", {}).get("id")
    if subject_id:
        claims["sub"] = subject_id
    return claims


def encode_jwt(credential: dict, private: Ed25519PrivateKey, kid: str, jwk: dict) -> str:
    return jwt.encode(jwt_claims(credential), private, algorithm="EdDSA", headers={"kid": kid, "jwk": jwk, "typ": "JWT"})


def jwt_header(token: str) -> dict:
    try:
        return jwt.get_unverified_header(token)
    except jwt.DecodeError as error:
        raise ValueError(f"it is not a JWT ({error})") from None


def decode_jwt(token: str, public: Ed25519PublicKey) -> dict:
    """The verified payload; raise ValueError on a bad signature. Dates are checked by the caller."""
    try:
        return jwt.decode(token, public, algorithms=["EdDSA"], options={"verify_exp": False, "verify_nbf": False})
    except jwt.InvalidSignatureError:
        raise ValueError("the signature does not match the credential: it was changed after signing, or signed by another key") from None
    except jwt.PyJWTError as error:
        raise ValueError(f"the JWT cannot be read ({error})") from None


def _timestamp(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def encode_status_list(set_bits, length: int) -> str:
    """encodedList for a list of `length` bits where the indexes in `set_bits` are 1."""
    data = bytearray(length // 8)
    for index in set_bits:
        data[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(data), mtime=0)).rstrip(b"=").decode()


def status_bit(encoded_list: str, index: int) -> bool:
    if not encoded_list.startswith("u"):
        raise ValueError("encodedList is not base64url multibase")
    body = encoded_list[1:]
    data = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    if not 0 <= index < len(data) * 8:
        raise ValueError("the status index is outside the list")
    return bool(data[index // 8] & (0x80 >> (index % 8)))


def status_list_length(highest_index: int) -> int:
    """The smallest multiple of the minimum size that holds `highest_index`."""
    return max(1, (highest_index // MIN_STATUS_LIST_BITS) + 1) * MIN_STATUS_LIST_BITS


def did_web(site_url: str) -> str:
    """did:web for a site at a host's root: did:web:example.org, or did:web:localhost%3A8000 with a port."""
    return "did:web:" + quote(urlsplit(site_url).netloc, safe="")
