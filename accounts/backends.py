"""Authentication backends that keep the logged-in user in the cache.

Every page looks up `request.user`; with the user row cached, a page saves that query.
The copy is never served stale after a change:
- saving a user drops the cached copy at once, and after the commit writes a fresh copy
  read back from the database (so a request that read the old row just before the commit
  cannot put it back: readers only `add`, which never overwrites);
- deleting a user leaves a marker that reads as "no such user".
Password changes therefore still end other sessions (Django compares the session's hash
with the fresh copy), and deactivated users are refused as before.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends
from django.core.cache import cache
from django.db import transaction

from core.cache import bump_version

TIMEOUT = 10 * 60
DELETED = "deleted"
# Changes whenever a user's name is saved or a user is deleted: caches of HTML that prints
# people's names (the gallery list, an entry's comment threads) put it in their keys.
USERS_VERSION_KEY = "auth:users-version"


def user_key(user_id) -> str:
    return f"auth:user:{user_id}"


class CachedUserMixin:
    def get_user(self, user_id):
        from accounts.models import unread_key

        key = user_key(user_id)
        # The header's unread count comes in the same round trip (accounts/context_processors.py).
        found = cache.get_many([key, unread_key(user_id)])
        user = found.get(key)
        if user == DELETED:
            return None
        if user is None:
            user = self._user_from_database(user_id)
            if user is None:
                return None
            cache.add(key, user, TIMEOUT)
        user.cached_unread_count = found.get(unread_key(user_id))
        return user if self.user_can_authenticate(user) else None

    def _user_from_database(self, user_id):
        model = backends.UserModel
        try:
            return model._default_manager.get(pk=user_id)
        except model.DoesNotExist:
            return None


class ModelBackend(CachedUserMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(CachedUserMixin, AllauthBackend):
    pass


# What a saved user's name is printed from (User.public_name); a save that names other fields
# (a login's last_login) leaves the HTML caches alone.
NAME_FIELDS = {"display_name", "first_name", "last_name", "username"}


def user_saved(sender, instance, update_fields=None, **kwargs):
    key = user_key(instance.pk)
    cache.delete(key)
    if update_fields is None or not NAME_FIELDS.isdisjoint(update_fields):
        bump_version(USERS_VERSION_KEY)

    def store_fresh_copy():
        fresh = sender._default_manager.filter(pk=instance.pk).first()
        if fresh is not None:
            cache.set(key, fresh, TIMEOUT)

    transaction.on_commit(store_fresh_copy)


def user_deleted(sender, instance, **kwargs):
    key = user_key(instance.pk)
    cache.set(key, DELETED, TIMEOUT)
    bump_version(USERS_VERSION_KEY)
    transaction.on_commit(lambda: cache.set(key, DELETED, TIMEOUT))
