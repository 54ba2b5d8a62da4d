"""Asset rules: the state machine, and the SHA-256 verification of sources the store could not hash."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from backend.audit import services as audit
from backend.common.errors import Conflict
from backend.media import signals
from backend.media.models import ASSET_TRANSITIONS, Asset
from backend.storage import get_storage


def set_state(asset: Asset, state: str, reason: str = "", progress: int | None = None) -> Asset:
    """Move ``asset`` to ``state`` (saved); refuses moves the state machine does not allow."""
    if state != asset.state and state not in ASSET_TRANSITIONS[asset.state]:
        raise Conflict(f"An asset cannot go from {asset.state} to {state}.", code="invalid_state_transition")
    if state != asset.state:
        asset.state_changed_at = timezone.now()
    asset.state, asset.state_reason = state, reason
    if progress is not None:
        asset.progress = progress
    asset.save(update_fields=["state", "state_reason", "progress", "state_changed_at"])
    return asset


def verify_sha256(asset_id: uuid.UUID | str) -> str:
    """Hash a source's stored bytes (streamed; minutes for a large master) and settle its SHA-256.

    A match (or no declared value) records the hash and announces the asset to the pipeline;
    a mismatch fails the asset with the reason. Safe to run twice: a settled asset is skipped.
    """
    asset = Asset.objects.filter(pk=asset_id).first()
    if asset is None or asset.sha256_verified or asset.state != Asset.State.UPLOADED:
        return "skipped"
    actual = get_storage().sha256(asset.storage_key)  # outside any transaction: this takes long
    with transaction.atomic():
        asset = Asset.objects.select_for_update().select_related("programme__owner").get(pk=asset_id)
        if asset.sha256_verified or asset.state != Asset.State.UPLOADED:
            return "skipped"
        if asset.sha256 and asset.sha256 != actual:
            fail(asset, f"checksum_mismatch: the stored file's SHA-256 is {actual}, the uploader declared {asset.sha256}")
            return "mismatch"
        asset.sha256, asset.sha256_verified_at = actual, timezone.now()
        asset.save(update_fields=["sha256", "sha256_verified_at"])
        signals.notify_uploaded(asset.pk)
    return "verified"


def fail(asset: Asset, reason: str) -> Asset:
    """Fail an asset for a reason people can act on, and record it in the owner's audit log."""
    set_state(asset, Asset.State.FAILED, reason)
    audit.record(actor=None, partner=asset.programme.owner, action="asset.failed", obj=asset, reason=reason)
    return asset


def reprocess(actor, source: Asset) -> Asset:
    """Run the pipeline again on a source that failed, was cancelled, or is ready (new settings)."""
    with transaction.atomic():
        source = Asset.objects.select_for_update().select_related("programme__owner").get(pk=source.pk)
        if source.kind != Asset.Kind.SOURCE:
            raise Conflict("Only source assets are processed.", code="not_a_source")
        if source.state not in (Asset.State.FAILED, Asset.State.CANCELLED, Asset.State.READY):
            raise Conflict(f"The asset is {source.state}: processing has not ended.", code="invalid_state_transition")
        set_state(source, Asset.State.UPLOADED, progress=0)
        Asset.objects.filter(pk=source.pk).update(attempts=0, heartbeat_at=None)
        audit.record(actor=actor, partner=actor.partner, action="asset.reprocess", obj=source)
        signals.notify_uploaded(source.pk)
    return source


def cancel(actor, source: Asset) -> Asset:
    """Stop processing: a running ffmpeg notices within seconds and is killed."""
    with transaction.atomic():
        source = Asset.objects.select_for_update().select_related("programme__owner").get(pk=source.pk)
        set_state(source, Asset.State.CANCELLED, reason=f"cancelled by {actor.username}")
        audit.record(actor=actor, partner=actor.partner, action="asset.cancelled", obj=source)
    return source
