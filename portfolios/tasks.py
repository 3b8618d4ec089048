from celery import shared_task

from portfolios.models import Portfolio, WithPdf
from portfolios.services import compile_portfolio, render_pdf


@shared_task(acks_late=True, soft_time_limit=WithPdf.RENDER_TIME_LIMIT - 30, time_limit=WithPdf.RENDER_TIME_LIMIT)
def render_portfolio_pdf(portfolio_id: int) -> str:
    """Render a requested portfolio PDF (idempotent: content hash + rendering claim, portfolios.services.render_pdf)."""
    portfolio = Portfolio.objects.select_related("enrollment__user", "enrollment__course").filter(pk=portfolio_id).first()
    if portfolio is None:
        return "missing"
    return render_pdf(portfolio, compile_portfolio(portfolio))
