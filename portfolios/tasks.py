from smtplib import SMTPException

from celery import shared_task

from portfolios.models import Portfolio, WithPdf
from portfolios.services import compile_portfolio, email_review_to_learner, render_pdf


@shared_task(acks_late=True, soft_time_limit=WithPdf.RENDER_TIME_LIMIT - 30, time_limit=WithPdf.RENDER_TIME_LIMIT)
def render_portfolio_pdf(portfolio_id: int) -> str:
    """Render a requested portfolio PDF (idempotent: content hash + rendering claim, portfolios.services.render_pdf)."""
    portfolio = Portfolio.objects.select_related("enrollment__user", "enrollment__course").filter(pk=portfolio_id).first()
    if portfolio is None:
        return "missing"
    return render_pdf(portfolio, compile_portfolio(portfolio))


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def email_review(review_id: int) -> bool:
    """Email the learner their instructor's feedback (idempotent: claimed through Review.emailed_at)."""
    return email_review_to_learner(review_id)
