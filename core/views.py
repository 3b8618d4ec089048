from django.db import connection
from django.http import HttpResponse, JsonResponse


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
