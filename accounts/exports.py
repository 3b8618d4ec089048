"""A learner's data as one zip: what the profile page's "Download your data" builds.

Accounts writes the account's part (the profile, the avatar, email addresses, notifications) and
sends accounts.signals.collect_personal_data; each app above connects a receiver in its own
apps.py that writes its part into the same archive under a folder of its own (courses/,
portfolios/, gallery/, badges/). JSON files are UTF-8 with ISO 8601 times; a README at the top
lists every file.
"""

import json
import posixpath
import shutil
import zipfile
from typing import IO

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts.models import Notification, User
from accounts.signals import collect_personal_data

README = """Your data from {site_name}
Prepared {when} for {name}.

Every file below is yours: JSON files are UTF-8 text with times in ISO 8601 (UTC offsets
included), and the images and PDFs are the files you uploaded or we made for you.
Badges come as Open Badges 2.0 assertions (assertion.json) and as "baked" PNG images that
carry the same assertion, which any Open Badges backpack or verifier accepts.

Files:
{files}
"""


class ExportArchive:
    """The zip being written. Receivers of collect_personal_data add their files through it, each
    under its app's folder; a path is relative and plain (no "..", no leading slash)."""

    def __init__(self, zip_file: zipfile.ZipFile):
        self._zip = zip_file
        self.paths: list[str] = []

    def _add(self, path: str) -> str:
        if posixpath.normpath(path) != path or path.startswith(("/", "..")) or "\\" in path or path in self.paths:
            raise ValueError(f"Not a fresh, plain path in the archive: {path!r}")
        self.paths.append(path)
        return path

    def write_json(self, path: str, data) -> None:
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        self._zip.writestr(self._add(path), text + "\n")

    def write_bytes(self, path: str, data: bytes) -> None:
        # Images and PDFs are compressed already.
        self._zip.writestr(self._add(path), data, compress_type=zipfile.ZIP_STORED)

    def write_stored_file(self, path: str, name: str) -> bool:
        """Copy the stored file `name` (a name from our own rows) into the archive, in chunks;
        False when it is gone from storage."""
        if not name or not default_storage.exists(name):
            return False
        with default_storage.open(name, "rb") as source, self._zip.open(self._add(path), "w") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        return True


def _stored_extension(name: str, default: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in posixpath.basename(name) else default


def write_personal_data(user: User, fileobj: IO[bytes]) -> list[str]:
    """Write the user's whole export as a zip into `fileobj`; returns the paths it holds.

    1. The account's part: account/profile.json (with the email addresses), account/avatar.*,
       account/notifications.json.
    2. collect_personal_data: every app above writes its own part.
    3. README.txt, listing the files.
    """
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as zip_file:
        archive = ExportArchive(zip_file)
        _write_account(user, archive)
        collect_personal_data.send(sender=User, user=user, archive=archive)
        when = timezone.localtime().strftime("%-d %B %Y at %H:%M %Z")
        files = "\n".join(f"  {path}" for path in sorted(archive.paths))
        zip_file.writestr("README.txt", README.format(site_name=settings.SITE_NAME, when=when, name=user.public_name, files=files))
    return ["README.txt", *archive.paths]


def _write_account(user: User, archive: ExportArchive) -> None:
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    archive.write_json("account/profile.json", {
        "email": user.email,
        "email_addresses": [{"email": e.email, "verified": e.verified, "primary": e.primary} for e in emails],
        "username": user.username,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "shown_as": user.public_name,
        "country": str(user.country),
        "bio": user.bio,
        "profile_is_public": user.profile_is_public,
        "wants_gallery_emails": user.wants_gallery_emails,
        "wants_pace_reminders": user.wants_pace_reminders,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    })
    if user.avatar:
        archive.write_stored_file(f"account/avatar.{_stored_extension(user.avatar.name, 'png')}", user.avatar.name)
    notifications = Notification.objects.for_user(user).order_by("created_at")
    archive.write_json("account/notifications.json", [
        {"kind": n.kind, "text": n.text, "url": settings.SITE_URL + n.url if n.url.startswith("/") else n.url,
         "created_at": n.created_at, "read_at": n.read_at}
        for n in notifications
    ])
