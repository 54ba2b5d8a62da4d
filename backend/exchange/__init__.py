# Load the Celery app with Django, so tasks sent from the API (shared_task) use its broker.
from workers.celery import app as celery_app

__all__ = ["celery_app"]
