import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string


def healthz(request):
    """Liveness for the load balancer: the database answers (the backend's own trivial check)."""
    connection.ensure_connection()
    if not connection.is_usable():
        return JsonResponse({"ok": False}, status=503)
    return JsonResponse({"ok": True})


def bare(request):
    """`make bench`'s baseline: the full middleware stack and no query, so every page's
    throughput can be read as a fraction of what the server and Django cost on their own."""
    return HttpResponse("ok", content_type="text/plain")


def server_error(request):
    """handler500: a database that cannot be reached (connect or statement timeout, a cut) is
    a temporary outage, answered with the site's 503 page and Retry-After; anything else is a
    500. Rendered without the request, so the page itself never touches the database."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(render_to_string("500.html"))
