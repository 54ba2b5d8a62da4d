import pytest

from tests.workers.worker import WorkerProcess
from workers import app
from workers.queues import QUEUES


@pytest.fixture
def worker_process(tmp_path):
    """A worker that the test starts (and may restart) itself."""
    worker = WorkerProcess(tmp_path / "worker.log")
    yield worker
    worker.stop()


@pytest.fixture(autouse=True)
def empty_queues():
    """The broker outlives tests (a file under DATA_DIR): each test starts and leaves with empty queues."""
    purge()
    yield
    purge()


def purge() -> None:
    with app.connection_for_write() as conn:
        for queue in QUEUES:
            conn.default_channel.queue_purge(queue)
