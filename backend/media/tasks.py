"""Celery glue for media: SHA-256 verification of S3 sources and the cleanup of abandoned uploads."""

from backend.media import assets, uploads
from backend.media.models import Asset
from backend.storage import StorageError
from backend.storage.errors import NoSuchKey
from workers.celery import app

VERIFY_MAX_RETRIES = 5


@app.task(name="media.verify_source_checksum", bind=True, acks_late=True, max_retries=VERIFY_MAX_RETRIES)
def verify_source_checksum(self, asset_id: str) -> str:
    """Stream a source from the store to settle its SHA-256 (S3 cannot hash a multipart object whole)."""
    try:
        return assets.verify_sha256(asset_id)
    except NoSuchKey:
        return _give_up(asset_id, "the stored file is missing")
    except StorageError as error:
        if self.request.retries >= VERIFY_MAX_RETRIES:
            return _give_up(asset_id, f"the store could not be read: {error.detail}")
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries)


@app.task(name="media.cleanup_abandoned_uploads", acks_late=True)
def cleanup_abandoned_uploads() -> int:
    return uploads.cleanup_abandoned_uploads()


def _give_up(asset_id: str, reason: str) -> str:
    asset = Asset.objects.select_related("programme__owner").filter(pk=asset_id, state=Asset.State.UPLOADED).first()
    if asset is not None:
        assets.fail(asset, f"checksum_unverified: {reason}")
    return "failed"
