"""Load the real course and its badges — once — and, for `make run`, the demo users.

`make run` and `bin/prod-local` call this on every start. It only ever inserts: a fixture
whose rows (by id) are already there is left alone, so an instructor's edits (even to the
course's slug) survive, and so do an operator's own rows. Demo users are created only with
--demo-users (what `make run` passes), never under production settings, and never over an
existing user.
"""

import json
import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.groups import sync_instructors_group
from accounts.models import User
from courses.models import Course, StaffMember

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
COURSE_SLUG = "introduction-to-micro-influence"

DEMO_INSTRUCTOR = "instructor@atelier.test"
DEMO_LOGINS = [
    ("Learner", "learner@atelier.test", "atelier-learner"),
    ("Second learner", "learner2@atelier.test", "atelier-learner2"),
    ("Instructor (not a superuser)", DEMO_INSTRUCTOR, "atelier-instructor"),
    ("Admin", "admin@atelier.test", "atelier-admin"),
]


class Command(BaseCommand):
    help = "Load the course and its badges when they are not in the database yet (and, with --demo-users, the demo users)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-users", action="store_true",
            help="Also create the demo learners, instructor and admin (development only: refused in production).",
        )

    def handle(self, *args, demo_users=False, **options):
        if demo_users and settings.IS_PRODUCTION:
            raise CommandError("Demo users (with published passwords) are never created under production settings.")
        self.copy_media()
        with transaction.atomic():
            sync_instructors_group()
            loaded = self.load_missing("course.json", "the course, its sessions, lessons and worksheets")
            # Badges sit above courses: their model is looked up by name, not imported.
            badges = apps.get_model("badges", "BadgeClass")
            if loaded or not badges.objects.filter(course__slug=COURSE_SLUG).exists():
                self.load_missing("badges.json", "the course's badges")
            if demo_users:
                self.create_demo_users()
        if demo_users:
            self.stdout.write("\nDemo logins (http://127.0.0.1:8000/accounts/login/):")
            for role, email, password in DEMO_LOGINS:
                self.stdout.write(f"  {role:<30} {email:<26} password: {password}")
            self.stdout.write("")

    def load_missing(self, name: str, what: str) -> bool:
        """Load a fixture only if none of its rows exists yet; True when it was loaded.

        `loaddata` saves by primary key, overwriting whatever row holds that id. Once any of the
        fixture's rows is there (the course as an instructor has since edited it, or an
        operator's own rows under the same ids), loading would rewrite it, so nothing is loaded.
        """
        path = FIXTURES / name
        rows = json.loads(path.read_text()) if path.exists() else []
        if not rows:
            return False
        ids: dict[str, list] = {}
        for row in rows:
            ids.setdefault(row["model"], []).append(row["pk"])
        taken = [label for label, pks in ids.items() if apps.get_model(label).objects.filter(pk__in=pks).exists()]
        if taken:
            self.stdout.write(f"Not loading {what}: rows with the fixture's ids exist ({', '.join(taken)}); keeping them as they are.")
            return False
        call_command("loaddata", path, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Loaded {what}."))
        return True

    def create_demo_users(self) -> None:
        """Create each demo user whose email is not taken, under a new id (never over an existing row)."""
        objects = list(serializers.deserialize("json", (FIXTURES / "demo_users.json").read_text()))
        new_ids = {}
        for item in objects:
            user = item.object
            if not isinstance(user, User):
                continue
            if User.objects.filter(email__iexact=user.email).exists() or User.objects.filter(username=user.username).exists():
                continue
            old_id, user.pk = user.pk, None
            user.save()
            user.groups.set(item.m2m_data.get("groups", []))
            new_ids[old_id] = user
        for item in objects:
            address = item.object
            if not isinstance(address, User) and address.user_id in new_ids:
                address.pk, address.user = None, new_ids[address.user_id]
                address.save()
        self.link_demo_instructor([user for user in new_ids.values() if user.email == DEMO_INSTRUCTOR])
        if new_ids:
            self.stdout.write(self.style.SUCCESS(f"Created {len(new_ids)} demo users."))
        else:
            self.stdout.write("Demo users already exist: passwords unchanged.")

    def link_demo_instructor(self, created: list[User]) -> None:
        """Name a newly created demo instructor as the course's instructor: the gallery's staff are a course's instructors."""
        course = Course.objects.filter(slug=COURSE_SLUG).first()
        for instructor in created if course else []:
            StaffMember.objects.get_or_create(
                course=course, user=instructor,
                defaults={"name": instructor.public_name, "role": StaffMember.Role.INSTRUCTOR, "order": course.staff.count() + 1},
            )

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
