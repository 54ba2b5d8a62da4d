"""Celery glue for media: the pipeline, SHA-256 verification of S3 sources, and the periodic sweeps."""

from datetime import timedelta

from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from backend.media import assets, chunking, pipeline, uploads
from backend.media.models import Asset
from storage import StorageError
from storage.errors import NoSuchKey
from workers.celery import app
from workers.retry import backoff

VERIFY_MAX_RETRIES = 5
# Hashing a large master on S3 takes minutes and writes no heartbeat: asked again after this long.
CHECKSUM_STALE_AFTER = 900


@app.task(name="media.verify_source_checksum", bind=True, max_retries=VERIFY_MAX_RETRIES)
def verify_source_checksum(self, asset_id: str) -> str:
    """Stream a source from the store to settle its SHA-256 (S3 cannot hash a multipart object whole)."""
    try:
        return assets.verify_sha256(asset_id)
    except NoSuchKey:
        return _give_up(asset_id, "the stored file is missing")
    except StorageError as error:
        if self.request.retries >= VERIFY_MAX_RETRIES:
            return _give_up(asset_id, f"the store could not be read: {error.detail}")
        raise self.retry(exc=error, countdown=backoff(self.request.retries + 1))


@app.task(name="media.cleanup_abandoned_uploads")
def cleanup_abandoned_uploads() -> int:
    return uploads.cleanup_abandoned_uploads()


def _give_up(asset_id: str, reason: str) -> str:
    asset = Asset.objects.select_related("programme__owner").filter(pk=asset_id, state=Asset.State.UPLOADED).first()
    if asset is not None:
        assets.fail(asset, f"checksum_unverified: {reason}")
    return "failed"


@app.task(name="media.process_asset", bind=True, max_retries=None)
def process_asset(self, asset_id: str) -> str:
    """Probe, transcode, QC and thumbnail one source. Safe to run again: outputs are overwritten."""
    try:
        return pipeline.process(asset_id, worker=self.request.hostname or "")
    except (StorageError, OperationalError) as error:  # the store or the database, not the media
        attempts = Asset.objects.values_list("attempts", flat=True).get(pk=asset_id)
        if attempts >= settings.MEDIA_MAX_ATTEMPTS:
            pipeline.fail(asset_id, f"gave up after {attempts} attempts: {error}")
            return Asset.State.FAILED
        countdown = backoff(attempts)
        pipeline.hand_back(asset_id, f"waiting {countdown:.0f} s to retry (attempt {attempts + 1} of "
                                     f"{settings.MEDIA_MAX_ATTEMPTS}): {error}", requeue=False)
        raise self.retry(exc=error, countdown=countdown)


@app.task(name="media.sweep_stale_assets")
def sweep_stale_assets() -> int:
    """Work nobody is doing: steps whose worker stopped writing heartbeats (killed, machine lost),
    sources whose enqueueing was lost, checksums never settled. Each is queued again, or failed
    with the reason after the last attempt."""
    count = 0
    abandoned = Asset.objects.filter(pipeline.abandoned(), kind=Asset.Kind.SOURCE)
    # A chunked run's tasks are swept one by one (media.chunk.sweep), not the run whole.
    for asset in abandoned.exclude(pk__in=chunking.current_runs()):
        if asset.attempts >= settings.MEDIA_MAX_ATTEMPTS:
            pipeline.fail(asset.pk, f"no worker finished it after {asset.attempts} attempts (worker lost)")
        else:
            silent = pipeline.stale_after().total_seconds()
            pipeline.hand_back(asset.pk, f"the worker stopped (no heartbeat for {silent:.0f} s); queued again")
        count += 1
    settled_before = timezone.now() - pipeline.stale_after()
    for asset in Asset.objects.filter(state=Asset.State.UPLOADED, kind=Asset.Kind.SOURCE,
                                      sha256_verified_at__lt=settled_before, queued_at__isnull=True,
                                      state_changed_at__lt=settled_before):
        pipeline.hand_back(asset.pk, "queued again (it was never queued)")
        count += 1
    hashing_cutoff = timezone.now() - timedelta(seconds=CHECKSUM_STALE_AFTER)
    for asset in Asset.objects.filter(state=Asset.State.UPLOADED, sha256_verified_at__isnull=True,
                                      state_changed_at__lt=hashing_cutoff, kind=Asset.Kind.SOURCE):
        verify_source_checksum.delay(str(asset.pk))
        count += 1
    return count
