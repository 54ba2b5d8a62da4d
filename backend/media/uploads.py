"""Upload rules: start, report progress (with fresh part URLs), complete, abort, and clean up.

The bytes never pass through here: clients PUT parts straight to the store with signed URLs,
and completion works from the store's part metadata (sizes and MD5 ETags). Only the SHA-256
of the whole file needs the bytes: the filesystem store computes it while assembling, and
for S3 a worker streams the object (see :func:`backend.media.assets.verify_sha256`).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.audit import services as audit
from backend.catalogue.models import Programme
from backend.common.errors import Conflict
from backend.media import signals
from backend.media.keys import source_key
from backend.media.models import Asset, Upload
from backend.partners.models import User
from backend.storage import get_part_policy, get_storage
from storage import ObjectInfo, Part, PartPlan, Storage, StorageError
from storage.errors import ChecksumMismatch, NoSuchKey, NoSuchUpload, SizeMismatch
from storage.integrity import check_parts

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartTarget:
    number: int
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class Transfer:
    """Where an open upload stands in the store: parts received, and URLs for (some of) the rest."""

    received: list[Part]
    targets: list[PartTarget]
    missing: int


def start_upload(
    user: User, programme: Programme, *, filename: str, size: int, content_type: str, sha256: str = ""
) -> Upload:
    plan = get_part_policy().plan(size)
    storage = get_storage()
    upload_id = uuid.uuid4()
    key = source_key(programme, upload_id, filename)
    storage_upload_id = storage.create_multipart(key, content_type)
    try:
        with transaction.atomic():
            upload = Upload.objects.create(
                id=upload_id, programme=programme, created_by=user, filename=filename, size=size,
                content_type=content_type, sha256=sha256, storage_key=key, storage_upload_id=storage_upload_id,
                part_size=plan.part_size, part_count=plan.count,
            )
            audit.record(actor=user, partner=user.partner, action="upload.started", obj=upload,
                         programme=str(programme.pk), filename=filename, size=size)
    except BaseException:
        storage.abort_multipart(key, storage_upload_id)
        raise
    return upload


def transfer(upload: Upload) -> Transfer | None:
    """Parts received so far and fresh URLs for the first missing ones; ``None`` once the upload is over.

    Asking counts as activity: the cleanup task spares uploads a client still asks about.
    """
    if upload.state != Upload.State.UPLOADING:
        return None
    storage = get_storage()
    received = storage.list_parts(upload.storage_key, upload.storage_upload_id)
    have = {part.number for part in received}
    missing = [number for number in range(1, upload.part_count + 1) if number not in have]
    expiry = settings.UPLOAD_URL_EXPIRY
    expires_at = timezone.now() + timedelta(seconds=expiry)
    # A window of URLs, not all 10,000: the client asks again when it reaches a part without one.
    targets = [
        PartTarget(number, storage.part_url(upload.storage_key, upload.storage_upload_id, number, expiry), expires_at)
        for number in missing[: settings.UPLOAD_PART_URLS_PER_RESPONSE]
    ]
    Upload.objects.filter(pk=upload.pk).update(updated_at=timezone.now())
    return Transfer(received=received, targets=targets, missing=len(missing))


def complete_upload(user: User, upload: Upload, *, sha256: str = "", part_md5: Mapping[int, str] | None = None) -> Upload:
    """Check and assemble the parts, check size and SHA-256, and create the source asset.

    Problems a client can still fix (a missing or changed part) leave the upload open; problems
    of the assembled file (its size or SHA-256) fail the upload, delete the file and create no
    asset. Completing a completed upload answers the same again, so a client may retry.
    """
    storage = get_storage()
    with transaction.atomic():
        upload = Upload.objects.select_for_update().select_related("programme__owner").get(pk=upload.pk)
        if upload.state == Upload.State.COMPLETED:
            return upload
        if upload.state != Upload.State.UPLOADING:
            raise Conflict(f"This upload is {upload.state}: {upload.failure_reason}".rstrip(": "), code="upload_not_active")
        info = _assemble(storage, upload, part_md5)
        failure = _integrity_failure(upload, info, sha256)
        if failure is None:
            _create_source_asset(user, upload, info, sha256)
        else:
            storage.delete(upload.storage_key)
            upload.state, upload.failure_reason = Upload.State.FAILED, f"{failure.code}: {failure.detail}"
            upload.save(update_fields=["state", "failure_reason", "updated_at"])
            audit.record(actor=user, partner=user.partner, action="upload.failed", obj=upload, code=failure.code,
                         detail=failure.detail)
    if failure is not None:
        raise failure  # after the commit, so the failed state and its audit event are kept
    return upload


def abort_upload(user: User | None, upload: Upload, reason: str = "aborted by the uploader") -> Upload:
    """Free the parts and close the upload; aborting twice is a no-op, aborting a completed one a conflict.

    ``user`` is ``None`` when the system aborts (the cleanup task).
    """
    with transaction.atomic():
        upload = Upload.objects.select_for_update().select_related("programme__owner").get(pk=upload.pk)
        if upload.state in (Upload.State.ABORTED, Upload.State.FAILED):
            return upload
        if upload.state == Upload.State.COMPLETED:
            raise Conflict("This upload is completed; delete its asset instead.", code="upload_completed")
        get_storage().abort_multipart(upload.storage_key, upload.storage_upload_id)
        upload.state, upload.failure_reason = Upload.State.ABORTED, reason
        upload.save(update_fields=["state", "failure_reason", "updated_at"])
        audit.record(actor=user, partner=upload.programme.owner, action="upload.aborted", obj=upload, reason=reason)
    return upload


def cleanup_abandoned_uploads(now: datetime | None = None) -> int:
    """Abort uploads nobody has asked about for ``UPLOAD_ABANDONED_AFTER`` seconds; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.UPLOAD_ABANDONED_AFTER)
    aborted = 0
    for upload in Upload.objects.filter(state=Upload.State.UPLOADING, updated_at__lt=cutoff).order_by("updated_at"):
        try:
            abort_upload(None, upload, reason=f"abandoned: no activity since {upload.updated_at.isoformat()}")
        except StorageError:
            # One unreachable upload must not stop the others; the next run tries it again.
            logger.exception("could not abort abandoned upload %s", upload.pk)
            continue
        aborted += 1
    return aborted


def _assemble(storage: Storage, upload: Upload, part_md5: Mapping[int, str] | None) -> ObjectInfo:
    plan = PartPlan(file_size=upload.size, part_size=upload.part_size)
    try:
        received = storage.list_parts(upload.storage_key, upload.storage_upload_id)
    except NoSuchUpload:
        # The store completed it during an earlier call whose transaction did not commit.
        try:
            return storage.head(upload.storage_key)
        except NoSuchKey:
            raise NoSuchUpload("the store no longer holds this upload's parts; start a new upload") from None
    parts = check_parts(plan, received, part_md5)
    return storage.complete_multipart(upload.storage_key, upload.storage_upload_id, parts)


def _integrity_failure(upload: Upload, info: ObjectInfo, sha256: str) -> StorageError | None:
    if info.size != upload.size:
        return SizeMismatch(f"the store holds {info.size} bytes, {upload.size} were declared")
    if info.sha256 is None:
        return None  # S3: settled by a worker (assets.verify_sha256)
    for declared in {upload.sha256, sha256} - {""}:
        if declared != info.sha256:
            return ChecksumMismatch(f"the SHA-256 of the stored file is {info.sha256}, the uploader declared {declared}")
    return None


def _create_source_asset(user: User, upload: Upload, info: ObjectInfo, sha256: str) -> Asset:
    asset = Asset.objects.create(
        programme=upload.programme, kind=Asset.Kind.SOURCE, storage_key=upload.storage_key,
        original_filename=upload.filename, content_type=upload.content_type, size=info.size,
        sha256=info.sha256 or upload.sha256 or sha256,
        sha256_verified_at=timezone.now() if info.sha256 else None, created_by=user,
    )
    upload.asset, upload.state = asset, Upload.State.COMPLETED
    upload.save(update_fields=["asset", "state", "updated_at"])
    audit.record(actor=user, partner=user.partner, action="upload.completed", obj=upload, asset=str(asset.pk),
                 size=info.size, sha256=asset.sha256, sha256_verified=asset.sha256_verified)
    if asset.sha256_verified:
        signals.notify_uploaded(asset.pk)
    else:
        signals.notify_received(asset.pk)
    return asset
