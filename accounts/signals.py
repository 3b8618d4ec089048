"""What accounts tells the apps above it; they connect their receivers in their own apps.py.

Accounts holds the profile page, where learners export and delete their data, but knows nothing of
courses, portfolios, the gallery or badges: each of those adds its part through these signals.
"""

from django.dispatch import Signal

# Sent while a learner's export is built (user, archive: accounts.exports.ExportArchive): each app
# writes its part of the learner's data into the archive under its own folder.
collect_personal_data = Signal()

# Sent inside the deletion's transaction, before the user row goes (user, keep_badges: whether the
# learner chose to keep their badges verifiable rather than have them revoked). What happens to
# each app's rows when the row goes is that app's pre_delete receiver and its foreign keys.
before_account_deletion = Signal()
