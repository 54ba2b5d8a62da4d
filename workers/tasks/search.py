"""Keep the search index in step with the catalogue. Idempotent: each run indexes the current state."""

from backend.search.documents import indexable_programmes, programme_document
from backend.search.engine import search_backend
from search.errors import SearchError
from workers.celery import app
from workers.retry import backoff


@app.task(name="catalogue.index_programme", bind=True, max_retries=8)
def index_programme(self, programme_id: str) -> str:
    """Index a published programme, or remove it from the index if it is not (any more)."""
    try:
        programme = indexable_programmes().filter(pk=programme_id).first()
        backend = search_backend()
        if programme is None:
            backend.delete([str(programme_id)])
            outcome = "removed"
        else:
            backend.index([programme_document(programme)])
            outcome = "indexed"
        # Catalogue edits are rare: make each one searchable as soon as the task is done.
        backend.refresh()
    except SearchError as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries + 1, base=1))
    return outcome


@app.task(name="catalogue.remove_programme", bind=True, max_retries=8)
def remove_programme(self, programme_id: str) -> None:
    try:
        backend = search_backend()
        backend.delete([str(programme_id)])
        backend.refresh()
    except SearchError as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries + 1, base=1))
