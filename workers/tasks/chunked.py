"""Celery glue for chunked runs of long programmes (``backend.media.chunking`` keeps their rows).

Every task takes a MediaChunk id, so a lost or retried one is queued again by id alone.  Names
start with ``media.chunk.``: chunk, audio and assembly tasks are long media work (``media.long``).
"""

from django.conf import settings
from django.db import OperationalError

from backend.media import chunked, chunking, pipeline
from backend.media.models import MediaChunk
from media.progress import TranscodeCancelled
from media.safety import MediaError
from storage import StorageError
from workers.celery import app
from workers.retry import backoff


def _run(celery_task, task_id: int) -> str:
    """Claim, do and complete one task; a failed attempt is retried alone, with backoff."""
    try:
        task = chunking.claim(task_id, celery_task.request.hostname or "")
    except chunking.Superseded:
        chunking.drop(task_id)
        return "superseded"
    if task is None:
        return "nothing to do"
    try:
        chunked.run(task)
    except (chunking.Superseded, TranscodeCancelled):
        chunking.drop(task.pk)
        return "cancelled"
    except (MediaError, StorageError, OperationalError) as error:
        reason = getattr(error, "reason", None) or str(error)
        attempts = chunking.release(task, reason)
        if attempts >= settings.MEDIA_MAX_ATTEMPTS:
            reason = chunking.give_up(task, f"{reason} (after {attempts} attempts)")
            if chunking.is_current(task):
                pipeline.fail(task.asset_id, reason)
            return "failed"
        raise celery_task.retry(exc=error, countdown=backoff(attempts))
    return "done"


@app.task(name="media.chunk.video", bind=True, max_retries=None)
def transcode_chunk(self, task_id: int) -> str:
    """One chunk's video: one decode of its time range, every rung and the proxy's pictures."""
    return _run(self, task_id)


@app.task(name="media.chunk.audio", bind=True, max_retries=None)
def transcode_audio(self, task_id: int) -> str:
    """One part of the whole programme's audio (the HLS renditions with loudness, or the proxy's)."""
    return _run(self, task_id)


@app.task(name="media.chunk.assemble", bind=True, max_retries=None)
def assemble(self, task_id: int) -> str:
    """The ladder from every chunk and the audio, then thumbnails, QC report and ``ready``."""
    return _run(self, task_id)


@app.task(name="media.chunk.sweep")
def sweep_stale_chunks() -> int:
    """Tasks of running chunked runs whose worker went silent: queued again, or the asset failed
    with the reason after the last attempt."""
    count = 0
    for task in chunking.stale_tasks():
        if not chunking.requeue(task):
            reason = chunking.give_up(task, f"no worker finished it after {task.attempts} attempts (worker lost)")
            pipeline.fail(task.asset_id, reason)
        count += 1
    return count


BY_KIND = {MediaChunk.Kind.VIDEO: transcode_chunk, MediaChunk.Kind.AUDIO: transcode_audio,
           MediaChunk.Kind.ASSEMBLY: assemble}
