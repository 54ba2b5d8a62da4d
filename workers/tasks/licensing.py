"""Licensing upkeep: licence states from their windows, and expiry notices."""

from backend.licensing import services
from workers.celery import app


@app.task(name="licensing.refresh_licence_states")
def refresh_licence_states() -> dict[str, int]:
    return services.refresh_licence_states()
