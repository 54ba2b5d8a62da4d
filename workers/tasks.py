"""Celery tasks. Each is idempotent and safe to retry; the work lives in services and workers/media."""

from workers.celery import app


@app.task(name="exchange.ping")
def ping() -> str:
    """A no-op round trip through broker and worker, used to check a deployment end to end."""
    return "pong"
