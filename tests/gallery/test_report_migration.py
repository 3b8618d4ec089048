"""The migration that adds one open report per reporter and target keeps every existing report."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gallery import services
from gallery.models import Report

BEFORE = [("gallery", "0006_comment_author_kept_on_placeholders")]
AFTER = [("gallery", "0007_one_open_report_per_reporter_and_target")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_duplicate_open_reports_are_resolved_not_lost_when_the_rule_arrives(transactional_db, entry, peer, learner):
    comment = services.post_comment(entry, learner, "Spam")
    migrate(BEFORE)
    try:
        for reason in ("first", "second", "third"):
            Report.objects.create(reporter=peer, entry=entry, comment=comment, reason=f"comment {reason}")
            Report.objects.create(reporter=peer, entry=entry, reason=f"entry {reason}")
    finally:
        migrate(AFTER)
    assert sorted(Report.objects.filter(status="open").values_list("reason", flat=True)) == ["comment first", "entry first"]
    assert Report.objects.filter(status="resolved").count() == 4
