# Transitional: gallery/views.py still imports this name; the gallery branch stops using it and
# the lead deletes this file at the merge. Nothing changes it any more.
USERS_VERSION_KEY = "auth:users-version"
