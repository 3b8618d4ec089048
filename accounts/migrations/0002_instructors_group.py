"""The `instructors` group: exactly what a non-superuser instructor needs to author and follow a course."""

from django.db import migrations

INSTRUCTOR_PERMISSIONS = {
    # app label: {model: actions}
    "courses": {
        "course": ["add", "change", "view"],
        "learningoutcome": ["add", "change", "delete", "view"],
        "staffmember": ["add", "change", "delete", "view"],
        "offering": ["add", "change", "view"],
        "session": ["add", "change", "delete", "view"],
        "lesson": ["add", "change", "delete", "view"],
        "enrollment": ["view"],
        "lessoncompletion": ["view"],
    },
    "portfolios": {
        "worksheet": ["add", "change", "delete", "view"],
        "prompt": ["add", "change", "delete", "view"],
        "portfolio": ["view"],
        "answer": ["view"],
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


def sync_instructors_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="instructors")
    wanted = []
    for app_label, models in INSTRUCTOR_PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                wanted.append(
                    Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                )
    group.permissions.set(wanted)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0001_initial"),
        ("portfolios", "0001_initial"),
        ("gallery", "0001_initial"),
        ("badges", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_instructors_group, migrations.RunPython.noop)]
