"""Authentication backends that read the logged-in user and the header's unread count together.

Every page shows the count, so the user row comes with it in the same query (a subquery), read
from the database on every request like Django's own backend: nothing about the user is cached.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Notification, User


def user_with_unread_count(user_id) -> User | None:
    unread = (
        Notification.objects.filter(user=OuterRef("pk")).unread().order_by().values("user")
        .annotate(n=Count("pk")).values("n")
    )
    try:
        return User.objects.annotate(unread_count=Coalesce(Subquery(unread), 0)).get(pk=user_id)
    except User.DoesNotExist:
        return None


class UnreadCountMixin:
    def get_user(self, user_id):
        user = user_with_unread_count(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(UnreadCountMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(UnreadCountMixin, AllauthBackend):
    pass
