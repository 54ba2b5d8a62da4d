"""The embedded broker needs no server, and a queued job survives until a worker takes it."""

import pytest

from workers import tasks

pytestmark = pytest.mark.slow


def test_a_job_queued_while_no_worker_runs_is_done_when_one_starts(worker_process, transactional_db):
    queued = tasks.ping.delay()
    worker = worker_process.start()
    worker.wait_for_log(f"Task exchange.ping[{queued.id}] succeeded")
    worker.stop()

    after_restart = tasks.ping.delay()
    worker.start().wait_for_log(f"Task exchange.ping[{after_restart.id}] succeeded")
