"""Celery tasks, one module per kind of work. Each is idempotent and safe to retry; the work lives
in backend services and the Django-free libraries."""

from workers.celery import app


@app.task(name="exchange.ping")
def ping() -> str:
    """A no-op round trip through broker and worker, used to check a deployment end to end."""
    return "pong"
