from celery import shared_task

from portfolios.services import render_and_store_pdf


@shared_task(acks_late=True, soft_time_limit=90, time_limit=120)
def render_portfolio_pdf(portfolio_id: int) -> str:
    """Render a queued portfolio PDF (idempotent: content hash + queued→rendering claim)."""
    return render_and_store_pdf(portfolio_id)
