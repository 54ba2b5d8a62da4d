"""Coalesced indexing: catalogue changes mark programmes; one run indexes everything marked in bulk.

Repeated edits of a programme before a run index it once, and a flood of edits costs one bulk
request per run instead of one task each: at most one run waits in the queue (IndexRun). Drafts that were never published mark nothing (the
index never held them); a programme that was published once is marked on every change, so
unpublishing removes it.
"""

from __future__ import annotations

import logging
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.catalogue.models import Programme
from backend.search.documents import indexable_programmes, programme_document
from backend.search.engine import search_backend
from backend.search.models import IndexRun, PendingIndex

log = logging.getLogger(__name__)

BATCH_SIZE = 500  # programmes per bulk request


def needs_indexing(programme_id: uuid.UUID | str) -> bool:
    """Whether a change of this programme can concern the index: published now, or once (to remove)."""
    return Programme.objects.filter(pk=programme_id, published_at__isnull=False).exists()


def mark(programme_id: uuid.UUID | str) -> bool:
    """Mark a programme for the next run. True when the caller must queue a run (none is queued).

    Called after the change commits: the row is committed before the flag is looked at, so a
    run that has not yet started (flag still true) will see it.
    """
    now = timezone.now()
    if not PendingIndex.objects.filter(programme_id=programme_id).update(marked_at=now):
        try:
            PendingIndex.objects.create(programme_id=programme_id, marked_at=now)
        except IntegrityError:  # marked by a concurrent change meanwhile
            pass
    IndexRun.objects.get_or_create(pk=1)
    return IndexRun.objects.filter(pk=1, scheduled=False).update(scheduled=True) == 1


def run() -> dict[str, int]:
    """Index or remove every marked programme, in bulk batches, until nothing is marked."""
    IndexRun.objects.filter(pk=1).update(scheduled=False)  # changes from now on queue another run
    totals = {"indexed": 0, "removed": 0, "failed": 0}
    while True:
        batch = list(PendingIndex.objects.order_by("marked_at")[:BATCH_SIZE])
        if not batch:
            return totals
        for name, count in _index_batch(batch).items():
            totals[name] += count
        with transaction.atomic():  # rows marked again meanwhile stay for the next batch
            for row in batch:
                PendingIndex.objects.filter(pk=row.pk, marked_at=row.marked_at).delete()


def _index_batch(batch: list[PendingIndex]) -> dict[str, int]:
    documents, failed = [], set()
    for programme in indexable_programmes().filter(pk__in=[row.programme_id for row in batch]):
        try:
            documents.append(programme_document(programme))
        except Exception:  # one bad programme must not hold back the others; reindex repairs it
            log.exception("could not build the search document of programme %s", programme.pk)
            failed.add(str(programme.pk))
    published = {document["id"] for document in documents} | failed
    removed = [str(row.programme_id) for row in batch if str(row.programme_id) not in published]
    backend = search_backend()
    if documents:
        backend.index(documents)
    if removed:
        backend.delete(removed)
    backend.refresh()  # searchable as soon as the run is done
    return {"indexed": len(documents), "removed": len(removed), "failed": len(failed)}
