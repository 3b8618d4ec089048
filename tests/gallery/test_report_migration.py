"""The migration that adds one open report per reporter and target keeps every existing report."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gallery import services
from gallery.models import Report

BEFORE = [("gallery", "0006_comment_author_kept_on_placeholders")]
AFTER = [("gallery", "0007_one_open_report_per_reporter_and_target")]


def migrate(targets=None):
    """Migrate to `targets`, or to the latest migrations when None; returns the executor."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def test_duplicate_open_reports_are_resolved_not_lost_when_the_rule_arrives(transactional_db, entry, peer, learner):
    comment = services.post_comment(entry, learner, "Spam")
    executor = migrate(BEFORE)
    try:
        # The rows as that schema had them: later migrations add columns today's model would write.
        old_report = executor.loader.project_state(BEFORE[0]).apps.get_model("gallery", "Report")
        for reason in ("first", "second", "third"):
            old_report.objects.create(reporter_id=peer.pk, entry_id=entry.pk, comment_id=comment.pk, reason=f"comment {reason}")
            old_report.objects.create(reporter_id=peer.pk, entry_id=entry.pk, reason=f"entry {reason}")
        migrate(AFTER)
        assert sorted(Report.objects.filter(status="open").values_list("reason", flat=True)) == ["comment first", "entry first"]
        assert Report.objects.filter(status="resolved").count() == 4
    finally:
        migrate()
