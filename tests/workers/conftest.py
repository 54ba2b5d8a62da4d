import pytest

from tests.workers.worker import WorkerProcess


@pytest.fixture
def worker_process(tmp_path):
    """A worker that the test starts (and may restart) itself."""
    worker = WorkerProcess(tmp_path / "worker.log")
    yield worker
    worker.stop()
