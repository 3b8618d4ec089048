"""Gunicorn settings for production and `make bench`.

gthread workers: each process serves several requests at once while others wait on the
database, and `workers × threads` stays small enough for a 2-core machine. Override with
the environment: GUNICORN_BIND (default 127.0.0.1:8000; `PORT` alone also works),
GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_WORKER_CLASS, GUNICORN_WORKER_CONNECTIONS,
GUNICORN_TIMEOUT, GUNICORN_LOG_LEVEL, GUNICORN_GC_THRESHOLD.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# One process per core: more processes only add context switches, and the threads cover the
# short waits on the database and Redis.
workers = int(os.environ.get("GUNICORN_WORKERS") or max(2, min(multiprocessing.cpu_count(), 4)))
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or "gthread"
# A gthread worker parks idle keep-alive connections without a thread, up to worker_connections.
# A low cap starves every client beyond workers × cap: the connections over it wait in the
# listen queue until a kept-alive one times out (seconds), so keep gunicorn's default.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS") or 1000)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 10
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound (0 = never; `make bench`).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 5000)
max_requests_jitter = 500
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_fork(server, worker):
    """Keep the garbage collector off the shared, long-lived objects.

    The app is loaded before the fork (preload_app); freezing what exists then moves it out
    of the collector's generations, so a full collection no longer walks every module,
    template and cached course object. Collections also run less often: a page allocates
    many short-lived objects, and with the default threshold (700) the collector would run
    within most requests, with an occasional full pass that shows as a latency spike.
    """
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 20, 50)


GC_THRESHOLD = int(os.environ.get("GUNICORN_GC_THRESHOLD") or 20000)
