"""Tell interested parts (the search index) about catalogue changes once the transaction commits."""

import uuid

from django.db import transaction
from django.dispatch import Signal

from backend.catalogue.models import Programme

# Sent after commit, with `programme_id`. Receivers enqueue work; they must not fail the request.
programme_changed = Signal()
programme_deleted = Signal()


def notify_changed(programme: Programme) -> None:
    programme_id = programme.pk
    transaction.on_commit(lambda: programme_changed.send(sender=Programme, programme_id=programme_id))


def notify_deleted(programme_id: uuid.UUID) -> None:
    transaction.on_commit(lambda: programme_deleted.send(sender=Programme, programme_id=programme_id))
