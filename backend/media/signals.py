"""What the media app tells the rest of the exchange.

- ``source_received``: a source's bytes are stored but the store could not hash them (S3); sent
  after the transaction that recorded the asset commits, with ``asset_id``. Its SHA-256 is
  settled by a worker before the asset goes on.
- ``asset_uploaded``: a source asset's bytes are stored and their SHA-256 is known to match;
  sent after commit, with ``asset_id``. The pipeline's receiver enqueues processing.
- ``chunk_tasks_queued``: a chunked run recorded tasks to do (its chunks and audio parts when it
  starts, the assembly when the last of them is done, any of them again after a retry or a lost
  worker); sent after commit, with ``task_ids`` (MediaChunk ids). The receiver enqueues each.
- ``asset_ready``: the pipeline finished a source; sent inside the transaction that marks it
  ready, with ``asset``, so receivers record their work (webhook deliveries) in it.

Receivers of the after-commit signals must not fail the sender (they are sent robustly).
"""

import uuid

from django.db import transaction
from django.dispatch import Signal

from backend.media.models import Asset

source_received = Signal()
asset_uploaded = Signal()
asset_ready = Signal()
chunk_tasks_queued = Signal()


def notify_received(asset_id: uuid.UUID) -> None:
    transaction.on_commit(lambda: source_received.send_robust(sender=Asset, asset_id=asset_id))


def notify_uploaded(asset_id: uuid.UUID) -> None:
    transaction.on_commit(lambda: asset_uploaded.send_robust(sender=Asset, asset_id=asset_id))


def notify_ready(asset: Asset) -> None:
    asset_ready.send(sender=Asset, asset=asset)


def notify_chunk_tasks_queued(task_ids: list[int]) -> None:
    transaction.on_commit(lambda: chunk_tasks_queued.send_robust(sender=Asset, task_ids=list(task_ids)))
