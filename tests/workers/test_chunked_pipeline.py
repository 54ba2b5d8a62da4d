"""A long source (the threshold lowered: 20 s, chunked above 6 s in 4 s chunks) goes through the real
pipeline on a real Celery worker process: one task per chunk and per audio part, the assembly queued
by the last of them, and the asset `ready` with a ladder that equals a one-pass run of the same source
picture for picture (lossless rungs), its sound in sync across every boundary."""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest

from backend.media import pipeline
from backend.media.models import Asset, MediaChunk
from backend.storage import get_storage
from storage.errors import NoSuchKey
from tests.backend.media.conftest import documentary, ffmpeg, store_source  # noqa: F401
from tests.media.conftest import keyframe_times
from tests.media.test_chunks import flash_times, frames
from tests.storage.conftest import s3_server  # noqa: F401
from tests.workers.worker import WorkerProcess, wait_for
from workers.tasks import chunked as chunk_tasks
from workers.tasks import media as tasks

pytestmark = pytest.mark.slow

FPS = 25
SECONDS = 20
CHUNK_SECONDS = 4  # one HLS segment: boundaries at 4, 8, 12 and 16 s
FLASHES = (4, 12)  # boundaries with a two-frame white flash astride them and a beep exactly with it
LADDER = [{"name": "180p", "size": 180, "video_kbps": 400}, {"name": "90p", "size": 90, "video_kbps": 150}]
PROXY = {"size": 90, "video_kbps": 100, "audio_kbps": 64, "preset": "ultrafast"}
MEDIA = {"MEDIA_LADDER": json.dumps(LADDER), "MEDIA_PROXY": json.dumps(PROXY), "MEDIA_X264_PRESET": "veryfast",
         "MEDIA_X264_THREADS": "2", "MEDIA_VIDEO_QP": "0", "MEDIA_H264_PROFILE": "high444",
         "MEDIA_CHUNK_THRESHOLD_SECONDS": "6", "MEDIA_CHUNK_SECONDS": str(CHUNK_SECONDS)}


@pytest.fixture
def media_settings(settings, monkeypatch, tmp_path):
    """The same ladder here (the one-pass reference) and in the worker (chunked: its threshold is lower)."""
    scratch = tmp_path / "scratch"  # this test's own: other workers on the machine sweep theirs
    scratch.mkdir()
    settings.MEDIA_WORK_DIR = str(scratch)
    monkeypatch.setenv("MEDIA_WORK_DIR", str(scratch))
    settings.MEDIA_LADDER, settings.MEDIA_PROXY, settings.MEDIA_X264_PRESET = LADDER, PROXY, "veryfast"
    settings.MEDIA_X264_THREADS, settings.MEDIA_VIDEO_QP, settings.MEDIA_H264_PROFILE = 2, 0, "high444"
    settings.MEDIA_CHUNK_THRESHOLD_SECONDS = 10_000  # in this process: one pass
    for name, value in MEDIA.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def long_source(tmp_path):
    """testsrc2, darkened, with white flashes astride two boundaries and a beep with each; source GOPs
    of 37 frames, so no chunk starts on a source keyframe."""
    frames_on = "+".join(f"eq(n\\,{n})" for b in FLASHES for n in (b * FPS - 1, b * FPS))
    beeps = "+".join(f"between(t\\,{(b * FPS - 1) / FPS}\\,{(b * FPS + 1) / FPS - 0.001})" for b in FLASHES)
    path = tmp_path / "long.mp4"
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=s=320x180:r={FPS}:d={SECONDS},lutyuv=y=val*0.6,"
                                f"drawbox=c=white:t=fill:enable='{frames_on}'",
           "-f", "lavfi", "-i", f"aevalsrc=exprs=0.5*sin(2*PI*1000*t)*({beeps}):s=48000:d={SECONDS}",
           "-c:v", "libx264", "-preset", "ultrafast", "-g", "37", "-c:a", "aac", "-ac", "2",
           "-metadata:s:a:0", "language=urd", str(path))
    return path


@pytest.fixture
def slow_chunks(media_settings, monkeypatch):
    """x264's slowest preset in the worker: a chunk takes long enough to be caught running."""
    monkeypatch.setenv("MEDIA_X264_PRESET", "placebo")



def ready(asset_id):
    """The asset once ready and its run's last task (the assembly, which then tidies up) done."""
    asset = Asset.objects.get(pk=asset_id)
    assert asset.state not in (Asset.State.FAILED, Asset.State.CANCELLED), asset.state_reason
    done = not asset.chunks.filter(generation=asset.generation).exclude(state=MediaChunk.State.DONE).exists()
    return asset if asset.state == Asset.State.READY and done else None


def master_path(source: Asset):
    hls = source.derivatives.get(kind=Asset.Kind.HLS)
    return get_storage().local_path(hls.storage_key)


def test_a_long_source_is_chunked_over_the_workers_and_equals_one_pass(
        transactional_db, media_settings, documentary, long_source, tmp_path):
    reference = store_source(documentary, long_source, "reference.mp4")
    assert pipeline.process(reference.pk) == Asset.State.READY  # one pass, in this process
    reference.refresh_from_db()
    assert not reference.chunks.exists()

    source = store_source(documentary, long_source)
    tasks.process_asset.delay(str(source.pk))
    worker = WorkerProcess(tmp_path / "worker.log").start()
    try:
        asset = wait_for(lambda: ready(source.pk), 400, "the chunked run")
    finally:
        worker.stop()
    log = worker.log()
    assert "media.chunk.video[" in log and "media.chunk.audio[" in log and "media.chunk.assemble[" in log

    # One row per task of the run, each done once: 5 chunks, 2 audio parts, the assembly.
    rows = list(asset.chunks.filter(generation=asset.generation).order_by("kind", "index"))
    assert [(r.kind, r.index, r.state, r.attempts) for r in rows] == (
        [("assembly", 0, "done", 1)] + [("audio", k, "done", 1) for k in range(2)]
        + [("video", k, "done", 1) for k in range(5)])
    video = [r for r in rows if r.kind == "video"]
    assert [(r.start_seconds, r.end_seconds) for r in video] == [(0, 4), (4, 8), (8, 12), (12, 16), (16, None)]
    assert all(r.started_at <= r.finished_at for r in rows) and asset.progress == 100
    # The intermediate files are gone; the ladder is where one pass puts it.
    assert not [p for p in (tmp_path / "store").rglob("*") if "/work/run-" in p.as_posix() and p.is_file()]
    assert sorted(d.storage_key.rsplit("/assets/", 1)[1].split("/", 1)[1] for d in asset.derivatives.all()) == \
        sorted(d.storage_key.rsplit("/assets/", 1)[1].split("/", 1)[1] for d in reference.derivatives.all())

    chunked_master, one_master = master_path(asset), master_path(reference)
    # The same master, but for the bandwidths measured from the segments' sizes (within 1 %).
    mine, theirs = chunked_master.read_text(), one_master.read_text()
    assert without_bandwidths(mine) == without_bandwidths(theirs)
    for a, b in zip(bandwidths(mine), bandwidths(theirs)):
        assert abs(a - b) <= b / 100
    for rung in ("180p", "90p"):
        mine = (chunked_master.parent / rung / "index.m3u8").read_text()
        theirs = (one_master.parent / rung / "index.m3u8").read_text()
        # EXTINFs, target duration, sequence, map: the same (segment sizes differ: x264 decides its
        # B-frames before a chunk's last keyframe without seeing the next chunk).
        assert without_byte_ranges(mine) == without_byte_ranges(theirs)
    audio_dir = "audio_ur"
    assert (chunked_master.parent / audio_dir / "media.mp4").read_bytes() == \
        (one_master.parent / audio_dir / "media.mp4").read_bytes()

    # Every source frame once, and the same pictures and timestamps as one pass (lossless rungs).
    source_frames = frames(long_source)
    assert len(source_frames) == SECONDS * FPS
    for rung in ("180p", "90p"):
        mine = frames(chunked_master.parent / rung / "media.mp4")
        theirs = frames(one_master.parent / rung / "media.mp4")
        assert len(mine) == SECONDS * FPS and mine == theirs
        steps = {round(b - a, 4) for (a, _), (b, _) in zip(mine, mine[1:])}
        assert steps == {1 / FPS}  # no frame missing or repeated at any boundary
    assert len(frames(chunked_master)) == SECONDS * FPS  # through the master, as a player reads it

    # Keyframes every 2 s, at the same instants on every rung.
    (keyframes,) = {tuple(keyframe_times(chunked_master.parent / rung / "media.mp4")) for rung in ("180p", "90p")}
    assert [round(t - keyframes[0], 3) for t in keyframes] == [float(t) for t in range(0, SECONDS, 2)]

    # Sound with picture across the boundaries, within a frame, where one pass has them.
    pictures, beeps = flash_times(chunked_master, tmp_path)
    assert len(pictures) == len(FLASHES) == len(beeps)
    assert all(abs(p - b) < 1 / FPS for p, b in zip(pictures, beeps)), (pictures, beeps)
    assert (pictures, beeps) == flash_times(one_master, tmp_path)

    # The whole ladder decodes through every boundary without a complaint.
    done = ffmpeg_null(chunked_master)
    assert done == "", done

    # One QC report, as one pass: loudness from the audio pass, black/freeze/fields from the chunks.
    mine, theirs = asset.qc_report["measurements"], reference.qc_report["measurements"]
    for name in ("duration", "loudness", "silence", "black", "freeze", "fields_verdict"):
        assert mine[name] == theirs[name], name
    assert asset.qc_report["checks"] == reference.qc_report["checks"]
    assert asset.qc_report["measurements"]["loudness"]["0"]["integrated_lufs"] < -10


def bandwidths(master: str) -> list[int]:
    return [int(value) for value in re.findall(r"BANDWIDTH=(\d+)", master)]


def without_bandwidths(master: str) -> str:
    return re.sub(r"BANDWIDTH=\d+", "BANDWIDTH=", master)


def without_byte_ranges(playlist: str) -> str:
    return re.sub(r"(BYTERANGE[:=]\"?)\d+@\d+", r"\1", playlist)


def ffmpeg_null(playlist) -> str:
    done = subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file",
                           "-i", str(playlist), "-map", "0", "-f", "null", "-"], capture_output=True, timeout=120)
    return done.stderr.decode()


def test_a_chunk_whose_worker_dies_is_swept_and_redone_alone(transactional_db, slow_chunks, settings,
                                                            documentary, long_source, tmp_path):
    source = store_source(documentary, long_source)
    tasks.process_asset.delay(str(source.pk))
    worker = WorkerProcess(tmp_path / "worker.log").start()
    try:
        running = wait_for(lambda: MediaChunk.objects.filter(asset=source, kind="video", index=2, state="running",
                                                             progress__gt=0).first(), 300, "chunk 2 to run")
        worker.kill()  # mid-chunk: its ffmpeg dies with it, the row stays running
        running.refresh_from_db()
        assert running.state == "running" and running.attempts == 1

        settings.MEDIA_STALE_HEARTBEATS = 0
        time.sleep(1)
        assert tasks.sweep_stale_assets() == 0  # a chunked run is not restarted whole...
        swept = chunk_tasks.sweep_stale_chunks()  # ...its lost task, the one running, is queued again
        assert swept == 1
        worker = WorkerProcess(tmp_path / "worker-2.log").start()
        asset = wait_for(lambda: ready(source.pk), 400, "the run to finish")
    finally:
        worker.stop()
    rows = {(r.kind, r.index): r for r in asset.chunks.filter(generation=asset.generation)}
    assert rows[("video", 2)].attempts == 2
    assert [rows[("video", k)].attempts for k in (0, 1)] == [1, 1]  # done before the crash: not redone
    assert all(r.state == "done" for r in rows.values())
    assert len(frames(master_path(asset).parent / "180p" / "media.mp4")) == SECONDS * FPS


def test_cancel_stops_every_chunk_and_a_reprocess_is_a_new_run(transactional_db, slow_chunks, documentary, ptv,
                                                               long_source, tmp_path):
    from backend.media import assets

    source = store_source(documentary, long_source)
    tasks.process_asset.delay(str(source.pk))
    worker = WorkerProcess(tmp_path / "worker.log").start()
    try:
        wait_for(lambda: MediaChunk.objects.filter(asset=source, kind="video", state="running", progress__gt=0,
                                                   index=1).exists(), 300, "a chunk to run")
        assets.cancel(ptv.admin, source)
        wait_for(lambda: not MediaChunk.objects.filter(asset=source, state="running").exists(), 60,
                 "the running chunk to stop")
        # The queued ones stop as they are taken: nothing of the run is done after the cancel.
        wait_for(lambda: not MediaChunk.objects.filter(asset=source, state="queued").exists(), 120,
                 "the queued chunks to be dropped")
        rows = MediaChunk.objects.filter(asset=source, generation=1)
        assert rows.filter(state="cancelled").count() >= 1
        assert not rows.filter(kind="assembly").exclude(state="waiting").exists()
        assert Asset.objects.get(pk=source.pk).state == Asset.State.CANCELLED

        assets.reprocess(ptv.admin, Asset.objects.get(pk=source.pk))  # its signal queues the pipeline
        asset = wait_for(lambda: ready(source.pk), 400, "the new run")
    finally:
        worker.stop()
    assert asset.generation == 2
    assert set(asset.chunks.filter(generation=2).values_list("state", flat=True)) == {"done"}
    assert not asset.chunks.filter(generation=1, state="done", kind="assembly").exists()


def test_on_s3_every_task_reads_the_source_through_a_presigned_url(transactional_db, media_settings, settings,
                                                                   s3_server, documentary, long_source, tmp_path):
    """No worker shares a disk with the store: chunk and audio tasks read the master over HTTP with
    ffmpeg's protocol whitelist, outputs travel through the store, and the ladder is whole."""
    settings.OBJECT_STORAGE = {"BACKEND": "storage.s3.S3Storage",
                               "OPTIONS": s3_server.storage_options(s3_server.new_bucket())}
    storage = get_storage()
    assert storage.local_path("anything") is None
    source = store_source(documentary, long_source)
    tasks.process_asset.delay(str(source.pk))
    worker = WorkerProcess(tmp_path / "worker.log").start()
    try:
        asset = wait_for(lambda: ready(source.pk), 400, "the chunked run on S3")
    finally:
        worker.stop()
    assert set(asset.chunks.filter(generation=asset.generation).values_list("state", flat=True)) == {"done"}
    assert asset.chunks.filter(kind="video").count() == 5

    hls = asset.derivatives.get(kind=Asset.Kind.HLS)
    prefix = hls.storage_key.rsplit("/", 1)[0] + "/"
    local = tmp_path / "hls"
    for derived in asset.derivatives.filter(storage_key__startswith=prefix):
        keys = [derived.storage_key]
        if derived.kind == Asset.Kind.RENDITION:
            keys.append(derived.storage_key.rsplit("/", 1)[0] + "/index.m3u8")
        for key in keys:
            target = local / key[len(prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(key) as stream:
                target.write_bytes(stream.read())
    assert len(frames(local / "master.m3u8")) == SECONDS * FPS
    assert ffmpeg_null(local / "master.m3u8") == ""
    for key in chunked_work_keys(asset):
        with pytest.raises(NoSuchKey):
            storage.head(key)  # the intermediate files were deleted


def chunked_work_keys(asset: Asset) -> list[str]:
    return [key for outputs in asset.chunks.values_list("outputs", flat=True) for key in outputs]
