"""Add the worksheets' new prompts to a course that is already in the database.

`load_course` only inserts a course that is not there yet, so a database loaded before the worksheets
gained prompts keeps the old ones. This command reads the same fixture (fixtures/course.json) and,
for each of the course's worksheets (matched by slug):

1. a prompt already there (same key, or, for prompts made before keys existed, the same label) is
   kept as it is, with the fixture's key, section and place in the order;
2. a prompt that is not there is added;
3. nothing is ever deleted or reworded, so every answer stays with its question.

It also marks the worksheet that asks for the summary and critical evaluation, unless the course
already has one. Run it after `migrate`; running it again changes nothing.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from portfolios.models import Prompt, Worksheet

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "course.json"
PLACEMENT = ("order", "section", "key")


class Command(BaseCommand):
    help = "Add the fixture's new worksheet prompts to the existing course (never deletes or rewords a prompt)."

    def add_arguments(self, parser):
        parser.add_argument("--course", default="introduction-to-micro-influence", help="The course's slug.")

    @transaction.atomic
    def handle(self, *args, course, **options):
        rows = json.loads(FIXTURE.read_text())
        sheets = {row["pk"]: row["fields"] for row in rows if row["model"] == "portfolios.worksheet"}
        wanted = {}
        for row in rows:
            if row["model"] == "portfolios.prompt":
                wanted.setdefault(sheets[row["fields"]["worksheet"]]["slug"], []).append(row["fields"])
        worksheets = Worksheet.objects.filter(course__slug=course, slug__in=[sheet["slug"] for sheet in sheets.values()])
        added = 0
        for worksheet in worksheets:
            have = list(worksheet.prompts.all())
            by_key = {prompt.key: prompt for prompt in have if prompt.key}
            by_label = {prompt.label: prompt for prompt in have if not prompt.key}
            for fields in wanted.get(worksheet.slug, []):
                prompt = by_key.get(fields["key"]) or by_label.pop(fields["label"], None)
                if prompt is None:
                    Prompt.objects.create(worksheet=worksheet, **{k: v for k, v in fields.items() if k != "worksheet"})
                    added += 1
                elif any(getattr(prompt, name) != fields[name] for name in PLACEMENT):
                    for name in PLACEMENT:
                        setattr(prompt, name, fields[name])
                    prompt.save(update_fields=list(PLACEMENT))
        asking = [sheet["slug"] for sheet in sheets.values() if sheet.get("asks_portfolio_texts")]
        if asking and not Worksheet.objects.filter(course__slug=course, asks_portfolio_texts=True).exists():
            for worksheet in worksheets.filter(slug__in=asking):
                worksheet.asks_portfolio_texts = True
                worksheet.save(update_fields=["asks_portfolio_texts"])
        self.stdout.write(self.style.SUCCESS(f"Added {added} prompt{'s' if added != 1 else ''} to {course}."))
