"""#16.10: the portfolio's summary and critical evaluation are the one copy learners edit.

Until now the publish form asked for them again and kept what was typed there only on the entry. A
portfolio whose text is empty takes its entry's, so the publish form, which now shows the
portfolio's texts, shows what the learner last published.
"""

from django.db import migrations
from django.db.models import F


def copy_entry_texts(apps, schema_editor):
    Entry = apps.get_model("gallery", "Entry")
    Portfolio = apps.get_model("portfolios", "Portfolio")
    for entry in Entry.objects.only("portfolio_id", "summary", "critical_evaluation").order_by("pk"):
        portfolio = Portfolio.objects.only("summary", "critical_evaluation").get(pk=entry.portfolio_id)
        if not portfolio.summary.strip() and entry.summary.strip():
            Portfolio.objects.filter(pk=portfolio.pk).update(summary=entry.summary, summary_version=F("summary_version") + 1)
        if not portfolio.critical_evaluation.strip() and entry.critical_evaluation.strip():
            Portfolio.objects.filter(pk=portfolio.pk).update(
                critical_evaluation=entry.critical_evaluation, critical_evaluation_version=F("critical_evaluation_version") + 1
            )


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0009_content_cover_alt_sizes_attachment"),
        ("portfolios", "0006_content_step6_draft_into_portfolio_texts"),
    ]

    operations = [migrations.RunPython(copy_entry_texts, migrations.RunPython.noop)]
