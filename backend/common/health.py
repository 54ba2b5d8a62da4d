"""Liveness and readiness: /healthz says the process answers, /readyz that its dependencies do,
and that every queue has a live worker consuming it."""

import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from backend.common.models import WorkerHeartbeat
from backend.search.engine import search_backend
from backend.storage import get_storage
from workers.celery import app
from workers.queues import QUEUES, queue_for


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_broker() -> None:
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


def queue_depths(names: tuple[str, ...] = QUEUES) -> dict[str, int]:
    """Messages waiting in each queue (taken ones not counted), as the broker reports them."""
    with app.connection_for_read() as conn:
        channel = conn.default_channel
        return {name: channel.queue_declare(queue=name, durable=True, auto_delete=False).message_count
                for name in names}


def live_workers() -> list[WorkerHeartbeat]:
    """Workers whose heartbeat is recent (a few missed beats and a worker counts as gone)."""
    window = settings.WORKER_HEARTBEAT_SECONDS * settings.WORKER_HEARTBEAT_MISSED
    return list(WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - timedelta(seconds=window)))


def queues_status() -> dict[str, dict]:
    """Each queue with its depth and the live workers consuming it."""
    depths, workers = queue_depths(), live_workers()
    return {name: {"depth": depths[name], "workers": sorted(w.hostname for w in workers if name in w.queues)}
            for name in QUEUES}


def task_queue(task_name: str) -> dict:
    """Where a task waits: its queue, that queue's depth and how many live workers consume it."""
    name = queue_for(task_name)
    return {"name": name, "depth": queue_depths((name,))[name],
            "workers": sum(1 for worker in live_workers() if name in worker.queues)}


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
    body = {"checks": results}
    try:
        body["queues"] = queues_status()
        unserved = [name for name, queue in body["queues"].items() if not queue["workers"]]
        if unserved:
            ready = False
            results["workers"] = {"status": "error", "detail": f"no live worker consumes {', '.join(unserved)}"}
        else:
            results["workers"] = {"status": "ok"}
    except Exception as exc:  # the broker is away: already said by its check
        ready = False
        results["workers"] = {"status": "error", "detail": f"{type(exc).__name__}: {exc}"}
    return JsonResponse({"status": "ok" if ready else "unavailable", **body}, status=200 if ready else 503)
