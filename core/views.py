from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """Liveness for the load balancer and `make bench`'s baseline: one trivial query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
