"""Account-level operations other apps call: on-site notifications; and the learner's own data:
the export they download and the deletion of their account."""

import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.urls import reverse

from accounts.exports import write_personal_data
from accounts.models import DataExport, Notification, User
from accounts.signals import before_account_deletion
from core.emails import send_templated_email
from core.ratelimit import seconds_to_wait, wait_text

logger = logging.getLogger(__name__)

# How often one person may ask for a new export: each one reads all their data and renders
# their portfolio PDFs.
EXPORT_LIMITS = ((86400, 5),)


def notify(user: User, kind: str, text: str, url: str = "") -> Notification:
    """Create an on-site notification (shown in the header count and /notifications/)."""
    with transaction.atomic():
        notification = Notification.objects.create(user=user, kind=kind, text=text[:300], url=url)
        User.objects.filter(pk=user.pk).update(unread_notifications=F("unread_notifications") + 1)
    return notification


# --- the learner's data export ------------------------------------------------------------


class ExportRefused(Exception):
    """The learner asked for more exports than EXPORT_LIMITS allow; the message says when to try again."""


def request_data_export(user: User, build_task) -> DataExport:
    """Queue `build_task(export.pk)` after the commit unless a build is already on its way; returns
    the export. Asking again replaces the previous download (DataExport.claim). ExportRefused when
    the learner asked too often."""
    DataExport.objects.bulk_create([DataExport(user=user)], ignore_conflicts=True)
    export = DataExport.objects.get(user=user)
    if export.job_status in (DataExport.Status.QUEUED, DataExport.Status.BUILDING):
        return export
    wait = seconds_to_wait("data-export", user.pk, EXPORT_LIMITS)
    if wait:
        raise ExportRefused(
            f"You have asked for {EXPORT_LIMITS[0][1]} downloads of your data today, as many as we make in a day. "
            f"Please ask again in {wait_text(wait)}."
        )
    if export.claim():
        build_task.delay_on_commit(export.pk)
    return export


def build_data_export(export: DataExport, email_task) -> str:
    """The build task's body: write the learner's zip into private storage and queue the email.

    1. take the job (building) with a conditional update, so a duplicate delivery does nothing;
    2. write the zip into a temporary file (memory stays flat however much was uploaded) and store
       it; any error marks the job failed, for the learner to ask again;
    3. record the file while the job is still this worker's (a newer request supersedes it: the
       file is dropped), then queue `email_task(export.pk)`.
    Returns what happened: "skipped", "failed", "superseded" or "ready".
    """
    started_at = export.start_build()
    if started_at is None:
        return "skipped"
    try:
        with tempfile.TemporaryFile() as scratch:
            write_personal_data(export.user, scratch)
            size = scratch.tell()
            scratch.seek(0)
            name = default_storage.save(export.file.field.generate_filename(export, "export.zip"), File(scratch))
    except Exception:
        logger.exception("Building the data export %s failed", export.pk)
        export.fail(started_at)
        return "failed"
    if not export.store(name, size, started_at):
        default_storage.delete(name)
        return "superseded"
    email_task.delay_on_commit(export.pk)
    return "ready"


def email_data_export_ready(export: DataExport) -> bool:
    """Tell the learner their download is ready, once (DataExport.claim_email); True when sent."""
    if not export.claim_email():
        return False
    export.refresh_from_db()
    user = export.user
    context = {
        "user": user,
        "download_url": settings.SITE_URL + reverse("accounts:data_export_download"),
        "profile_url": settings.SITE_URL + reverse("accounts:profile") + "#your-data",
        "expires_at": export.expires_at,
        "size": export.size,
    }
    try:
        send_templated_email("data_export_ready", user.email, context, time_zone=user.time_zone)
    except Exception:
        export.release_email()  # the task's retry sends it
        raise
    return True


def delete_expired_exports() -> int:
    """Delete the exports past DataExport.KEPT_FOR; their files go after the commit (django-cleanup)."""
    deleted, _ = DataExport.objects.expired().delete()
    return deleted


# --- deleting an account ------------------------------------------------------------------


@transaction.atomic
def delete_account(user: User, *, keep_badges: bool) -> None:
    """Delete the account and the personal data in it, in one transaction.

    1. before_account_deletion: the apps above keep what must outlive the account as the learner
       chose (badges: kept verifiable, or revoked).
    2. Delete the user row. The database takes their enrollments, progress, portfolios and answers,
       gallery entries, reports, notifications, email addresses and data export with it; the
       apps' pre_delete receivers keep what others rely on (gallery: peers' replies, under a
       "deleted" placeholder; badges: the assertions); django-cleanup deletes the files after the
       commit. Sessions elsewhere end on their next request (the user is gone).
    """
    before_account_deletion.send(sender=User, user=user, keep_badges=keep_badges)
    user.delete()
