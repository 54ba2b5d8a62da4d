"""A worker that dies or is stopped mid-transcode: its ffmpeg dies with it, its scratch folder goes,
and the asset is taken up again by another worker (heartbeat rule, or handed back on SIGTERM)."""

import time
from pathlib import Path

import pytest

from tests.backend.media.conftest import documentary, fast_media, ffmpeg, store_source  # noqa: F401
from tests.workers.test_media_end_to_end import wait_for
from tests.workers.worker import WorkerProcess
from workers.queues import MEDIA_LONG, QUEUES

pytestmark = pytest.mark.slow


def ffmpeg_processes(storage_key: str) -> list[int]:
    """ffmpeg processes reading this source (left over when nobody kills them)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:  # gone meanwhile
            continue
        if args and args[0].endswith(b"ffmpeg") and any(storage_key.encode() in arg for arg in args):
            found.append(int(cmdline.parent.name))
    return found


@pytest.fixture
def long_source(transactional_db, documentary, fast_media, monkeypatch, settings, tmp_path):
    """A 90 s source (a transcode of tens of seconds here) stored and queued for the media worker."""
    from workers.tasks import media as tasks

    for name, value in fast_media.items():
        monkeypatch.setenv(name, value)
    settings.MEDIA_WORK_DIR = str(tmp_path / "scratch")
    Path(settings.MEDIA_WORK_DIR).mkdir()
    clip = tmp_path / "long.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=90", "-f", "lavfi", "-i", "sine=d=90",
           "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(clip))
    source = store_source(documentary, clip)
    tasks.process_asset.delay(str(source.pk))
    return source


def scratch_folders(settings) -> list[Path]:
    return sorted(Path(settings.MEDIA_WORK_DIR).glob("exchange-pipeline-*"))


def test_a_worker_killed_mid_transcode_is_taken_up_again_within_two_minutes(long_source, settings, tmp_path):
    from backend.media.models import Asset

    # The media worker, and the default worker whose beat runs the sweeper every 15 s.
    media = WorkerProcess(tmp_path / "media.log", queues=(MEDIA_LONG,), name="media").start()
    default = WorkerProcess(tmp_path / "default.log", queues=tuple(q for q in QUEUES if q != MEDIA_LONG),
                            name="default", beat=True).start()
    replacement = None
    try:
        wait_for(lambda: Asset.objects.get(pk=long_source.pk).progress > 10, 180, "the transcode to make progress")
        assert ffmpeg_processes(long_source.storage_key) and scratch_folders(settings)
        media.kill()  # SIGKILL: no handler runs, nothing is acknowledged or cleaned up
        killed_at = time.monotonic()
        # ffmpeg (in a session of its own) dies with the process that started it.
        wait_for(lambda: not ffmpeg_processes(long_source.storage_key), 10, "the orphaned ffmpeg to die")
        assert Asset.objects.get(pk=long_source.pk).state == Asset.State.TRANSCODING  # as the crash left it
        left_behind = scratch_folders(settings)
        assert left_behind, "the killed worker could not remove its scratch folder"

        replacement = WorkerProcess(tmp_path / "media-2.log", queues=(MEDIA_LONG,), name="media2").start()
        assert not any(folder.exists() for folder in left_behind)  # swept when a worker starts
        wait_for(lambda: Asset.objects.get(pk=long_source.pk).attempts == 2, 150, "the sweeper to hand it back")
        assert time.monotonic() - killed_at <= 120, "taken up again more than 2 minutes after the kill"
        asset = wait_for(lambda: Asset.objects.filter(pk=long_source.pk, state=Asset.State.READY).first(), 300,
                         "the retried transcode")
        assert asset.derivatives.filter(kind=Asset.Kind.HLS).exists()
        wait_for(lambda: not scratch_folders(settings), 10, "the finished job to remove its scratch folder")
    finally:
        for worker in (media, default, replacement):
            if worker:
                worker.stop()


def test_sigterm_stops_the_worker_within_ten_seconds_and_hands_the_transcode_back(long_source, settings, tmp_path):
    from backend.media.models import Asset

    media = WorkerProcess(tmp_path / "media.log", queues=(MEDIA_LONG,), name="media").start()
    replacement = None
    try:
        wait_for(lambda: Asset.objects.get(pk=long_source.pk).progress > 10, 180, "the transcode to make progress")
        assert media.terminate(timeout=30) <= 10
        asset = Asset.objects.get(pk=long_source.pk)
        assert asset.state == Asset.State.UPLOADED and "was stopped" in asset.state_reason
        assert asset.queued_at is not None and asset.attempts == 0  # a stop is not a failed attempt
        wait_for(lambda: not ffmpeg_processes(long_source.storage_key), 10, "ffmpeg to stop")
        assert not scratch_folders(settings)

        replacement = WorkerProcess(tmp_path / "media-2.log", queues=(MEDIA_LONG,), name="media2").start()
        asset = wait_for(lambda: Asset.objects.filter(pk=long_source.pk, state=Asset.State.READY).first(), 300,
                         "the handed-back transcode")
        assert asset.attempts == 1
    finally:
        for worker in (media, replacement):
            if worker:
                worker.stop()
