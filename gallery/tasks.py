from smtplib import SMTPException

from celery import shared_task

from gallery import services
from portfolios.models import WithPdf


@shared_task(acks_late=True, soft_time_limit=WithPdf.RENDER_TIME_LIMIT - 30, time_limit=WithPdf.RENDER_TIME_LIMIT)
def render_entry_pdf(entry_id: int) -> bool:
    """Render the entry's snapshot to PDF (idempotent: content hash + rendering claim, portfolios.services.render_pdf)."""
    return services.store_entry_pdf(entry_id)


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_gallery_emails(user_id: int) -> int:
    """Send one digest email with every gallery notification the user has not been emailed about."""
    return services.send_gallery_digest(user_id)
