"""The bookkeeping of a chunked run: one MediaChunk row per task, the counter that queues the
assembly, progress summed over the chunks, cancellation, and the sweep of tasks whose worker died.

A long source (longer than ``settings.MEDIA_CHUNK_THRESHOLD_SECONDS``) is planned by
``media.chunks.plan_chunks``; ``start`` records the run under a new ``generation`` of the asset and
queues one task per chunk (its video, every rung) and per audio part (``media.chunks.AUDIO_PARTS``).
Each task ``claim``s its row, reports progress, and ``complete``s it; the completion that leaves no
video or audio row of the run undone queues the assembly row (rows, not a Celery chord: no result
backend).  A task of an earlier generation, or of a cancelled asset, finds out when it claims or
while it runs and stops; its results are never counted.  The work itself is in
``backend.media.chunked``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from backend.media import signals
from backend.media.models import Asset, MediaChunk
from media.chunks import AUDIO_PARTS, ChunkPlan, overall_progress, plan_chunks
from media.config import TranscodeConfig
from media.probe import MediaInfo
from media.safety import Limits

# The share of the asset's percent the chunked work stands for (as the one pass's transcode does).
PROGRESS_LOW, PROGRESS_HIGH = 5, 90
WORK = (MediaChunk.Kind.VIDEO, MediaChunk.Kind.AUDIO)


class Superseded(Exception):
    """The task belongs to a run that was cancelled, failed or replaced: stop, count nothing."""


def plan(info: MediaInfo, config: TranscodeConfig, limits: Limits, original_language: str | None) -> ChunkPlan:
    """Where the source is cut, under the configured threshold and chunk length (one chunk: one pass)."""
    return plan_chunks(info, config, threshold_seconds=settings.MEDIA_CHUNK_THRESHOLD_SECONDS,
                       chunk_seconds=settings.MEDIA_CHUNK_SECONDS, limits=limits,
                       original_language=original_language)


def start(asset_id, chunk_plan: ChunkPlan, has_audio: bool) -> int:
    """Record a new run of ``asset_id`` (its generation raised) and queue its chunk and audio tasks."""
    with transaction.atomic():
        asset = Asset.objects.select_for_update().get(pk=asset_id)
        if asset.state != Asset.State.TRANSCODING:
            raise Superseded()
        asset.generation += 1
        asset.chunk_plan = chunk_plan.to_dict()
        asset.save(update_fields=["generation", "chunk_plan"])
        now = timezone.now()

        def row(kind, index, **fields):
            return MediaChunk(asset=asset, generation=asset.generation, kind=kind, index=index,
                              queued_at=now, heartbeat_at=now, **fields)

        rows = [row(MediaChunk.Kind.VIDEO, chunk.index, start_seconds=float(chunk.start),
                    end_seconds=None if chunk.end is None else float(chunk.end))
                for chunk in chunk_plan.chunks]
        if has_audio:
            rows += [row(MediaChunk.Kind.AUDIO, k, part=part, end_seconds=chunk_plan.duration)
                     for k, part in enumerate(AUDIO_PARTS)]
        rows.append(row(MediaChunk.Kind.ASSEMBLY, 0, end_seconds=chunk_plan.duration,
                        state=MediaChunk.State.WAITING))
        MediaChunk.objects.bulk_create(rows)
        queued = MediaChunk.objects.filter(asset=asset, generation=asset.generation, kind__in=WORK)
        signals.notify_chunk_tasks_queued(list(queued.values_list("pk", flat=True)))
    return asset.generation


def claim(task_id: int, worker: str) -> MediaChunk | None:
    """Mark a task running on ``worker``; None when there is nothing to do (done already, or unknown).

    Raises Superseded when its run is no longer the asset's (the caller ``drop``s it).
    """
    with transaction.atomic():
        task = MediaChunk.objects.select_for_update().select_related("asset").filter(pk=task_id).first()
        if task is None or task.state in (MediaChunk.State.DONE, MediaChunk.State.WAITING):
            return None
        _check_current(task)
        now = timezone.now()
        if task.state == MediaChunk.State.RUNNING and task.heartbeat_at > now - _stale_after():
            return None  # a second delivery while a live worker has it
        task.state, task.worker, task.started_at, task.heartbeat_at = MediaChunk.State.RUNNING, worker, now, now
        task.attempts += 1
        task.progress, task.state_reason = 0.0, ""
        task.save(update_fields=["state", "worker", "started_at", "heartbeat_at", "attempts", "progress",
                                 "state_reason"])
    return task


def _check_current(task: MediaChunk) -> None:
    if task.asset.generation != task.generation or task.asset.state != Asset.State.TRANSCODING:
        raise Superseded()


def drop(task_id: int) -> None:
    """A task of a run that ended (cancelled, failed, replaced): it stops and says so."""
    MediaChunk.objects.filter(pk=task_id).exclude(state=MediaChunk.State.DONE).update(
        state=MediaChunk.State.CANCELLED, state_reason="its run was cancelled or replaced", finished_at=timezone.now())


def is_current(task: MediaChunk) -> bool:
    """Whether the task's run is still the asset's (what a running task polls to stop on cancel)."""
    return Asset.objects.filter(pk=task.asset_id, generation=task.generation,
                                state=Asset.State.TRANSCODING).exists()


def record_progress(task: MediaChunk, percent: float) -> None:
    """The task's percent and heartbeat, and the asset's percent: the run's tasks summed."""
    now = timezone.now()
    MediaChunk.objects.filter(pk=task.pk, state=MediaChunk.State.RUNNING).update(progress=percent, heartbeat_at=now)
    if task.kind == MediaChunk.Kind.ASSEMBLY:
        Asset.objects.filter(pk=task.asset_id, generation=task.generation).update(heartbeat_at=now)
        return
    rows = MediaChunk.objects.filter(asset_id=task.asset_id, generation=task.generation, kind__in=WORK)
    chunk_percent, audio = {}, []
    for kind, index, state, progress in rows.values_list("kind", "index", "state", "progress"):
        value = 100.0 if state == MediaChunk.State.DONE else progress
        if kind == MediaChunk.Kind.VIDEO:
            chunk_percent[index] = value
        else:
            audio.append(value)
    chunk_plan = ChunkPlan.from_dict(task.asset.chunk_plan)
    overall = overall_progress(chunk_plan, chunk_percent, sum(audio) / len(audio) if audio else 100.0)
    value = PROGRESS_LOW + round((PROGRESS_HIGH - PROGRESS_LOW) * overall / 100)
    Asset.objects.filter(pk=task.asset_id, generation=task.generation, state=Asset.State.TRANSCODING).update(
        progress=value, heartbeat_at=now)


def complete(task: MediaChunk, outputs: list[str]) -> bool:
    """Mark the task done with the storage keys it wrote; the last video/audio task queues the assembly.

    Returns whether this completion queued it.  The asset row is locked, so of two tasks finishing
    together exactly one sees none left.
    """
    with transaction.atomic():
        asset = Asset.objects.select_for_update().get(pk=task.asset_id)
        fresh = MediaChunk.objects.select_for_update().select_related("asset").get(pk=task.pk)
        if fresh.kind != MediaChunk.Kind.ASSEMBLY:  # the assembly's run was checked as it went ready
            _check_current(fresh)
        if fresh.state == MediaChunk.State.DONE:
            return False  # a redelivered task finished twice: counted once
        fresh.state, fresh.progress, fresh.outputs = MediaChunk.State.DONE, 100.0, outputs
        fresh.finished_at = fresh.heartbeat_at = timezone.now()
        fresh.save(update_fields=["state", "progress", "outputs", "finished_at", "heartbeat_at"])
        if fresh.kind == MediaChunk.Kind.ASSEMBLY:
            return False
        run = MediaChunk.objects.filter(asset=asset, generation=fresh.generation)
        if run.filter(kind__in=WORK).exclude(state=MediaChunk.State.DONE).exists():
            return False
        queued = run.filter(kind=MediaChunk.Kind.ASSEMBLY, state=MediaChunk.State.WAITING).update(
            state=MediaChunk.State.QUEUED, queued_at=timezone.now(), heartbeat_at=timezone.now())
        if queued:
            assembly = run.filter(kind=MediaChunk.Kind.ASSEMBLY).values_list("pk", flat=True)
            signals.notify_chunk_tasks_queued(list(assembly))
        return bool(queued)


def release(task: MediaChunk, reason: str) -> int:
    """A failed attempt: back to queued (the caller retries it alone); returns the attempts made."""
    MediaChunk.objects.filter(pk=task.pk, state=MediaChunk.State.RUNNING).update(
        state=MediaChunk.State.QUEUED, state_reason=reason[:2000], heartbeat_at=timezone.now(),
        queued_at=timezone.now())
    return MediaChunk.objects.values_list("attempts", flat=True).get(pk=task.pk)


def give_up(task: MediaChunk, reason: str) -> str:
    """The task failed for the last time: the row and the asset say why (the rest of the run stops)."""
    MediaChunk.objects.filter(pk=task.pk).update(state=MediaChunk.State.FAILED, state_reason=reason[:2000],
                                                 finished_at=timezone.now())
    return f"{describe(task)} failed: {reason}"


def describe(task: MediaChunk) -> str:
    if task.kind == MediaChunk.Kind.VIDEO:
        end = f"{task.end_seconds:.0f}" if task.end_seconds is not None else "the end"
        return f"chunk {task.index} ({task.start_seconds:.0f}–{end} s)"
    return "the audio" if task.kind == MediaChunk.Kind.AUDIO else "the assembly"


def current_runs() -> QuerySet:
    """Assets being transcoded in chunks: their run's rows (not the asset) say whether work is stale."""
    rows = MediaChunk.objects.filter(asset=OuterRef("pk"), generation=OuterRef("generation"))
    return Asset.objects.filter(Exists(rows), state=Asset.State.TRANSCODING)


def _stale_after() -> timedelta:
    # The one-pass rule (pipeline.stale_after): a few missed heartbeats, not minutes.
    return timedelta(seconds=settings.MEDIA_HEARTBEAT_SECONDS * settings.MEDIA_STALE_HEARTBEATS)


def stale_tasks() -> QuerySet:
    """Running tasks of current runs whose worker has shown nothing for a few heartbeats (lost).

    Queued ones are left to the broker, which keeps them (as queued sources are): queued again
    at every sweep, a long queue would fill with copies."""
    cutoff = timezone.now() - _stale_after()
    return (MediaChunk.objects.select_related("asset")
            .filter(state=MediaChunk.State.RUNNING, heartbeat_at__lt=cutoff, asset__in=current_runs())
            .order_by("asset_id", "kind", "index"))


def requeue(task: MediaChunk) -> bool:
    """Queue a lost task again; False (and nothing queued) when it has had its attempts."""
    if task.attempts >= settings.MEDIA_MAX_ATTEMPTS:
        return False
    with transaction.atomic():
        MediaChunk.objects.filter(pk=task.pk).update(state=MediaChunk.State.QUEUED, heartbeat_at=timezone.now(),
                                                     queued_at=timezone.now())
        signals.notify_chunk_tasks_queued([task.pk])
    return True


def outputs_of(asset_id, generation: int) -> list[str]:
    """Every intermediate key the run's tasks wrote (deleted once the ladder is stored)."""
    rows = MediaChunk.objects.filter(asset_id=asset_id, generation=generation)
    return [key for outputs in rows.values_list("outputs", flat=True) for key in outputs]
