"""Queues by kind of work, with real worker processes: a flood of index work does not delay a
media job, /readyz knows which queues have a worker, and poisoned messages are dropped."""

import time

import pytest

from tests.backend.media.conftest import clip_dir, documentary, fast_media, store_source, urdu_clip  # noqa: F401
from tests.workers.test_media_end_to_end import wait_for
from tests.workers.worker import WorkerProcess
from workers.queues import INDEX, MEDIA_LONG, QUEUES

pytestmark = pytest.mark.slow

DEFAULT_QUEUES = tuple(queue for queue in QUEUES if queue != MEDIA_LONG)


def depth(queue: str) -> int:
    from backend.common.health import queue_depths

    return queue_depths((queue,))[queue]


def test_a_media_job_starts_within_seconds_behind_a_flood_of_index_work(transactional_db, documentary, urdu_clip,
                                                                         fast_media, monkeypatch, tmp_path,
                                                                         django_capture_on_commit_callbacks):
    from backend.media import signals
    from backend.media.models import Asset
    from workers.tasks import search as search_tasks

    for name, value in fast_media.items():
        monkeypatch.setenv(name, value)
    for _ in range(1000):  # in front of the media job, as ~1,100 subtitle uploads made it in issue #15
        search_tasks.index_pending.delay()
    media = WorkerProcess(tmp_path / "media.log", queues=(MEDIA_LONG,), name="media").start()
    default = WorkerProcess(tmp_path / "default.log", queues=DEFAULT_QUEUES, name="default").start()
    try:
        source = store_source(documentary, urdu_clip)
        with django_capture_on_commit_callbacks(execute=True):
            signals.notify_uploaded(source.pk)  # as a completed upload does
        uploaded_at = time.monotonic()
        wait_for(lambda: Asset.objects.get(pk=source.pk).state != Asset.State.UPLOADED, 30, "the media job to start")
        assert time.monotonic() - uploaded_at <= 10
        assert depth(INDEX) > 0, "the index flood was gone before the media job started: nothing was measured"
        wait_for(lambda: Asset.objects.filter(pk=source.pk, state=Asset.State.READY).exists(), 180, "the pipeline")
    finally:
        media.stop()
        default.stop()


def test_readyz_names_the_queues_that_no_live_worker_consumes(transactional_db, client, tmp_path):
    from backend.search.engine import search_backend

    search_backend().create_index()
    media = WorkerProcess(tmp_path / "media.log", queues=(MEDIA_LONG,), name="media").start()
    default = WorkerProcess(tmp_path / "default.log", queues=DEFAULT_QUEUES, name="default").start()
    try:
        response = client.get("/readyz")
        body = response.json()
        assert response.status_code == 200, body
        assert body["queues"][MEDIA_LONG]["workers"] == [f"media@{media.hostname}"]
        assert all(body["queues"][queue]["workers"] == [f"default@{default.hostname}"] for queue in DEFAULT_QUEUES)

        media.terminate()  # a stopped worker removes its heartbeat
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["queues"][MEDIA_LONG]["workers"] == []
        assert response.json()["checks"]["workers"]["detail"] == f"no live worker consumes {MEDIA_LONG}"
    finally:
        media.stop()
        default.stop()


def test_a_killed_worker_counts_as_gone_after_a_few_missed_heartbeats(transactional_db, client, settings, tmp_path):
    from backend.search.engine import search_backend

    search_backend().create_index()
    default = WorkerProcess(tmp_path / "default.log", queues=QUEUES, name="all").start()
    try:
        assert client.get("/readyz").status_code == 200
        default.kill()  # no chance to remove its heartbeat row
        gone_after = settings.WORKER_HEARTBEAT_SECONDS * settings.WORKER_HEARTBEAT_MISSED
        time.sleep(gone_after + 1)
        response = client.get("/readyz")
        assert response.status_code == 503 and all(queue["workers"] == [] for queue in response.json()["queues"].values())
    finally:
        default.stop()


def test_poisoned_messages_are_logged_and_dropped_not_retried(transactional_db, tmp_path):
    from workers import app, tasks

    app.send_task("exchange.no_such_task", args=["x"], queue=INDEX)  # unknown task
    app.send_task("media.process_asset", args=["a", "b", "c"], queue=MEDIA_LONG)  # malformed arguments
    app.send_task("search.index_pending", kwargs={"unexpected": 1}, queue=INDEX)
    worker = WorkerProcess(tmp_path / "worker.log", queues=QUEUES).start()
    try:
        after = tasks.ping.delay()
        worker.wait_for_log(f"Task exchange.ping[{after.id}] succeeded")
        log = worker.log()
        assert "Received unregistered task of type 'exchange.no_such_task'" in log
        assert log.count("TypeError") >= 2 and "Retry in" not in log
        time.sleep(2)  # nothing comes back
        assert all(depth(queue) == 0 for queue in QUEUES)
        assert worker.log().count("unregistered task of type 'exchange.no_such_task'") == 1
    finally:
        worker.stop()
