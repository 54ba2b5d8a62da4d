"""A real Celery worker process for integration tests, sharing the test database and broker."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from workers.queues import QUEUES


def wait_for(check, timeout: float, what: str, interval: float = 0.5):
    """``check()``'s first truthy result within ``timeout`` seconds, else fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def stop_process(process: subprocess.Popen | None, timeout: float = 30) -> None:
    """SIGTERM a test's server or worker process, SIGKILL after ``timeout`` seconds; no-op if it ended."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def storage_environment(config: dict) -> dict[str, str]:
    """The environment variables that make a worker build the store the test configured."""
    options = config["OPTIONS"]
    if config["BACKEND"] == "storage.filesystem.FilesystemStorage":
        return {"STORAGE_BACKEND": "filesystem", "STORAGE_ROOT": options["root"]}
    names = {"bucket": "S3_BUCKET", "endpoint_url": "S3_ENDPOINT_URL", "access_key": "S3_ACCESS_KEY_ID",
             "secret_key": "S3_SECRET_ACCESS_KEY", "addressing_style": "S3_ADDRESSING_STYLE", "region_name": "S3_REGION"}
    return {"STORAGE_BACKEND": "s3", **{names[name]: value for name, value in options.items() if name in names and value}}


class WorkerProcess:
    """A worker consuming ``queues`` (all of them by default), as deploy/run-embedded.sh starts them."""

    def __init__(self, log_path: Path, queues: tuple[str, ...] = QUEUES, name: str = "test", beat: bool = False,
                 concurrency: int = 1, environment: dict[str, str] | None = None):
        self.log_path, self.queues, self.name, self.beat = log_path, queues, name, beat
        self.concurrency, self.environment = concurrency, environment or {}
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "WorkerProcess":
        env = {
            **os.environ,
            "DATA_DIR": str(settings.DATA_DIR),
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            # The test's own store and index (tests/conftest.py isolates them per test).
            **storage_environment(settings.OBJECT_STORAGE),
            "SEARCH_EMBEDDED_PATH": str(settings.SEARCH_EMBEDDED_PATH),
            "SEARCH_INDEX_PREFIX": settings.SEARCH_INDEX_PREFIX,
            "MEDIA_WORK_DIR": settings.MEDIA_WORK_DIR or "",
            # As deploy/run-embedded.sh: SIGTERM stops at once and hands the running job back.
            "REMAP_SIGTERM": "SIGQUIT",
            **self.environment,
        }
        command = [sys.executable, "-m", "celery", "-A", "workers", "worker", "--loglevel", "INFO",
                   "--concurrency", str(self.concurrency), "--without-mingle", "--without-gossip",
                   "--hostname", f"{self.name}@%h", "--queues", ",".join(self.queues)]
        if self.beat:
            command += ["--beat", "--schedule", str(self.log_path.with_suffix(".schedule"))]
        log = self.log_path.open("ab")
        # Its own process group, so kill() can take the pool processes down with it.
        self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        cwd=settings.BASE_DIR, start_new_session=True)
        self.wait_for_log("ready.", timeout)
        return self

    @property
    def hostname(self) -> str:
        return socket.gethostname()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"worker exited ({self.process.returncode}):\n{self.log()}")
            time.sleep(0.1)
        raise TimeoutError(f"{text!r} not in the worker log after {timeout}s:\n{self.log()}")

    def kill(self) -> None:
        """A crash: SIGKILL to the worker and its pool, no chance to acknowledge or clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def pool_pids(self) -> list[int]:
        """The pool's child processes (where tasks run)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def terminate(self, timeout: float = 30) -> float:
        """SIGTERM, as systemd or `docker stop` sends it; returns the seconds the worker took to exit."""
        started = time.monotonic()
        self.process.terminate()
        self.process.wait(timeout=timeout)
        return time.monotonic() - started

    def stop(self) -> None:
        stop_process(self.process)
