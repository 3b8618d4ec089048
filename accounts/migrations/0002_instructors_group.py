from django.db import migrations

from accounts.groups import sync_instructors_group


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
