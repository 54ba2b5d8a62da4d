"""Keep the search index in step with the catalogue. Idempotent: each run indexes the current state."""

from backend.search import indexing
from search.errors import SearchError
from workers.celery import app
from workers.retry import backoff


@app.task(name="search.index_pending", bind=True, max_retries=8)
def index_pending(self) -> dict[str, int]:
    """Index (or remove) every programme marked since the last run, in bulk."""
    try:
        return indexing.run()
    except SearchError as error:  # the rows stay marked: the retry takes them, and any new ones
        raise self.retry(exc=error, countdown=backoff(self.request.retries + 1, base=1))
