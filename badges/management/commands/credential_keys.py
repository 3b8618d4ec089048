"""Show, create and rotate the issuer's credential signing keys (badges/keys.py)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from badges import credentials, keys


class Command(BaseCommand):
    help = "Show, create or rotate the Ed25519 keys that sign Open Badges 3.0 credentials."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["show", "create", "rotate"])
        parser.add_argument(
            "--private", action="store_true",
            help="show: print the whole key set, private keys included, to store as the CREDENTIALS_KEYS secret",
        )

    def handle(self, action, private=False, **options):
        if action == "create":
            return self._create()
        if action == "rotate":
            return self._rotate()
        current = keys.signing_key()
        if private:
            self.stdout.write(keys.dump_key_set(list(keys.key_set())), ending="")
            return
        for key in keys.key_set():
            role = "signs new credentials" if key == current else "verifies only"
            self.stdout.write(f"{credentials.verification_method(key)}  created {key.created}  ({role})")

    def _create(self):
        if settings.CREDENTIALS_KEYS:
            raise CommandError("CREDENTIALS_KEYS is set: the key set comes from the environment, not a file.")
        path = Path(settings.CREDENTIALS_KEY_FILE)
        if path.exists():
            self.stdout.write(f"{path} already holds a key set; nothing changed.")
            return
        key = keys.signing_key()  # creates the file
        self.stdout.write(f"Created {path} with key {key.id}. Keep it secret and back it up.")

    def _rotate(self):
        new_set = keys.rotated(list(keys.key_set()))
        if settings.CREDENTIALS_KEYS:
            # The environment cannot be written from here: print the new set for the secret store.
            self.stdout.write(json.dumps({"keys": [key.as_json() for key in new_set]}, indent=2))
            self.stderr.write("Store this as CREDENTIALS_KEYS and restart; credentials signed before keep verifying.")
            return
        keys.write_key_file(Path(settings.CREDENTIALS_KEY_FILE), new_set)
        self.stdout.write(f"New signing key {new_set[-1].id}; {len(new_set) - 1} older key(s) kept for verification only.")
