"""Upload throughput of the partner CLI against plain baselines, and the API process's memory.

Two endpoints, one table (medians of ``--repeat`` runs, the order alternating per run):

* **moto S3** (a moto server process started here unless ``--endpoint`` is given): the CLI engine
  as a partner runs it (presigned ``UploadPart`` URLs from the storage layer, Content-MD5 per part,
  the whole-file SHA-256 on the way, the server-side part check, completion through the storage
  layer) against ``boto3`` ``upload_file`` with the same part size and concurrency, twice:
  with boto3's defaults, and with the storage layer's checksum setting
  (``request_checksum_calculation="when_required"``). The second does the same server-side work
  as the CLI path: an upload created without a checksum algorithm makes moto (5.x) emulate S3's
  full-object CRC64NVME at completion, over an in-memory copy of the whole object, which costs
  far more than the bytes' transfer (see the CLI's "parts + complete" seconds).
* **API + filesystem store** (the embedded default through the real API: gunicorn, Django, SQLite):
  the CLI (``upload_file``) against a plain ``requests`` client that PUTs the same parts with the
  same concurrency and no checksums; the API worker's RSS is sampled every 20 ms, and its peak
  growth over the idle RSS is reported (flat = independent of the file size).

    .venv/bin/python bench/upload.py                                  # 2 GiB on both, 256 MiB on the API
    .venv/bin/python bench/upload.py --sizes 1GiB --api-sizes 256MiB,1GiB --repeat 3
    .venv/bin/python bench/upload.py --skip-api      # or --skip-s3
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import boto3
import requests
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from requests.adapters import HTTPAdapter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from client.api import ExchangeApi  # noqa: E402
from client.engine import PartUploader, targets_from  # noqa: E402
from client.state import StateStore  # noqa: E402
from client.upload import UploadOptions, upload_file  # noqa: E402
from storage.integrity import check_parts  # noqa: E402
from storage.parts import PartPolicy  # noqa: E402
from storage.s3 import S3Storage  # noqa: E402

UNITS = {"KiB": 1024, "MiB": 1024**2, "GiB": 1024**3}
# moto completes a 2 GiB upload in about a minute on a busy machine; botocore's default 60 s read
# timeout then retries CompleteMultipartUpload while the first call still runs, and moto answers
# the duplicate with HTTP 500 (KeyError on the finished upload id). A longer timeout for all clients.
READ_TIMEOUT = 900


@dataclass
class Row:
    endpoint: str
    size: int
    baseline: str
    cli: list[float] = field(default_factory=list)
    base: list[float] = field(default_factory=list)
    cli_split: list[tuple[float, float]] = field(default_factory=list)  # (parts, completion) seconds
    rss_growth: list[float] = field(default_factory=list)


def parse_size(text: str) -> int:
    for unit, factor in UNITS.items():
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2GiB", help="file sizes for moto S3, comma-separated")
    parser.add_argument("--api-sizes", default="256MiB,2GiB", help="file sizes through the API, comma-separated")
    parser.add_argument("--part-size", type=parse_size, default=16 * UNITS["MiB"])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating; the median is reported")
    parser.add_argument("--endpoint", help="an S3 endpoint to use instead of a local moto server")
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="where generated files and the API's data go")
    parser.add_argument("--skip-s3", action="store_true")
    parser.add_argument("--skip-api", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows: list[Row] = []
    if not args.skip_s3:
        rows += s3_rows([parse_size(size) for size in args.sizes.split(",")], args)
    if not args.skip_api:
        rows += api_rows([parse_size(size) for size in args.api_sizes.split(",")], args)
    print_table(rows, args, load_before, os.getloadavg())


def alternate(runs: int, contenders: list[Callable[[], None]]) -> None:
    """Run each contender ``runs`` times, reversing the order every other round (warm-up, shared machine)."""
    for index in range(runs):
        for run in contenders if index % 2 == 0 else reversed(contenders):
            run()


# --- moto S3 -----------------------------------------------------------------------------------


def s3_rows(sizes: list[int], args: argparse.Namespace) -> list[Row]:
    moto = None if args.endpoint else start_moto()
    endpoint = args.endpoint or moto[1]
    rows = []
    try:
        storage = S3Storage(f"bench-{uuid.uuid4().hex[:8]}", endpoint_url=endpoint, access_key="testing",
                            secret_key="testing", addressing_style="path", max_pool_connections=args.concurrency + 4)
        storage.client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                                      aws_secret_access_key="testing",
                                      config=storage.client.meta.config.merge(Config(read_timeout=READ_TIMEOUT)))
        storage.client.create_bucket(Bucket=storage.bucket)
        for size in sizes:
            defaults = Row("moto S3", size, "boto3 upload_file, defaults")
            same = Row("moto S3", size, "boto3 upload_file, when_required")
            path = generate(Path(args.dir) / f"bench-upload-{uuid.uuid4().hex[:8]}.bin", size)
            try:
                def cli() -> None:
                    parts, completion = run_cli_engine(storage, path, args.part_size, args.concurrency)
                    for row in (defaults, same):
                        row.cli.append(parts + completion)
                        row.cli_split.append((parts, completion))

                alternate(args.repeat, [
                    cli,
                    lambda: defaults.base.append(run_boto3(storage, path, args.part_size, args.concurrency, "when_supported")),
                    lambda: same.base.append(run_boto3(storage, path, args.part_size, args.concurrency, "when_required")),
                ])
            finally:
                path.unlink()
            rows += [defaults, same]
    finally:
        if moto:
            moto[0].terminate()
            moto[0].wait()
    return rows


def run_cli_engine(storage: S3Storage, path: Path, part_size: int, concurrency: int) -> tuple[float, float]:
    """Seconds sending the parts (from creating the upload) and completing it (part check included)."""
    key = "bench/cli"
    started = time.perf_counter()
    plan = PartPolicy(part_size=part_size).plan(path.stat().st_size)
    upload_id = storage.create_multipart(key, "application/octet-stream")
    parts = [{"number": n, "url": storage.part_url(key, upload_id, n, 3600)} for n in range(1, plan.count + 1)]
    result = PartUploader(lambda: {}, concurrency=concurrency).run(path, plan.part_size, plan.count, targets_from(parts))
    sent = time.perf_counter()
    checked = check_parts(plan, storage.list_parts(key, upload_id), result.part_md5)
    storage.complete_multipart(key, upload_id, checked)
    done = time.perf_counter()
    storage.delete(key)
    return sent - started, done - sent


def run_boto3(storage: S3Storage, path: Path, part_size: int, concurrency: int, checksums: str) -> float:
    config = TransferConfig(multipart_threshold=part_size, multipart_chunksize=part_size, max_concurrency=concurrency)
    client = boto3.client("s3", endpoint_url=storage.client.meta.endpoint_url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing",
                          config=Config(request_checksum_calculation=checksums, read_timeout=READ_TIMEOUT))
    started = time.perf_counter()
    client.upload_file(str(path), storage.bucket, "bench/boto3", Config=config)
    elapsed = time.perf_counter() - started
    storage.delete("bench/boto3")
    return elapsed


# --- the API with the filesystem store -------------------------------------------------------------


def api_rows(sizes: list[int], args: argparse.Namespace) -> list[Row]:
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="bench-api-") as data_dir:
        env = {**os.environ, "DATA_DIR": data_dir, "STORAGE_BACKEND": "filesystem", "UPLOAD_PART_SIZE": str(args.part_size),
               "DJANGO_SETTINGS_MODULE": "backend.exchange.settings", "LOG_LEVEL": "WARNING"}
        root = Path(__file__).resolve().parents[1]
        subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, cwd=root, check=True)
        token, programme = subprocess.run([sys.executable, "-c", SETUP_PARTNER], env=env, cwd=root, check=True,
                                          capture_output=True, text=True).stdout.split()
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "backend.exchange.wsgi:application", "--bind",
                                   f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "gthread", "--threads",
                                   str(args.concurrency + 2), "--timeout", "600"], env=env, cwd=root)
        base = f"http://127.0.0.1:{port}"
        rows = []
        try:
            wait_until_up(base + "/healthz")
            worker = gunicorn_worker(server.pid)
            for size in sizes:
                row = Row("API + filesystem", size, "plain requests PUTs")
                path = generate(Path(data_dir) / f"master-{size}.mxf", size)

                def measured(upload: Callable[[], dict], times: list[float]) -> None:
                    idle = rss_mib(worker)
                    sampler = RssSampler(worker).start()
                    started = time.perf_counter()
                    result = upload()
                    times.append(time.perf_counter() - started)
                    row.rss_growth.append(sampler.stop() - idle)
                    assert result["state"] == "completed" and result["asset"]["size"] == size, result

                state = StateStore(Path(data_dir) / "state")
                options = UploadOptions(concurrency=args.concurrency)
                alternate(args.repeat, [
                    lambda: measured(lambda: upload_file(ExchangeApi(base, token), path, programme, options, state), row.cli),
                    lambda: measured(lambda: run_plain_requests(base, token, programme, path, args.concurrency), row.base),
                ])
                path.unlink()
                rows.append(row)
        finally:
            server.terminate()
            server.wait()
    return rows


def run_plain_requests(base: str, token: str, programme: str, path: Path, concurrency: int) -> dict:
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
    return session.post(f"{base}/api/v1/uploads/{upload['id']}/complete/", json={}, timeout=600).json()


# --- the table ------------------------------------------------------------------------------------


def print_table(rows: list[Row], args: argparse.Namespace, load_before, load_after) -> None:
    mib = UNITS["MiB"]
    print(f"\npart size {args.part_size // mib} MiB, concurrency {args.concurrency}, median of {args.repeat} runs "
          f"(order alternating), {os.cpu_count()} CPUs, load average {fmt_load(load_before)} before, "
          f"{fmt_load(load_after)} after")
    header = (f"{'endpoint':<18}{'MiB':>6}{'CLI MiB/s':>11}  {'baseline':<34}{'MiB/s':>7}{'ratio':>7}"
              f"{'CLI parts+complete s':>22}{'API RSS growth':>16}")
    print(header)
    print("-" * len(header))
    for row in rows:
        size = row.size / mib
        cli, base = statistics.median(row.cli), statistics.median(row.base)
        split = ""
        if row.cli_split:
            split = f"{statistics.median(p for p, _ in row.cli_split):.1f} + {statistics.median(c for _, c in row.cli_split):.1f}"
        growth = f"{max(row.rss_growth):+.1f} MiB" if row.rss_growth else "-"
        print(f"{row.endpoint:<18}{size:>6.0f}{size / cli:>11.1f}  {row.baseline:<34}{size / base:>7.1f}"
              f"{base / cli:>7.0%}{split:>22}{growth:>16}")
    print("\nruns (seconds): " + "; ".join(
        f"{row.endpoint} {row.size / mib:.0f} MiB CLI {fmt_runs(row.cli)} / {row.baseline} {fmt_runs(row.base)}"
        for row in rows))
    print("API RSS growth: the largest peak-over-idle of the gunicorn worker across all runs of that size.")


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


def wait_until_up(url: str, timeout: float = 60) -> None:
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


def start_moto() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(endpoint, timeout=1)
            return process, endpoint
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto server did not start")


if __name__ == "__main__":
    main()
