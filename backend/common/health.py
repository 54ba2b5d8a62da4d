"""Liveness and readiness: /healthz says the process answers, /readyz that its dependencies do."""

import os
import time
from collections.abc import Callable

from django.db import connection
from django.http import JsonResponse

from backend.search.engine import search_backend
from backend.storage import get_storage
from workers.celery import app


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_broker() -> None:
    if app.conf.broker_write_url.startswith("filesystem"):
        # The embedded broker is folders (made when Django starts): ready when this process can write to them.
        for name, folder in app.conf.broker_transport_options.items():
            if isinstance(folder, str) and not os.access(folder, os.W_OK):
                raise RuntimeError(f"the broker's {name} is not writable")
        return
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def check_storage() -> None:
    if not get_storage().ping():
        raise RuntimeError("the object store is not reachable or not writable")


def check_search() -> None:
    if not search_backend().ping():
        raise RuntimeError("the search index cannot be reached")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
    "search": check_search,
}


def healthz(request) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request) -> JsonResponse:
    results, ready = {}, True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
            results[name] = {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1)}
        except Exception as exc:  # any failure means not ready; say which and why
            ready = False
            results[name] = {"status": "error", "detail": f"{type(exc).__name__}: {exc}"}
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503)
