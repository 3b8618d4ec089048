from django.db import connection
from django.http import HttpResponse, JsonResponse


def healthz(request):
    """Liveness for the load balancer: one trivial query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


def bare(request):
    """`make bench`'s baseline: the full middleware stack and no query, so every page's
    throughput can be read as a fraction of what the server and Django cost on their own."""
    return HttpResponse("ok", content_type="text/plain")
