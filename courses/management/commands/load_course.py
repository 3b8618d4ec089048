"""Load the real course, its badges and the demo users — once.

`make run` calls this every time. It only loads what is missing, so a second run keeps
every change made through the site or the admin (nothing is duplicated or reset).
"""

import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.groups import sync_instructors_group
from accounts.models import User
from courses.models import Course

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
COURSE_SLUG = "introduction-to-micro-influence"

DEMO_LOGINS = [
    ("Learner", "learner@atelier.test", "atelier-learner"),
    ("Second learner", "learner2@atelier.test", "atelier-learner2"),
    ("Instructor (not a superuser)", "instructor@atelier.test", "atelier-instructor"),
    ("Admin", "admin@atelier.test", "atelier-admin"),
]


class Command(BaseCommand):
    help = "Load the course, its badges and the demo users when they are not in the database yet."

    def handle(self, *args, **options):
        self.copy_media()
        with transaction.atomic():
            sync_instructors_group()
            if Course.objects.filter(slug=COURSE_SLUG).exists():
                self.stdout.write("Course already loaded: keeping it as it is.")
            else:
                call_command("loaddata", FIXTURES / "course.json", verbosity=0)
                self.stdout.write(self.style.SUCCESS("Loaded the course, its sessions, lessons and worksheets."))
            # Badges sit above courses: their model is looked up by name, not imported.
            if apps.get_model("badges", "BadgeClass").objects.filter(course__slug=COURSE_SLUG).exists():
                self.stdout.write("Badges already loaded.")
            elif (FIXTURES / "badges.json").exists() and (FIXTURES / "badges.json").read_text().strip() != "[]":
                call_command("loaddata", FIXTURES / "badges.json", verbosity=0)
                self.stdout.write(self.style.SUCCESS("Loaded the course's badges."))
            if User.objects.filter(email__in=[email for _, email, _ in DEMO_LOGINS]).exists():
                self.stdout.write("Demo users already exist: passwords unchanged.")
            else:
                call_command("loaddata", FIXTURES / "demo_users.json", verbosity=0)
                self.stdout.write(self.style.SUCCESS("Created the demo users."))
        self.stdout.write("\nDemo logins (http://127.0.0.1:8000/accounts/login/):")
        for role, email, password in DEMO_LOGINS:
            self.stdout.write(f"  {role:<30} {email:<26} password: {password}")
        self.stdout.write("")

    def copy_media(self) -> None:
        """Copy the fixture PDFs and badge images into MEDIA_ROOT, never overwriting."""
        source = FIXTURES / "media"
        target = Path(settings.MEDIA_ROOT)
        for path in source.rglob("*"):
            if path.is_file():
                destination = target / path.relative_to(source)
                if not destination.exists():
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, destination)
