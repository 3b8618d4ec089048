from smtplib import SMTPException

from celery import shared_task

from gallery import services
from gallery.models import Entry
from portfolios.models import WithPdf


@shared_task(acks_late=True, soft_time_limit=WithPdf.RENDER_TIME_LIMIT - 30, time_limit=WithPdf.RENDER_TIME_LIMIT)
def render_entry_pdf(entry_id: int) -> bool:
    """Render the entry's snapshot to PDF (idempotent: content hash + rendering claim, portfolios.services.render_pdf)."""
    return services.store_entry_pdf(entry_id)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def make_cover_thumbnails(entry_id: int) -> bool:
    """Make the smaller sizes of an entry's cover (idempotent: services.store_cover_thumbnails)."""
    entry = Entry.objects.filter(pk=entry_id).only("cover", "cover_small", "cover_large").first()
    return entry is not None and services.store_cover_thumbnails(entry)


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_gallery_emails(user_id: int) -> int:
    """Send one digest email with every gallery notification the user has not been emailed about."""
    return services.send_gallery_digest(user_id)


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def notify_report(report_id: int) -> int:
    """Tell the course's staff of a new report (idempotent: a claim on the report, services.notify_staff_of_report)."""
    return services.notify_staff_of_report(report_id)
