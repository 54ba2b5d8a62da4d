"""Keep the search index in step with the catalogue. Idempotent: each run indexes the current state."""


from backend.search.documents import indexable_programmes, programme_document
from backend.search.engine import search_backend
from search.errors import SearchError
from workers.celery import app


@app.task(name="catalogue.index_programme", autoretry_for=(SearchError,), retry_backoff=True, max_retries=8)
def index_programme(programme_id: str) -> str:
    """Index a published programme, or remove it from the index if it is not (any more)."""
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
    return outcome


@app.task(name="catalogue.remove_programme", autoretry_for=(SearchError,), retry_backoff=True, max_retries=8)
def remove_programme(programme_id: str) -> None:
    backend = search_backend()
    backend.delete([str(programme_id)])
    backend.refresh()
