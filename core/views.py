import functools
import sys

import redis
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from redis.exceptions import RedisError

from core import background


def healthz(request):
    """Health for the load balancer and the monitor, in a few milliseconds.

    The status code follows the database alone (a web process without it can serve nothing, so
    the load balancer takes it out); Redis and the workers are reported in the body for the
    monitor: `redis` answers a PING (null when the site runs without Redis) and `worker` says
    whether a worker ran the once-a-minute heartbeat job lately (its age in seconds beside it).
    """
    try:
        connection.ensure_connection()
        database = connection.is_usable()
    except DatabaseError:
        database = False
    body = {"ok": database, "database": database}
    if settings.REDIS_URL:
        body["redis"] = redis_answers()
        age = background.heartbeat_age()
        body["worker"] = age is not None and age < background.HEARTBEAT_STALE_AFTER
        body["worker_heartbeat_age"] = None if age is None else round(age, 1)
    return JsonResponse(body, status=200 if database else 503)


@functools.cache
def _redis():
    timeout = settings.CACHES["default"].get("OPTIONS", {}).get("socket_timeout", 0.25)
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout)


def redis_answers() -> bool:
    try:
        return bool(_redis().ping())
    except RedisError:
        return False


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
