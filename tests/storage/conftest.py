"""Fixtures: an S3 server, stores on it and on tmp_path, and data files.

The S3 server is the real one CI starts (deploy/engines/s3.sh, SeaweedFS) when
``S3_TEST_ENDPOINT_URL`` names it, else a moto server process, so `make test` needs no build.
CI's S3 leg also sets ``REQUIRE_S3=1``: then there must be a real server, and a skipped case
that uses it fails, so that leg cannot pass by running nothing (as REQUIRE_ELASTICSEARCH).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests

from storage.filesystem import FilesystemStorage
from storage.parts import PartPolicy
from storage.s3 import S3Storage
from tests.storage.protocol_server import ProtocolApp, ProtocolServer

MiB = 1024 * 1024
REQUIRE_S3 = os.environ.get("REQUIRE_S3") == "1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    real: bool  # False: moto, which neither enforces presigned-URL expiry nor streams completions

    def new_bucket(self) -> str:
        bucket = f"masters-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id=self.access_key,
                     aws_secret_access_key=self.secret_key).create_bucket(Bucket=bucket)
        return bucket

    def storage_options(self, bucket: str) -> dict:
        return {"bucket": bucket, "endpoint_url": self.endpoint, "access_key": self.access_key,
                "secret_key": self.secret_key, "addressing_style": "path"}


@pytest.fixture(scope="session")
def s3_server():
    if os.environ.get("S3_TEST_ENDPOINT_URL"):
        yield S3Server(os.environ["S3_TEST_ENDPOINT_URL"], os.environ.get("S3_TEST_ACCESS_KEY_ID", "exchange-test"),
                       os.environ.get("S3_TEST_SECRET_ACCESS_KEY", "exchange-test-secret"), real=True)
        return
    if REQUIRE_S3:
        pytest.fail("REQUIRE_S3=1 but S3_TEST_ENDPOINT_URL is not set: start deploy/engines/s3.sh")
    yield from _moto_server()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With REQUIRE_S3=1 a skipped case on the S3 server is a failure. Conftests that share the
    S3 fixtures import this hook too."""
    outcome = yield
    report = outcome.get_result()
    # An xfail is reported as skipped too (with wasxfail): a named server gap, not a skip.
    if REQUIRE_S3 and report.skipped and not hasattr(report, "wasxfail") and _uses_s3(item):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_S3=1, yet this S3 case was skipped: {reason}"


def _moto_server():
    port = _free_port()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded machine may take long to start (and answer) it
    while True:
        try:
            requests.get(endpoint, timeout=5)
            break
        except (requests.ConnectionError, requests.Timeout):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("moto server did not start")
            time.sleep(0.1)
    yield S3Server(endpoint, "testing", "testing", real=False)
    process.terminate()
    process.wait(timeout=10)


def _uses_s3(item) -> bool:
    """A case on the S3 server: it asks for it, or a parametrized store fixture picks it."""
    names = {*getattr(item, "fixturenames", ()), *getattr(item, "funcargs", {})}
    params = getattr(getattr(item, "callspec", None), "params", {})
    return bool(names & {"s3_server", "s3_storage", "s3_store"}) or bool({"s3", "s3_store"} & set(map(str, params.values())))


@pytest.fixture
def s3_storage(s3_server) -> S3Storage:
    return S3Storage(**s3_server.storage_options(s3_server.new_bucket()))


@pytest.fixture
def clock():
    """A settable clock for signed URLs: ``clock.offset`` seconds ahead of real time."""

    class Clock:
        offset = 0.0

        def __call__(self) -> float:
            return time.time() + self.offset

    return Clock()


@pytest.fixture
def fs_storage(tmp_path, clock) -> FilesystemStorage:
    # The part URLs are re-pointed at whichever test server mounts the part view.
    return FilesystemStorage(
        tmp_path / "store",
        secret="test-secret-سر",
        part_base_url="http://unused/storage/parts/",
        download_base_url="http://unused/storage/download/",
        clock=clock,
    )


@pytest.fixture
def make_file(tmp_path):
    """A file of ``size`` pseudo-random bytes (random enough that every part differs)."""

    def make(size: int, name: str = "纪录片-master.mxf") -> Path:
        path = tmp_path / "files" / name
        path.parent.mkdir(exist_ok=True)
        block = os.urandom(MiB)
        with open(path, "wb") as out:
            written = 0
            counter = 0
            while written < size:
                chunk = (counter.to_bytes(8, "big") + block)[: size - written]
                out.write(chunk)
                written += len(chunk)
                counter += 1
        return path

    return make


@pytest.fixture
def protocol_server():
    """Start a protocol server for a storage; filesystem part URLs point back at it."""
    servers: list[ProtocolServer] = []

    def start(storage, policy, **options) -> ProtocolServer:
        server = ProtocolServer(ProtocolApp(storage, policy, **options))
        if isinstance(storage, FilesystemStorage):
            storage.part_base_url = f"{server.url}/storage/parts/"
        servers.append(server.__enter__())
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture(params=["filesystem", "s3"])
def store(request, fs_storage, protocol_server):
    """Each backend in turn, with part and download URLs a plain HTTP client can use: the
    filesystem store behind the protocol server, S3 on its server."""
    if request.param == "s3":
        return request.getfixturevalue("s3_storage")
    server = protocol_server(fs_storage, PartPolicy())
    fs_storage.download_base_url = f"{server.url}/storage/download/"
    return fs_storage


@pytest.fixture
def later(store, clock, s3_server):
    """``later(seconds)``: let that much time pass for the store's signed URLs."""
    if isinstance(store, FilesystemStorage):
        return lambda seconds: setattr(clock, "offset", clock.offset + seconds)
    if not s3_server.real:
        pytest.skip("moto does not enforce presigned-URL expiry; the real S3 server (CI) does")
    return time.sleep
