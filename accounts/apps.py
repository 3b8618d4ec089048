from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _forget_unread_count(sender, instance, **kwargs):
    sender.objects.forget_unread_count(instance.user_id)


class AccountsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'accounts'

    def ready(self):
        # The header's cached unread count (Notification.objects.unread_count) follows every change.
        notification = self.get_model("Notification")
        post_save.connect(_forget_unread_count, sender=notification, dispatch_uid="forget-unread-count-save")
        post_delete.connect(_forget_unread_count, sender=notification, dispatch_uid="forget-unread-count-delete")
        # The cached logged-in user (accounts/backends.py) follows every save and delete.
        from accounts.backends import user_deleted, user_saved

        user = self.get_model("User")
        post_save.connect(user_saved, sender=user, dispatch_uid="cached-user-save")
        post_delete.connect(user_deleted, sender=user, dispatch_uid="cached-user-delete")
