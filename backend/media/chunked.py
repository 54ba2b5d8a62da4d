"""The work of a chunked run's tasks: one chunk's video, a part of the audio, the assembly.

Any media worker may take any task, so nothing is shared but the database and the object store:
each task reads the source through the store (the file itself on the filesystem store; on S3 a
presigned URL that ffmpeg reads with the ``https`` protocol alone, seeking to its time range, so
no chunk downloads the whole master) and writes its outputs under the run's own prefix,

    <derived prefix>work/run-<generation>/video-<index>/…   (media.chunks' chunk layout)
    <derived prefix>work/run-<generation>/audio/…

with deterministic names, so a retried task overwrites its own files.  The assembly fetches them,
joins them (``media.chunks.assemble``, the one-pass layout), then finishes exactly as a one-pass
run does (``pipeline.finish``: thumbnails, QC report, derived assets, ``ready``), and deletes them.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings

from backend.media import chunking, pipeline
from backend.media.models import Asset, MediaChunk
from backend.storage import get_storage
from media import chunks
from media.probe import MediaInfo
from media.safety import RemoteSource
from storage import StorageError

logger = logging.getLogger(__name__)

# Long enough for the slowest chunk and the assembly's reads; the URL is made when the task starts.
SOURCE_URL_EXPIRY = 12 * 3600


class TaskReporter:
    """A running task's percent (once a second), and whether its run is still current (every 2 s)."""

    def __init__(self, task: MediaChunk):
        self.task = task
        self.written_at = self.checked_at = 0.0

    def __call__(self, percent: float) -> None:
        now = time.monotonic()
        if now - self.written_at >= pipeline.PROGRESS_INTERVAL:
            self.written_at = now
            chunking.record_progress(self.task, min(max(percent, 0.0), 100.0))

    def cancelled(self) -> bool:
        now = time.monotonic()
        if now - self.checked_at < pipeline.CANCEL_INTERVAL:
            return False
        self.checked_at = now
        return not chunking.is_current(self.task)


def run(task: MediaChunk) -> bool:
    """Do one claimed task; returns whether it completed (False: its run ended meanwhile)."""
    # Named as the pipeline's scratch folders (with this process's id), so a worker that starts
    # after this one was killed removes it (pipeline.sweep_scratch).
    workdir = Path(tempfile.mkdtemp(prefix=f"{pipeline.SCRATCH_PREFIX}{os.getpid()}-chunk-",
                                    dir=settings.MEDIA_WORK_DIR))
    try:
        with pipeline.Heartbeat(task.asset_id, rows=MediaChunk.objects.filter(pk=task.pk)):
            return _run(task, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(task: MediaChunk, workdir: Path) -> bool:
    """One chunk's video, or one part of the audio, into the run's place in the store."""
    if task.kind == MediaChunk.Kind.ASSEMBLY:
        return _assemble(task, workdir)
    out = workdir / "out"
    source = task.asset
    info = source_info(source)
    chunk_plan = chunks.ChunkPlan.from_dict(source.chunk_plan)
    reporter = TaskReporter(task)
    if task.kind == MediaChunk.Kind.VIDEO:
        chunks.transcode_chunk(info, chunk_plan, task.index, out, pipeline.transcode_config(), pipeline.limits(),
                               on_progress=reporter, cancel=reporter.cancelled)
    else:
        chunks.transcode_audio(info, chunk_plan, out, pipeline.transcode_config(), pipeline.limits(),
                               on_progress=reporter, cancel=reporter.cancelled, parts=(task.part,))
    if not chunking.is_current(task):  # ended while ffmpeg finished: store nothing
        raise chunking.Superseded()
    chunking.complete(task, _store_work(task, out))
    return True


def source_info(source: Asset) -> MediaInfo:
    """The probed source (its technical metadata), read where this worker can reach it."""
    storage = get_storage()
    location = storage.local_path(source.storage_key)
    if location is None:
        location = RemoteSource(storage.download_url(source.storage_key, SOURCE_URL_EXPIRY,
                                                     source.original_filename or "source"))
    return MediaInfo.from_dict(source.technical, location)


def work_prefix(source: Asset, generation: int) -> str:
    return f"{pipeline.derived_prefix(source)}work/run-{generation}/"


def _task_dir(task: MediaChunk) -> str:
    return f"video-{task.index:04d}" if task.kind == MediaChunk.Kind.VIDEO else "audio"


def _store_work(task: MediaChunk, out: Path) -> list[str]:
    storage = get_storage()
    prefix = work_prefix(task.asset, task.generation) + _task_dir(task) + "/"
    keys = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        key = prefix + path.relative_to(out).as_posix()
        storage.put_file(key, path)
        keys.append(key)
        chunking.record_progress(task, 100.0)  # a heartbeat while a large chunk uploads
    return keys


def _fetch_work(task: MediaChunk, target: Path) -> None:
    """Every output of the run's tasks, laid out under ``target`` as their workers wrote them."""
    storage = get_storage()
    prefix = work_prefix(task.asset, task.generation)
    for key in chunking.outputs_of(task.asset_id, task.generation):
        path = target / key[len(prefix):]
        path.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(key) as stream, path.open("wb") as out:
            shutil.copyfileobj(stream, out, length=8 * 1024 * 1024)
        chunking.record_progress(task, 0.0)


def _assemble(task: MediaChunk, workdir: Path) -> bool:
    source = Asset.objects.select_related("programme__owner").get(pk=task.asset_id)
    info = source_info(source)
    chunk_plan = chunks.ChunkPlan.from_dict(source.chunk_plan)
    work = workdir / "work"
    _fetch_work(task, work)
    chunk_dirs = [work / f"video-{chunk.index:04d}" for chunk in chunk_plan.chunks]
    outputs = workdir / "out"
    result = chunks.assemble(info, chunk_plan, chunk_dirs, work / "audio", outputs, pipeline.transcode_config(),
                             pipeline.limits())
    chunking.record_progress(task, 50.0)
    try:
        pipeline.finish(source, info, outputs, result, generation=task.generation)
    except pipeline.Cancelled:
        raise chunking.Superseded()
    _delete_work(task)
    chunking.complete(task, [])
    return True


def _delete_work(task: MediaChunk) -> None:
    """The intermediate files are not kept once the ladder is stored; one the store fails to
    delete is left behind (the asset is ready: that is no reason to run the assembly again)."""
    storage = get_storage()
    for key in chunking.outputs_of(task.asset_id, task.generation):
        try:
            storage.delete(key)
        except StorageError as error:
            logger.warning("could not delete %s: %s", key, error)

