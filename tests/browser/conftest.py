import pytest
from django.core.management import call_command


@pytest.fixture
def real_course(settings, tmp_path):
    """The real course and the demo users, as `make run` loads them; media in a throwaway folder."""
    from django.conf import global_settings

    from courses.models import Course

    settings.MEDIA_ROOT = str(tmp_path)
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the fixture's demo passwords are PBKDF2
    call_command("load_course", "--demo-users", verbosity=0)
    return Course.objects.get()
