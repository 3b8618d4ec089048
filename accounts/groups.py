"""The `instructors` group: exactly what a non-superuser instructor needs to author and follow a course.

Kept in one place: the migration creates the group, and `load_course` (and the tests' factories)
call `sync_instructors_group` again, since a flushed test database loses rows made by migrations.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

INSTRUCTOR_PERMISSIONS = {
    # app label: {model: actions}
    "courses": {
        "course": ["add", "change", "view"],
        "learningoutcome": ["add", "change", "delete", "view"],
        "staffmember": ["add", "change", "delete", "view"],
        "offering": ["add", "change", "view"],
        "session": ["add", "change", "delete", "view"],
        "lesson": ["add", "change", "delete", "view"],
        "lessoncaption": ["add", "change", "delete", "view"],
        "enrollment": ["view"],
        "lessoncompletion": ["view"],
        "announcement": ["add", "change", "view"],
    },
    "portfolios": {
        "worksheet": ["add", "change", "delete", "view"],
        "prompt": ["add", "change", "delete", "view"],
        "portfolio": ["view"],
        "answer": ["view"],
        "review": ["add", "change", "view"],
    },
    "gallery": {
        "entry": ["change", "view"],
        "comment": ["change", "view"],
        "report": ["change", "view"],
    },
    "badges": {
        "badgeclass": ["add", "change", "view"],
        "award": ["add", "change", "view"],
    },
    "accounts": {
        "user": ["view"],
    },
}


def sync_instructors_group(apps=None, schema_editor=None):
    in_migration = apps is not None
    apps = apps or global_apps
    for app_config in apps.get_app_configs():
        if in_migration:
            # Permissions are normally made after migrate; a migration's app states need them now.
            app_config.models_module = True
            create_permissions(app_config, verbosity=0, apps=apps)
            app_config.models_module = None
        else:
            create_permissions(app_config, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="instructors")
    wanted = []
    for app_label, models in INSTRUCTOR_PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                permissions = Permission.objects.filter(content_type__app_label=app_label, codename=f"{action}_{model}")
                if in_migration and not permissions.exists():
                    continue  # a model a later migration creates: that migration syncs the group again
                wanted.append(permissions.get())
    group.permissions.set(wanted)
    return group
