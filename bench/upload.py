"""Upload throughput of the partner CLI against boto3 on a real S3 server, and the API's memory.

Two set-ups, one table (medians of ``--repeat`` runs, the order alternating per run):

* **API + S3** (the production path): gunicorn, Django and SQLite with ``STORAGE_BACKEND=s3`` on
  the S3 server named by ``S3_ENDPOINT_URL`` and its credentials (``eval "$(deploy/engines/s3.sh
  start)"``: SeaweedFS). The CLI (``client.upload.upload_file``, what ``exchange-upload`` runs:
  create through the API, presigned ``UploadPart`` URLs, Content-MD5 per part, the whole-file
  SHA-256 on the way, completion through the API, which checks the parts with ListParts) against
  ``boto3`` ``upload_file`` straight to the same bucket with the same part size and concurrency,
  with the storage layer's checksum setting (``request_checksum_calculation="when_required"``:
  Content-MD5 only, as the CLI) and with boto3's defaults (a CRC32 per part).
* **API + filesystem** (the embedded default): the CLI against a plain ``requests`` client that
  PUTs the same parts with the same concurrency and no checksums.

Both through the API sample the gunicorn worker's RSS every 20 ms: idle before the first upload
of a size, the peak during its uploads, and after the last (flat = independent of the file size).

    eval "$(deploy/engines/s3.sh start)"
    .venv/bin/python bench/upload.py                                   # 2 GiB on S3, 256 MiB on the filesystem
    .venv/bin/python bench/upload.py --sizes 1GiB --fs-sizes 256MiB,1GiB --repeat 3
    .venv/bin/python bench/upload.py --skip-fs                         # or --skip-s3
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import boto3
import requests
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from requests.adapters import HTTPAdapter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from client.api import ExchangeApi  # noqa: E402
from client.state import StateStore  # noqa: E402
from client.upload import UploadOptions, upload_file  # noqa: E402

UNITS = {"KiB": 1024, "MiB": 1024**2, "GiB": 1024**3}
ROOT = Path(__file__).resolve().parents[1]
# Completing a 2 GiB upload can take long on a busy machine; botocore's default 60 s read timeout
# would retry CompleteMultipartUpload while the first call still runs.
READ_TIMEOUT = 900


@dataclass
class Row:
    setup: str
    size: int
    baseline: str
    cli: list[float] = field(default_factory=list)
    base: list[float] = field(default_factory=list)
    rss: tuple[float, float, float] | None = None  # the API worker's MiB: idle before, peak, after


@dataclass(frozen=True)
class S3Target:
    endpoint: str
    access_key: str
    secret_key: str
    region: str

    @classmethod
    def from_env(cls) -> "S3Target":
        env = os.environ
        if not env.get("S3_ENDPOINT_URL"):
            sys.exit('S3_ENDPOINT_URL is not set: eval "$(deploy/engines/s3.sh start)" first, or --skip-s3')
        return cls(env["S3_ENDPOINT_URL"], env["S3_ACCESS_KEY_ID"], env["S3_SECRET_ACCESS_KEY"], env.get("S3_REGION", "us-east-1"))

    def client(self, checksums: str = "when_required", pool: int = 10):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=self.region, aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key,
                            config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                                          request_checksum_calculation=checksums, read_timeout=READ_TIMEOUT,
                                          max_pool_connections=pool))


def parse_size(text: str) -> int:
    for unit, factor in UNITS.items():
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2GiB", help="file sizes through the API on S3, comma-separated")
    parser.add_argument("--fs-sizes", default="256MiB", help="file sizes through the API on the filesystem store")
    parser.add_argument("--part-size", type=parse_size, default=16 * UNITS["MiB"])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating; the median is reported")
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="where generated files and the API's data go")
    parser.add_argument("--skip-s3", action="store_true")
    parser.add_argument("--skip-fs", action="store_true")
    args = parser.parse_args()
    target = None if args.skip_s3 else S3Target.from_env()
    load_before = os.getloadavg()
    rows: list[Row] = []
    if target:
        rows += s3_rows(target, [parse_size(size) for size in args.sizes.split(",")], args)
    if not args.skip_fs:
        rows += fs_rows([parse_size(size) for size in args.fs_sizes.split(",")], args)
    print_table(rows, args, load_before, os.getloadavg())


def alternate(runs: int, contenders: list[Callable[[], None]]) -> None:
    """Run each contender ``runs`` times, reversing the order every other round (warm-up, shared machine)."""
    for index in range(runs):
        for run in contenders if index % 2 == 0 else reversed(contenders):
            run()


# --- the API on S3 -------------------------------------------------------------------------------


def s3_rows(target: S3Target, sizes: list[int], args: argparse.Namespace) -> list[Row]:
    bucket = f"bench-{uuid.uuid4().hex[:8]}"
    target.client().create_bucket(Bucket=bucket)
    env = {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": target.endpoint, "S3_BUCKET": bucket,
           "S3_ACCESS_KEY_ID": target.access_key, "S3_SECRET_ACCESS_KEY": target.secret_key,
           "S3_REGION": target.region, "S3_ADDRESSING_STYLE": "path"}
    rows = []
    with api_server(args, env) as (base, token, programme, worker):
        for size in sizes:
            same = Row("API + S3", size, "boto3 upload_file, when_required")
            defaults = Row("API + S3", size, "boto3 upload_file, defaults")
            path = generate(Path(args.dir) / f"bench-upload-{uuid.uuid4().hex[:8]}.mxf", size)
            rss = RssWatch(worker)
            try:
                def cli() -> None:
                    elapsed = rss.during(lambda: cli_upload(base, token, programme, path, args))
                    same.cli.append(elapsed)
                    defaults.cli.append(elapsed)

                alternate(args.repeat, [
                    cli,
                    lambda: same.base.append(boto3_upload(target, bucket, path, args, "when_required")),
                    lambda: defaults.base.append(boto3_upload(target, bucket, path, args, "when_supported")),
                ])
            finally:
                path.unlink()
            same.rss = defaults.rss = rss.summary()
            rows += [same, defaults]
    return rows


def cli_upload(base: str, token: str, programme: str, path: Path, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(dir=args.dir) as states:
        result = upload_file(ExchangeApi(base, token, timeout=READ_TIMEOUT), path, programme,
                             UploadOptions(concurrency=args.concurrency), StateStore(Path(states)))
    assert result["state"] == "completed" and result["asset"]["size"] == path.stat().st_size, result


def boto3_upload(target: S3Target, bucket: str, path: Path, args: argparse.Namespace, checksums: str) -> float:
    config = TransferConfig(multipart_threshold=args.part_size, multipart_chunksize=args.part_size,
                            max_concurrency=args.concurrency)
    client = target.client(checksums, pool=args.concurrency + 4)
    key = f"bench/boto3/{uuid.uuid4().hex}"
    started = time.perf_counter()
    client.upload_file(str(path), bucket, key, Config=config)
    elapsed = time.perf_counter() - started
    client.delete_object(Bucket=bucket, Key=key)
    return elapsed


@contextmanager
def api_server(args: argparse.Namespace, storage_env: dict[str, str]) -> Iterator[tuple[str, str, str, int]]:
    """gunicorn (one gthread worker) on a fresh SQLite database: (base URL, editor token, programme, worker pid)."""
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="bench-api-") as data_dir:
        env = {**os.environ, "DATA_DIR": data_dir, "UPLOAD_PART_SIZE": str(args.part_size),
               "DJANGO_SETTINGS_MODULE": "backend.exchange.settings", "LOG_LEVEL": "WARNING", **storage_env}
        subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
        token, programme = subprocess.run([sys.executable, "-c", SETUP_PARTNER], env=env, cwd=ROOT, check=True,
                                          capture_output=True, text=True).stdout.split()
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "backend.exchange.wsgi:application", "--bind",
                                   f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "gthread", "--threads",
                                   str(args.concurrency + 2), "--timeout", "900"], env=env, cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base + "/healthz")
            yield base, token, programme, gunicorn_worker(server.pid)
        finally:
            server.terminate()
            server.wait()


# --- the API with the filesystem store -------------------------------------------------------------


def fs_rows(sizes: list[int], args: argparse.Namespace) -> list[Row]:
    rows = []
    with api_server(args, {"STORAGE_BACKEND": "filesystem"}) as (base, token, programme, worker):
        for size in sizes:
            row = Row("API + filesystem", size, "plain requests PUTs")
            path = generate(Path(args.dir) / f"bench-upload-{uuid.uuid4().hex[:8]}.mxf", size)
            rss = RssWatch(worker)
            try:
                alternate(args.repeat, [
                    lambda: row.cli.append(rss.during(lambda: cli_upload(base, token, programme, path, args))),
                    lambda: row.base.append(rss.during(lambda: run_plain_requests(base, token, programme, path,
                                                                                  args.concurrency))),
                ])
            finally:
                path.unlink()
            row.rss = rss.summary()
            rows.append(row)
    return rows


def run_plain_requests(base: str, token: str, programme: str, path: Path, concurrency: int) -> None:
    """The least a client can do with the protocol: create, PUT each part from a pread, complete."""
    session = requests.Session()
    session.mount("http://", HTTPAdapter(pool_maxsize=concurrency))
    session.headers["Authorization"] = f"Token {token}"
    size = path.stat().st_size
    upload = session.post(f"{base}/api/v1/programmes/{programme}/uploads/", timeout=60,
                          json={"filename": path.name, "size": size, "content_type": "application/mxf"}).json()
    assert len(upload["parts"]) == upload["part_count"], "more parts than URLs in one answer"
    with open(path, "rb") as source:
        def put(target: dict) -> None:
            data = os.pread(source.fileno(), upload["part_size"], (target["number"] - 1) * upload["part_size"])
            session.put(target["url"], data=data, headers=target.get("headers") or {}, timeout=600).raise_for_status()

        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(put, upload["parts"]))
    result = session.post(f"{base}/api/v1/uploads/{upload['id']}/complete/", json={}, timeout=600).json()
    assert result["state"] == "completed" and result["asset"]["size"] == size, result


# --- the table ------------------------------------------------------------------------------------


def print_table(rows: list[Row], args: argparse.Namespace, load_before, load_after) -> None:
    mib = UNITS["MiB"]
    print(f"\npart size {args.part_size // mib} MiB, concurrency {args.concurrency}, median of {args.repeat} runs "
          f"(order alternating), {os.cpu_count()} CPUs, load average {fmt_load(load_before)} before, "
          f"{fmt_load(load_after)} after")
    header = (f"{'setup':<18}{'MiB':>6}{'CLI MiB/s':>11}  {'baseline':<34}{'MiB/s':>7}{'CLI/baseline':>14}"
              f"{'API RSS MiB idle / peak / after':>33}")
    print(header)
    print("-" * len(header))
    for row in rows:
        size = row.size / mib
        cli, base = statistics.median(row.cli), statistics.median(row.base)
        rss = " / ".join(f"{value:.1f}" for value in row.rss) if row.rss else "-"
        print(f"{row.setup:<18}{size:>6.0f}{size / cli:>11.1f}  {row.baseline:<34}{size / base:>7.1f}"
              f"{base / cli:>14.0%}{rss:>33}")
    print("\nruns (seconds): " + "; ".join(
        f"{row.setup} {row.size / mib:.0f} MiB CLI {fmt_runs(row.cli)} / {row.baseline} {fmt_runs(row.base)}"
        for row in rows))
    print("API RSS: the gunicorn worker, idle before the first upload of that size, the peak across its CLI "
          "and baseline runs, and after the last.")


def fmt_runs(runs: list[float]) -> str:
    return " ".join(f"{run:.1f}" for run in runs)


def fmt_load(load: tuple[float, float, float]) -> str:
    return "/".join(f"{value:.1f}" for value in load)


SETUP_PARTNER = """
import django
django.setup()
from backend.catalogue.models import Programme
from backend.partners import services
partner, admin, _ = services.create_partner(code="PTV", name="PTV", country="PK", admin_username="ptv-admin")
_, token = services.create_user(partner, username="ptv-editor", role="editor", actor=admin)
programme = Programme.objects.create(owner=partner, original_language="ur", title={"ur": "شاہراہ قراقرم"})
print(token, programme.pk)
"""


class RssWatch:
    """The API worker's RSS around a series of uploads: idle before, peak during, after."""

    def __init__(self, pid: int) -> None:
        self.pid, self.idle, self.peak, self.after = pid, rss_mib(pid), 0.0, 0.0

    def during(self, upload: Callable[[], None]) -> float:
        """Run ``upload`` while sampling; return its seconds."""
        sampler = RssSampler(self.pid).start()
        started = time.perf_counter()
        try:
            upload()
        finally:
            self.peak = max(self.peak, sampler.stop())
        elapsed = time.perf_counter() - started
        self.after = rss_mib(self.pid)
        return elapsed

    def summary(self) -> tuple[float, float, float]:
        return self.idle, self.peak, self.after


class RssSampler:
    """Samples a process's resident set size on a thread; ``stop`` returns the peak in MiB."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "RssSampler":
        self._thread.start()
        return self

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mib(self.pid))
            self._stop.wait(self.interval)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def gunicorn_worker(master: int, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def wait_until_up(url: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def generate(path: Path, size: int) -> Path:
    block = os.urandom(UNITS["MiB"])
    with open(path, "wb") as out:
        for index in range(0, size, UNITS["MiB"]):
            out.write((index.to_bytes(8, "big") + block)[: min(UNITS["MiB"], size - index)])
    return path


if __name__ == "__main__":
    main()
