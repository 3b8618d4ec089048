from smtplib import SMTPException

from celery import shared_task

from accounts import services
from accounts.models import DataExport


@shared_task(acks_late=True, soft_time_limit=DataExport.BUILD_TIME_LIMIT - 30, time_limit=DataExport.BUILD_TIME_LIMIT)
def build_data_export(export_id: int) -> str:
    """Build a learner's data export (idempotent: the building claim, services.build_data_export).
    On the default queue: it renders portfolio PDFs too, but rarely, and its email must not wait
    behind a burst of PDFs."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None:
        return "missing"
    return services.build_data_export(export, email_data_export_ready)


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def email_data_export_ready(export_id: int) -> bool:
    """Email the learner that their download is ready (once: DataExport.claim_email)."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    return export is not None and services.email_data_export_ready(export)


@shared_task(ignore_result=True)
def delete_expired_exports() -> int:
    """Daily from beat: downloads are kept DataExport.KEPT_FOR, then deleted with their files."""
    return services.delete_expired_exports()
