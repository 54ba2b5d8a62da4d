"""What the media pipeline listens to.

``asset_uploaded`` is sent once a source asset's bytes are stored and their SHA-256 is known to
match, after the transaction that recorded it commits, with ``asset_id``. The pipeline connects
its receiver here to enqueue processing; receivers must not fail the sender.
"""

import uuid

from django.db import transaction
from django.dispatch import Signal

from backend.media.models import Asset

asset_uploaded = Signal()


def notify_uploaded(asset_id: uuid.UUID) -> None:
    transaction.on_commit(lambda: asset_uploaded.send_robust(sender=Asset, asset_id=asset_id))
