"""Which queue each task goes to: the one routing table of the exchange.

Queues are by kind of work, so a long transcode never delays indexing or notifications:
workers are started per queue (``deploy/run-embedded.sh``, the compose services) and scale
apart. A task goes to the queue of the longest matching name prefix in ``ROUTES``; adding a
task to a queue is one line here.
"""

from __future__ import annotations

MEDIA_LONG = "media.long"  # transcodes: minutes to hours each
MEDIA_SHORT = "media.short"  # probes, checksums, thumbnails, subtitle ingest: seconds each
INDEX = "index"  # search indexing
NOTIFY = "notify"  # webhooks, licence expiry notices
MAINTENANCE = "maintenance"  # periodic sweeps and clean-ups
DEFAULT = MAINTENANCE  # a task named nowhere below (exchange.ping)

QUEUES: tuple[str, ...] = (MEDIA_LONG, MEDIA_SHORT, INDEX, NOTIFY, MAINTENANCE)

# Task name (or a prefix ending in "."), then its queue.
ROUTES: dict[str, str] = {
    "media.process_asset": MEDIA_LONG,
    "media.chunk.sweep": MAINTENANCE,
    "media.chunk.": MEDIA_LONG,  # chunked transcoding (workers/tasks/chunked.py)
    "media.verify_source_checksum": MEDIA_SHORT,
    "media.sweep_stale_assets": MAINTENANCE,
    "media.cleanup_abandoned_uploads": MAINTENANCE,
    "media.": MEDIA_SHORT,
    "subtitles.": MEDIA_SHORT,
    "search.": INDEX,
    "catalogue.": INDEX,
    "webhooks.": NOTIFY,
    "licensing.refresh_licence_states": NOTIFY,  # sends the expiry notices
    "workers.": MAINTENANCE,
}


def queue_for(task_name: str) -> str:
    """The queue of ``task_name``: its exact entry, else its longest matching prefix, else DEFAULT."""
    if task_name in ROUTES:
        return ROUTES[task_name]
    prefixes = [prefix for prefix in ROUTES if prefix.endswith(".") and task_name.startswith(prefix)]
    return ROUTES[max(prefixes, key=len)] if prefixes else DEFAULT


def route_task(name: str, args, kwargs, options, task=None, **kw) -> dict[str, str]:
    """Celery's task_routes hook (https://docs.celeryq.dev/en/stable/userguide/routing.html#routers)."""
    return {"queue": queue_for(name)}
