"""The issuer's Ed25519 signing keys: made once per installation, rotated without breaking old credentials.

A key set is JSON: `{"keys": [{"id": "z6Mk…", "created": "…", "private": "<base64url seed>"}, …]}`.
Each key's id is its public key as a multibase Multikey (`z6Mk…`), so an id never needs a
registry and the DID document lists it as `did:web:…#z6Mk…`. The last key that still holds its
private half signs; every key in the set is published for verification, so credentials signed
before a rotation keep verifying. A key whose private half was dropped (`rotate` does that) can
only verify. Remove a key from the set only when it was compromised: every credential it signed
then fails verification, which is the point.

Where the set comes from, in order:
1. settings.CREDENTIALS_KEYS: the JSON itself, from the environment (a secret in production);
2. settings.CREDENTIALS_KEY_FILE: a file, created on first use (mode 0600) when it is missing.
`python manage.py credential_keys` shows, creates and rotates them.
"""

import base64
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

# The multicodec prefix of an Ed25519 public key (0xed, as a varint), per the Multikey format.
ED25519_MULTICODEC = b"\xed\x01"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def multikey(public: Ed25519PublicKey) -> str:
    """The public key as publicKeyMultibase: 'z' + base58btc(0xed01 + 32 key bytes)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_MULTICODEC + raw).decode()


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    if not value.startswith("z"):
        raise ValueError("not a base58btc multibase value")
    raw = base58.b58decode(value[1:])
    if raw[:2] != ED25519_MULTICODEC or len(raw) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


@dataclass(frozen=True)
class SigningKey:
    id: str
    created: str
    public: Ed25519PublicKey
    private: Ed25519PrivateKey | None = None

    @property
    def public_bytes(self) -> bytes:
        return self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def jwk(self) -> dict:
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(self.public_bytes)}

    def as_json(self, *, with_private: bool = True) -> dict:
        data = {"id": self.id, "created": self.created}
        if self.private is not None and with_private:
            seed = self.private.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
            data["private"] = b64url(seed)
        else:
            data["public"] = b64url(self.public_bytes)
        return data


def new_key() -> SigningKey:
    private = Ed25519PrivateKey.generate()
    return SigningKey(multikey(private.public_key()), timezone.now().isoformat(timespec="seconds"), private.public_key(), private)


def parse_key_set(text: str) -> list[SigningKey]:
    """The keys of a key set's JSON, oldest first; a clear error for anything malformed."""
    try:
        entries = json.loads(text)["keys"]
        keys = []
        for entry in entries:
            if entry.get("private"):
                private = Ed25519PrivateKey.from_private_bytes(b64url_decode(entry["private"]))
                public = private.public_key()
            else:
                private, public = None, Ed25519PublicKey.from_public_bytes(b64url_decode(entry["public"]))
            if multikey(public) != entry["id"]:
                raise ValueError(f"key {entry['id']} does not match its key material")
            keys.append(SigningKey(entry["id"], entry.get("created", ""), public, private))
    except (ValueError, KeyError, TypeError) as error:
        raise ImproperlyConfigured(f"The credential signing key set is not valid: {error}") from error
    if not any(key.private for key in keys):
        raise ImproperlyConfigured("The credential signing key set has no key that can sign.")
    return keys


def dump_key_set(keys: list[SigningKey]) -> str:
    return json.dumps({"keys": [key.as_json() for key in keys]}, indent=2) + "\n"


def write_key_file(path: Path, keys: list[SigningKey], *, exclusive: bool = False) -> None:
    """Write the set readable by its owner only; `exclusive` fails if the file appeared meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(dump_key_set(keys))


def _create_key_file(path: Path) -> None:
    try:
        write_key_file(path, [new_key()], exclusive=True)
    except FileExistsError:
        pass  # another process made it first: use theirs


@lru_cache(maxsize=8)
def _load(source: str, path: str, mtime_ns: int) -> tuple[SigningKey, ...]:
    text = source or Path(path).read_text()
    return tuple(parse_key_set(text))


def key_set() -> tuple[SigningKey, ...]:
    """Every key of the installation, oldest first (the file is read again when it changes)."""
    if settings.CREDENTIALS_KEYS:
        return _load(settings.CREDENTIALS_KEYS, "", 0)
    path = Path(settings.CREDENTIALS_KEY_FILE)
    if not path.exists():
        _create_key_file(path)
    return _load("", str(path), path.stat().st_mtime_ns)


def signing_key() -> SigningKey:
    """The key that signs new credentials: the newest one that holds its private half."""
    return [key for key in key_set() if key.private is not None][-1]


def find_key(key_id: str) -> SigningKey | None:
    return next((key for key in key_set() if key.id == key_id), None)


def rotated(keys: list[SigningKey]) -> list[SigningKey]:
    """The set after a rotation: old keys keep only their public half, a new key signs from now on."""
    return [SigningKey(key.id, key.created, key.public) for key in keys] + [new_key()]
