"""#16.10: the summary and critical evaluation are asked for once, on Step #6 (asks_portfolio_texts).

Step #6 used to have its own "Draft the summary and critical evaluation" prompt, whose answers never
reached the portfolio's texts. Each draft moves into its portfolio: into the summary when that is
empty, else into the critical evaluation when that is empty, else added at the end of the critical
evaluation (unless it is already there), so nothing a learner wrote is lost. Then that prompt goes.
A course whose Step #6 was renamed or reworded by an instructor is left as it is.
"""

from django.db import migrations
from django.db.models import F

STEP6_SLUG = "continuous-improvement"
DRAFT_LABEL = "Draft the summary and critical evaluation"


def move_drafts(apps, schema_editor):
    Worksheet = apps.get_model("portfolios", "Worksheet")
    Prompt = apps.get_model("portfolios", "Prompt")
    Answer = apps.get_model("portfolios", "Answer")
    Portfolio = apps.get_model("portfolios", "Portfolio")
    for worksheet in Worksheet.objects.filter(slug=STEP6_SLUG):
        drafts = Prompt.objects.filter(worksheet=worksheet, kind="long_text", label__startswith=DRAFT_LABEL)
        if not drafts.exists():
            continue
        for answer in Answer.objects.filter(prompt__in=drafts).order_by("pk"):
            draft = answer.value.strip() if isinstance(answer.value, str) else ""
            if not draft:
                continue
            portfolio = Portfolio.objects.get(pk=answer.portfolio_id)
            if not portfolio.summary.strip():
                Portfolio.objects.filter(pk=portfolio.pk).update(summary=draft, summary_version=F("summary_version") + 1)
            elif not portfolio.critical_evaluation.strip():
                Portfolio.objects.filter(pk=portfolio.pk).update(
                    critical_evaluation=draft, critical_evaluation_version=F("critical_evaluation_version") + 1
                )
            elif draft not in portfolio.summary and draft not in portfolio.critical_evaluation:
                Portfolio.objects.filter(pk=portfolio.pk).update(
                    critical_evaluation=f"{portfolio.critical_evaluation.rstrip()}\n\n{draft}",
                    critical_evaluation_version=F("critical_evaluation_version") + 1,
                )
        drafts.delete()
        Worksheet.objects.filter(pk=worksheet.pk).update(asks_portfolio_texts=True)


class Migration(migrations.Migration):
    dependencies = [("portfolios", "0005_content_sections_alt_attachment")]

    operations = [migrations.RunPython(move_drafts, migrations.RunPython.noop)]
