from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save, pre_delete

from core.cache import touch

# What User.public_name prints: a save that names none of them (a login's last_login) changes no card.
NAME_FIELDS = {"display_name", "first_name", "last_name", "username"}


def _delete_snapshot_images(sender, instance, **kwargs):
    from gallery.services import delete_snapshot_images  # services import models: not at app loading

    delete_snapshot_images(instance)


def _touch_renamed_authors_entries(sender, instance, created=False, update_fields=None, **kwargs):
    """The cached grid prints authors' names: a rename gives the author's entries a new updated_at."""
    if not created and (update_fields is None or not NAME_FIELDS.isdisjoint(update_fields)):
        touch(instance.entries.all())


def _completion_next_step(sender, enrollment, user, **kwargs):
    """The course-completion page's next step: the course ends by publishing to the gallery."""
    from gallery.models import Entry  # models load only once the registry is ready

    entry = Entry.objects.filter(portfolio__enrollment=enrollment).only("pk", "course_id", "is_published", "title").first()
    return "gallery/includes/completion_next.html", {"course": enrollment.course, "entry": entry}


def _delete_comments_of_deleted_user(sender, instance, **kwargs):
    """Accounts know nothing of the gallery: it takes a deleted user's comments out itself, keeping
    the threads others replied to (gallery.services.delete_comments_by)."""
    from gallery.services import delete_comments_by  # the models are not ready when this module loads

    delete_comments_by(instance)


def _export_gallery(sender, user, archive, **kwargs):
    from gallery.services import export_personal_data  # the models are not ready when this module loads

    export_personal_data(user, archive)


class GalleryConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'gallery'

    def ready(self):
        # Entries and comment counts change their entry's updated_at themselves (auto_now,
        # Entry.refresh_comment_count); a rename is the one change from outside the gallery.
        post_save.connect(_touch_renamed_authors_entries, sender=settings.AUTH_USER_MODEL, dispatch_uid="gallery-touch-renamed-author")
        pre_delete.connect(_delete_comments_of_deleted_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="gallery-delete-user-comments")
        # Before the row goes (a cascade from its portfolio, author or course too), while its snapshot can be read.
        pre_delete.connect(_delete_snapshot_images, sender=self.get_model("Entry"), dispatch_uid="gallery-delete-snapshot-images")
        from accounts.signals import collect_personal_data
        from courses.signals import completion_sections

        completion_sections.connect(_completion_next_step, dispatch_uid="gallery-completion-next-step")
        collect_personal_data.connect(_export_gallery, dispatch_uid="gallery-export-personal-data")
        # The course dashboard's gallery activity and the enrollment CSV's gallery columns.
        from courses.signals import dashboard_sections, enrollment_export_columns
        from gallery import studio

        dashboard_sections.connect(studio.dashboard_section, dispatch_uid="gallery-dashboard-section")
        enrollment_export_columns.connect(studio.export_columns, dispatch_uid="gallery-export-columns")
