"""The media pipeline for a source asset: probe, one-pass transcode (HLS ladder, proxy, QC), thumbnails.

Glue between the Asset state machine and the Django-free functions in ``workers.media``. Every
output goes to storage under keys derived from the source asset's id, so a rerun overwrites its
own files and re-registers the same derived assets.
"""

from __future__ import annotations

import mimetypes
import os
import shutil
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from backend.catalogue import signals as catalogue_signals
from backend.common.languages import InvalidCode, normalise_language_tag
from backend.media import assets, chunking, signals
from backend.media.models import Asset
from backend.storage import get_storage
from media.config import ProxySpec, Rung, TranscodeConfig
from media.delivery import PROFILES, build_qc_report
from media.ladder import plan_ladder
from media.probe import MediaInfo, probe
from media.progress import TranscodeCancelled
from media.safety import Limits, MediaError
from media.thumbnails import make_thumbnails
from media.transcode import TranscodeResult, transcode

PROGRESS_INTERVAL = 1.0  # seconds between progress writes
CANCEL_INTERVAL = 2.0  # seconds between looks at the asset's state
# Scratch folders are named for the worker process that made them, so a starting worker can
# remove those of processes that are gone (killed) without touching its neighbours'.
SCRATCH_PREFIX = "exchange-pipeline-"


class Cancelled(Exception):
    pass


def transcode_config() -> TranscodeConfig:
    return TranscodeConfig(
        rungs=tuple(Rung(**rung) for rung in settings.MEDIA_LADDER),
        x264_preset=settings.MEDIA_X264_PRESET,
        hls_segment_type=settings.MEDIA_HLS_SEGMENT_TYPE,
        proxy=ProxySpec(**settings.MEDIA_PROXY),
        threads=settings.MEDIA_X264_THREADS,
        video_qp=settings.MEDIA_VIDEO_QP,
        h264_profile=settings.MEDIA_H264_PROFILE,
    )


def limits() -> Limits:
    return Limits(**settings.MEDIA_LIMITS)


def derived_prefix(source: Asset) -> str:
    return f"partners/{source.programme.owner.code}/programmes/{source.programme_id}/assets/{source.pk}/"


class ProgressReporter:
    """Writes percent progress to the asset at most once a second, and notices cancellation."""

    def __init__(self, asset_id, low: int, high: int):
        self.asset_id, self.low, self.high = asset_id, low, high
        self.written_at = self.checked_at = 0.0

    def __call__(self, percent: float) -> None:
        now = time.monotonic()
        if now - self.written_at >= PROGRESS_INTERVAL:
            self.written_at = now
            value = self.low + round((self.high - self.low) * min(max(percent, 0.0), 100.0) / 100)
            Asset.objects.filter(pk=self.asset_id).update(progress=value)

    def cancelled(self) -> bool:
        now = time.monotonic()
        if now - self.checked_at < CANCEL_INTERVAL:
            return False
        self.checked_at = now
        return Asset.objects.filter(pk=self.asset_id, state=Asset.State.CANCELLED).exists()


def stale_after() -> timedelta:
    """How long a running step may go without a heartbeat before it counts as abandoned."""
    return timedelta(seconds=settings.MEDIA_HEARTBEAT_SECONDS * settings.MEDIA_STALE_HEARTBEATS)


def abandoned() -> Q:
    """Assets in a processing step whose worker stopped writing heartbeats (killed, machine lost)."""
    cutoff = timezone.now() - stale_after()
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, state_changed_at__lt=cutoff)
    return Q(state__in=[Asset.State.PROBING, Asset.State.TRANSCODING]) & silent


def process(asset_id, worker: str = "") -> str:
    """Run the whole pipeline for one source asset on ``worker`` (its hostname). Returns the final
    state, or "busy" when another worker is on it (a duplicate delivery): one worker at a time."""
    if not _claim(asset_id, worker):
        state = Asset.objects.filter(pk=asset_id).values_list("state", flat=True).first()
        return "busy" if state in (Asset.State.PROBING, Asset.State.TRANSCODING) else (state or "missing")
    source = Asset.objects.select_related("programme__owner").get(pk=asset_id)
    workdir = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=settings.MEDIA_WORK_DIR))
    try:
        with Heartbeat(source.pk):
            return _run(source, workdir)
    except (Cancelled, TranscodeCancelled):
        return Asset.State.CANCELLED
    except MediaError as error:
        fail(source.pk, error.reason)
        return Asset.State.FAILED
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _claim(asset_id, worker: str) -> bool:
    """Take the asset for this worker: waiting in the queue, or abandoned by a worker gone silent."""
    with transaction.atomic():
        claimable = Q(state=Asset.State.UPLOADED) | abandoned()
        asset = Asset.objects.select_for_update().filter(claimable, pk=asset_id).first()
        if asset is None:
            return False
        Asset.objects.filter(pk=asset_id).update(heartbeat_at=timezone.now(), queued_at=None, worker=worker,
                                                 attempts=F("attempts") + 1)
    return True


class Heartbeat:
    """Writes ``heartbeat_at`` on the asset every MEDIA_HEARTBEAT_SECONDS while the step runs,
    whatever it is doing (downloading, ffmpeg, uploading), from a thread of its own."""

    def __init__(self, asset_id, rows: QuerySet | None = None):
        self.asset_id = asset_id
        self.rows = rows  # what to beat instead of the asset (a chunked run's task row)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{asset_id}", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopped.set()
        self.thread.join(timeout=10)

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(settings.MEDIA_HEARTBEAT_SECONDS):
                try:
                    rows = self.rows if self.rows is not None else Asset.objects.filter(pk=self.asset_id)
                    rows.update(heartbeat_at=timezone.now())
                except Exception:  # the database is briefly away: the next beat tries again
                    close_old_connections()
        finally:
            connection.close()  # this thread's own connection


def hand_back(asset_id, reason: str, requeue: bool = True, count_attempt: bool = True) -> bool:
    """Return a step that stopped before its end to the queue: the asset is ``uploaded`` again
    with the reason, and (``requeue``) announced again, which enqueues it. False if it ended."""
    with transaction.atomic():
        asset = Asset.objects.select_for_update().filter(pk=asset_id).first()
        if asset is None or asset.state not in (Asset.State.UPLOADED, Asset.State.PROBING, Asset.State.TRANSCODING):
            return False
        assets.set_state(asset, Asset.State.UPLOADED, reason=reason, progress=0)
        update = {"heartbeat_at": None, "queued_at": timezone.now()}
        if not count_attempt:
            update["attempts"] = F("attempts") - 1 if asset.attempts else 0
        Asset.objects.filter(pk=asset_id).update(**update)
        if requeue:
            signals.notify_uploaded(asset.pk)
    return True


def hand_back_worker(worker: str) -> int:
    """Hand back every step ``worker`` is running (it is being stopped). Returns how many."""
    running = Asset.objects.filter(worker=worker, state__in=[Asset.State.PROBING, Asset.State.TRANSCODING])
    return sum(hand_back(pk, f"the worker {worker} was stopped; queued again", count_attempt=False)
               for pk in running.values_list("pk", flat=True))


def sweep_scratch(work_dir: str | None = None) -> int:
    """Remove the scratch folders of worker processes that no longer run. Returns how many.

    Only folders named with a process id are touched: the owner of any other cannot be told."""
    removed = 0
    for folder in Path(work_dir or tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        owner = folder.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        if folder.is_dir() and owner.isdigit() and not _running(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _run(source: Asset, workdir: Path) -> str:
    _move(source.pk, Asset.State.PROBING, progress=0)
    local = _local_copy(source, workdir)
    info = probe(local, limits())
    Asset.objects.filter(pk=source.pk).update(technical=_technical(info))
    _move(source.pk, Asset.State.TRANSCODING, progress=5)

    config = transcode_config()
    language = source.programme.original_language or None
    plan = plan_ladder(info, config, language)
    chunk_plan = chunking.plan(info, config, limits(), language)
    if chunk_plan.chunked:  # a long programme: its chunks and audio go to every media worker
        try:
            chunking.start(source.pk, chunk_plan, has_audio=bool(plan.audio))
        except chunking.Superseded:
            raise Cancelled()
        return Asset.State.TRANSCODING
    reporter = ProgressReporter(source.pk, low=5, high=90)
    outputs = workdir / "out"
    result = transcode(info, outputs, plan, config, limits(), on_progress=reporter, cancel=reporter.cancelled)
    if _state(source.pk) == Asset.State.CANCELLED:
        raise Cancelled()
    return finish(source, info, outputs, result)


def finish(source: Asset, info: MediaInfo, outputs: Path, result: TranscodeResult,
           generation: int | None = None) -> str:
    """Thumbnails, the QC report, storing and registering the outputs, then ``ready`` (one pass and
    chunked runs alike; ``generation``: only if that run is still the asset's)."""
    thumbnails = make_thumbnails(info, outputs / "pictures", count=settings.MEDIA_THUMBNAILS, limits=limits())
    Asset.objects.filter(pk=source.pk).update(progress=92)

    report = build_qc_report(result.measurements, info, PROFILES[settings.MEDIA_DELIVERY_PROFILE])
    _store_outputs(source, outputs, result, thumbnails)
    with transaction.atomic():
        asset = Asset.objects.select_for_update().select_related("programme__owner").get(pk=source.pk)
        if asset.state == Asset.State.CANCELLED or generation not in (None, asset.generation):
            raise Cancelled()
        asset.qc_report = report
        asset.save(update_fields=["qc_report"])
        assets.set_state(asset, Asset.State.READY, progress=100)
        signals.notify_ready(asset)
        catalogue_signals.notify_changed(asset.programme)  # its audio languages are searchable
    return Asset.State.READY


def _move(asset_id, state: str, progress: int) -> None:
    with transaction.atomic():
        asset = Asset.objects.select_for_update().get(pk=asset_id)
        if asset.state == Asset.State.CANCELLED:
            raise Cancelled()
        if asset.state != state:
            assets.set_state(asset, state, progress=progress)


def _state(asset_id) -> str:
    return Asset.objects.values_list("state", flat=True).get(pk=asset_id)


def fail(asset_id, reason: str) -> None:
    """Fail the asset unless it already ended (cancelled or failed)."""
    with transaction.atomic():
        asset = Asset.objects.select_for_update().select_related("programme__owner").get(pk=asset_id)
        if asset.state not in (Asset.State.CANCELLED, Asset.State.FAILED):
            assets.fail(asset, reason)


def _local_copy(source: Asset, workdir: Path) -> Path:
    """The source as a local file for ffmpeg: the store's own file when it has one, else a download."""
    storage = get_storage()
    local = storage.local_path(source.storage_key)
    if local is not None:
        return local
    suffix = Path(source.original_filename).suffix[:10]
    target = workdir / f"source{suffix}"
    with storage.open(source.storage_key) as stream, target.open("wb") as out:
        shutil.copyfileobj(stream, out, length=8 * 1024 * 1024)
    return target


def _technical(info: MediaInfo) -> dict:
    data = info.to_dict()
    data.pop("path", None)
    data.get("raw", {}).get("format", {}).pop("filename", None)  # a path on the worker: not for partners
    video = info.video[0] if info.video else None
    # The programme's frame rate, for timecodes in dialogue lists and subtitle checks.
    data["frame_rate"] = str(video.frame_rate) if video else None
    return data


def _store_outputs(source: Asset, outputs: Path, result: TranscodeResult, thumbnails) -> None:
    """Upload every output and register the derived assets (replacing those of an earlier run)."""
    storage = get_storage()
    prefix = derived_prefix(source)
    for path in sorted(p for p in outputs.rglob("*") if p.is_file() and "qc" not in p.relative_to(outputs).parts):
        storage.put_file(prefix + path.relative_to(outputs).as_posix(), path, _content_type(path))

    def derived(kind: str, path: Path, **fields) -> Asset:
        key = prefix + path.relative_to(outputs).as_posix()
        return Asset(programme=source.programme, parent=source, kind=kind, storage_key=key,
                     original_filename=path.name, content_type=_content_type(path), size=path.stat().st_size,
                     state=Asset.State.READY, progress=100, **fields)

    rows = [derived(Asset.Kind.HLS, result.master_playlist,
                    technical={"renditions": [r.to_dict(outputs) for r in result.renditions]})]
    rows += [derived(Asset.Kind.RENDITION, r.path, technical=r.to_dict(outputs), language=_language(r))
             for r in result.renditions]
    rows.append(derived(Asset.Kind.PROXY, result.proxy.path, technical=result.proxy.to_dict(outputs)))
    if thumbnails.poster:
        rows.append(derived(Asset.Kind.POSTER, thumbnails.poster))
    rows += [derived(Asset.Kind.THUMBNAIL, frame) for frame in (*thumbnails.frames, thumbnails.strip) if frame]
    with transaction.atomic():
        Asset.objects.filter(parent=source).delete()
        Asset.objects.bulk_create(rows)


def _language(rendition) -> str:
    """The BCP 47 tag of an audio rendition (ffprobe reports ISO 639-2: urd → ur)."""
    tags = [stream.language for stream in rendition.info.audio if stream.language not in (None, "und")]
    if rendition.kind != "audio" or not tags:
        return ""
    try:
        return normalise_language_tag(tags[0])
    except InvalidCode:
        return ""


def _content_type(path: Path) -> str:
    if path.suffix == ".m3u8":
        return "application/vnd.apple.mpegurl"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"
