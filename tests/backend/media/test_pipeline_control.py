"""Controlling the pipeline through the API: progress, reprocess, cancel, and the stale-work sweeper."""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from backend.media import pipeline
from backend.media.models import Asset
from backend.partners.models import Role
from tests.backend.media.conftest import ffmpeg, store_source
from workers.tasks import media as tasks

pytestmark = pytest.mark.usefixtures("fast_media", "eager_tasks")


def test_reprocess_runs_the_pipeline_again(ptv, documentary, urdu_clip, django_capture_on_commit_callbacks):
    source = store_source(documentary, urdu_clip)
    pipeline.process(source.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = ptv.client(Role.EDITOR).post(f"/api/v1/assets/{source.pk}/reprocess/")
    assert response.status_code == 200 and response.json()["state"] == "uploaded"
    asset = ptv.client().get(f"/api/v1/assets/{source.pk}/").json()
    assert (asset["state"], asset["progress"], asset["attempts"]) == ("ready", 100, 1)


@pytest.mark.django_db(transaction=True)  # the transcode runs in a thread, on its own connection
def test_cancel_stops_a_running_transcode(ptv, documentary, tmp_path):
    long_clip = tmp_path / "long.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=240", "-f", "lavfi", "-i", "sine=d=240",
           "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(long_clip))
    source = store_source(documentary, long_clip)
    outcome = {}

    def run() -> None:
        try:
            outcome["state"] = pipeline.process(source.pk)
        finally:
            connection.close()  # the thread's own connection, so the test database can be dropped

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 60
    while Asset.objects.get(pk=source.pk).state != Asset.State.TRANSCODING and time.monotonic() < deadline:
        time.sleep(0.2)
    response = ptv.client().post(f"/api/v1/assets/{source.pk}/cancel/")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    worker.join(timeout=60)
    assert outcome == {"state": "cancelled"}
    source.refresh_from_db()
    assert source.state == "cancelled" and source.progress < 90 and not source.derivatives.exists()


def test_only_the_owners_editors_control_processing(ptv, cctv, documentary, urdu_clip):
    source = store_source(documentary, urdu_clip)
    assert ptv.client(Role.VIEWER).post(f"/api/v1/assets/{source.pk}/cancel/").status_code == 403
    assert cctv.client().post(f"/api/v1/assets/{source.pk}/cancel/").status_code == 404
    refused = ptv.client().post(f"/api/v1/assets/{source.pk}/reprocess/")  # still waiting: nothing to redo
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_state_transition"


def test_the_sweeper_retries_work_whose_worker_went_silent(documentary, urdu_clip, settings,
                                                           django_capture_on_commit_callbacks):
    source = store_source(documentary, urdu_clip)
    long_ago = timezone.now() - pipeline.stale_after() - datetime.timedelta(seconds=1)
    # A worker took it, made progress, then died without a word.
    Asset.objects.filter(pk=source.pk).update(state=Asset.State.TRANSCODING, progress=40, attempts=1,
                                               heartbeat_at=long_ago, state_changed_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):  # handed back, then enqueued after commit
        assert tasks.sweep_stale_assets() == 1
    source.refresh_from_db()
    assert (source.state, source.attempts) == ("ready", 2)


def test_the_sweeper_fails_work_after_the_last_attempt(documentary, urdu_clip, settings):
    source = store_source(documentary, urdu_clip)
    long_ago = timezone.now() - pipeline.stale_after() - datetime.timedelta(seconds=1)
    Asset.objects.filter(pk=source.pk).update(state=Asset.State.PROBING, attempts=settings.MEDIA_MAX_ATTEMPTS,
                                               heartbeat_at=long_ago, state_changed_at=long_ago)
    tasks.sweep_stale_assets()
    source.refresh_from_db()
    assert source.state == "failed" and "worker lost" in source.state_reason


def test_work_in_progress_is_left_alone(documentary, urdu_clip, settings):
    source = store_source(documentary, urdu_clip)
    # Five missed heartbeats are not yet six.
    recent = timezone.now() - datetime.timedelta(seconds=5 * settings.MEDIA_HEARTBEAT_SECONDS)
    Asset.objects.filter(pk=source.pk).update(state=Asset.State.TRANSCODING, heartbeat_at=recent)
    assert tasks.sweep_stale_assets() == 0
