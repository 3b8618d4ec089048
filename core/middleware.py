"""Request checks that hold for every URL of the site."""

from django.core.exceptions import BadRequest
from django.views.defaults import bad_request


class RefuseNulMiddleware:
    """Answer 400 when the path or the query string holds a NUL character.

    PostgreSQL cannot store or compare text with NUL in it, so such a value reaching a lookup
    (a gallery search, a username in a profile address, an admin filter) is a 500 there. No
    address or query of this site has a use for NUL; posted forms are left to their fields,
    which refuse it with a message (Django's ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            # The site's 400 page, returned rather than raised: Django logs the 400 either way,
            # and a raised BadRequest adds a traceback for every probe.
            return bad_request(request, BadRequest("A NUL character in the address or the query."))
        return self.get_response(request)
