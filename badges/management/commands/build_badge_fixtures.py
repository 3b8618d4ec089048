"""Build fixtures/badges.json and the badge images from fixtures/content/badges.json.

The course's own fixtures come from courses' build_course_fixtures; the badges are built here,
in the app that owns them, because courses imports nothing above it. `make fixtures` runs both.
"""

import json

from django.core.management.base import BaseCommand

from badges.images import VARIANT_SIDES, draw_badge_png, variant_png
from courses.management.commands.build_course_fixtures import CONTENT, FIXTURES, MEDIA


class Command(BaseCommand):
    help = "Build fixtures/badges.json and its badge images from fixtures/content/badges.json."

    def handle(self, *args, **options):
        badges = badge_objects()
        (FIXTURES / "badges.json").write_text(json.dumps(badges, indent=1, ensure_ascii=False) + "\n")
        self.stdout.write(f"Wrote {len(badges)} badges.")


def badge_objects() -> list[dict]:
    objects = []
    for order, badge in enumerate(json.loads((CONTENT / "badges.json").read_text()), start=1):
        name = f"badges/{badge['slug']}.png"
        target = MEDIA / name
        target.parent.mkdir(parents=True, exist_ok=True)
        png = draw_badge_png(badge["name"], badge["color"], badge["emblem"])
        target.write_bytes(png)
        variants = {}
        for side in VARIANT_SIDES:
            variants[f"image_{side}"] = f"badges/{badge['slug']}-{side}.png"
            (MEDIA / variants[f"image_{side}"]).write_bytes(variant_png(png, side))
        objects.append(
            {"model": "badges.badgeclass", "pk": order,
             "fields": {"course": 1, "slug": badge["slug"], "name": badge["name"],
                        "description": badge["description"], "criteria": badge["criteria"], "image": name,
                        **variants,
                        "rule": badge["rule"], "rule_param": badge["rule_param"], "order": order,
                        "is_active": True, "created_at": "2024-05-01T00:00:00Z",
                        "updated_at": "2024-05-01T00:00:00Z"}}
        )
    return objects
