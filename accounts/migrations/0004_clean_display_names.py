"""Take control, bidi and zero-width characters out of the display names already saved, as the
profile and sign-up forms now refuse them (accounts.forms.DisplayNameMixin); the rule is copied
here so that this migration keeps doing what it did when it was written."""

import unicodedata

from django.db import migrations

REFUSED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def clean(name: str) -> str:
    name = unicodedata.normalize("NFKC", name)
    return " ".join("".join(ch for ch in name if unicodedata.category(ch) not in REFUSED_CATEGORIES).split())


def clean_display_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    changed = []
    for user in User.objects.exclude(display_name="").only("pk", "display_name").iterator(chunk_size=2000):
        cleaned = clean(user.display_name)
        if cleaned != user.display_name:
            user.display_name = cleaned
            changed.append(user)
    User.objects.bulk_update(changed, ["display_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_unread_notifications")]

    operations = [migrations.RunPython(clean_display_names, migrations.RunPython.noop)]
