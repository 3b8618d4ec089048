import json

from badges.management.commands.build_badge_fixtures import badge_objects
from courses.management.commands.build_course_fixtures import FIXTURES, MEDIA


def test_the_committed_badge_fixtures_are_what_the_command_builds():
    assert badge_objects() == json.loads((FIXTURES / "badges.json").read_text())
    assert all((MEDIA / badge["fields"]["image"]).stat().st_size > 0 for badge in badge_objects())
