"""The API as deployed: gunicorn with deploy/gunicorn.conf.py over the embedded defaults, on a real socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.workers.worker import stop_process

ROOT = Path(__file__).resolve().parents[3]
# Settings a CI leg may point at real servers; this server runs on the embedded defaults.
SERVER_SETTINGS = ("DATABASE_URL", "CELERY_BROKER_URL", "STORAGE_BACKEND", "ELASTICSEARCH_URL", "STORAGE_ROOT",
                   "SEARCH_EMBEDDED_PATH", "SEARCH_INDEX_PREFIX", "DJANGO_SETTINGS_MODULE")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornServer:
    """A fresh DATA_DIR (migrated, search index made), then gunicorn on 127.0.0.1 with one worker."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {name: value for name, value in os.environ.items() if name not in SERVER_SETTINGS}
        self.env.update(DATA_DIR=str(data_dir), GUNICORN_WORKERS="1", GUNICORN_THREADS="4",
                        GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_MAX_REQUESTS="0", LOG_LEVEL="WARNING")
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start(self, timeout: float = 60) -> GunicornServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.manage("migrate", "--noinput")
        self.manage("search_index")
        log = (self.data_dir / "gunicorn.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "--worker-tmp-dir",
             str(self.data_dir), "backend.exchange.wsgi:application"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            try:
                if requests.get(f"{self.base_url}/healthz", timeout=5).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise TimeoutError(f"gunicorn did not answer within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return (self.data_dir / "gunicorn.log").read_text(errors="replace")

    def stop(self) -> None:
        stop_process(self.process)

    def raw(self, request: bytes, timeout: float = 10) -> bytes:
        """Send bytes as they are (no client library would send malformed HTTP) and read the whole answer."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as connection:
            connection.sendall(request)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        return answer
