"""Upload throughput: the partner CLI's engine against plain boto3 ``upload_file``.

Both send the same generated file to the same S3 endpoint (a moto server started here unless
``--endpoint`` is given) with the same part size and concurrency. The CLI engine runs as it does
for a partner: presigned part URLs from the storage layer, Content-MD5 per part, the whole-file
SHA-256 computed on the way, the server-side part check before completion.

    .venv/bin/python bench/upload.py                 # 2 GiB
    .venv/bin/python bench/upload.py --size 512MiB --concurrency 4 --part-size 16MiB

``--api-memory`` measures the other target instead: the API process's memory while the CLI
uploads through it to the filesystem store (the embedded default, where the part bytes do pass
through the API). A real gunicorn server runs the Django API on a fresh SQLite database; its
worker's RSS is sampled every 20 ms during uploads of files of different sizes. Flat means the
peak does not grow with the file size.

    .venv/bin/python bench/upload.py --api-memory --api-sizes 256MiB,1GiB
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import boto3
import requests
from boto3.s3.transfer import TransferConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.client.engine import PartUploader, targets_from  # noqa: E402
from backend.storage.integrity import check_parts  # noqa: E402
from backend.storage.parts import PartPolicy  # noqa: E402
from backend.storage.s3 import S3Storage  # noqa: E402

UNITS = {"KiB": 1024, "MiB": 1024**2, "GiB": 1024**3}


def parse_size(text: str) -> int:
    for unit, factor in UNITS.items():
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=parse_size, default=2 * UNITS["GiB"])
    parser.add_argument("--part-size", type=parse_size, default=16 * UNITS["MiB"])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating; the median is reported")
    parser.add_argument("--endpoint", help="an S3 endpoint to use instead of a local moto server")
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="where the generated file goes")
    parser.add_argument("--api-memory", action="store_true", help="measure the API process's memory instead")
    parser.add_argument("--api-sizes", default="256MiB,1GiB", help="file sizes for --api-memory, comma-separated")
    args = parser.parse_args()
    if args.api_memory:
        sizes = [parse_size(size) for size in args.api_sizes.split(",")]
        return api_memory(sizes, args.part_size, args.concurrency, Path(args.dir))

    moto = None if args.endpoint else start_moto()
    endpoint = args.endpoint or moto[1]
    try:
        path = generate(Path(args.dir) / f"bench-upload-{uuid.uuid4().hex[:8]}.bin", args.size)
        try:
            storage = S3Storage(f"bench-{uuid.uuid4().hex[:8]}", endpoint_url=endpoint, access_key="testing",
                                secret_key="testing", addressing_style="path", max_pool_connections=args.concurrency + 4)
            storage.client.create_bucket(Bucket=storage.bucket)
            cli_runs, boto_runs = [], []
            # Alternating which goes first, because a shared machine and the server's own warm-up skew any single run.
            for index in range(args.repeat):
                pair = [(cli_runs, run_cli_engine), (boto_runs, run_boto3)]
                for runs, run in pair if index % 2 == 0 else reversed(pair):
                    runs.append(run(storage, path, args.part_size, args.concurrency))
            cli_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        finally:
            path.unlink()
    finally:
        if moto:
            moto[0].terminate()
            moto[0].wait()

    mib = args.size / UNITS["MiB"]
    cli_seconds, boto_seconds = statistics.median(cli_runs), statistics.median(boto_runs)
    print(f"\nfile {mib:.0f} MiB, part size {args.part_size // UNITS['MiB']} MiB, concurrency {args.concurrency}, "
          f"median of {args.repeat} alternating runs, endpoint {endpoint}")
    print(f"{'method':<22}{'seconds':>10}{'MiB/s':>10}   runs (s)")
    for label, seconds, runs in (("CLI engine", cli_seconds, cli_runs), ("boto3 upload_file", boto_seconds, boto_runs)):
        print(f"{label:<22}{seconds:>10.2f}{mib / seconds:>10.1f}   {' '.join(f'{run:.2f}' for run in runs)}")
    print(f"{'ratio CLI / boto3':<22}{boto_seconds / cli_seconds:>20.1%}")
    print(f"{'bench process peak RSS':<22}{cli_rss:>17} MiB  (both uploaders; the API process sends no bytes to S3)")


def run_cli_engine(storage: S3Storage, path: Path, part_size: int, concurrency: int) -> float:
    key = "bench/cli"
    started = time.perf_counter()
    plan = PartPolicy(part_size=part_size).plan(path.stat().st_size)
    upload_id = storage.create_multipart(key, "application/octet-stream")
    parts = [{"number": n, "url": storage.part_url(key, upload_id, n, 3600)} for n in range(1, plan.count + 1)]
    uploader = PartUploader(lambda: {}, concurrency=concurrency)
    result = uploader.run(path, plan.part_size, plan.count, targets_from(parts))
    checked = check_parts(plan, storage.list_parts(key, upload_id), result.part_md5)
    storage.complete_multipart(key, upload_id, checked)
    elapsed = time.perf_counter() - started
    storage.delete(key)
    return elapsed


def run_boto3(storage: S3Storage, path: Path, part_size: int, concurrency: int) -> float:
    config = TransferConfig(multipart_threshold=part_size, multipart_chunksize=part_size, max_concurrency=concurrency)
    # A plain client with boto3's defaults, as a partner scripting boto3 would have it.
    client = boto3.client("s3", endpoint_url=storage.client.meta.endpoint_url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    started = time.perf_counter()
    client.upload_file(str(path), storage.bucket, "bench/boto3", Config=config)
    elapsed = time.perf_counter() - started
    storage.delete("bench/boto3")
    return elapsed


def api_memory(sizes: list[int], part_size: int, concurrency: int, directory: Path) -> None:
    from backend.client.api import ExchangeApi
    from backend.client.state import StateStore
    from backend.client.upload import UploadOptions, upload_file

    with tempfile.TemporaryDirectory(dir=directory, prefix="bench-api-") as data_dir:
        env = {**os.environ, "DATA_DIR": data_dir, "STORAGE_BACKEND": "filesystem", "UPLOAD_PART_SIZE": str(part_size),
               "DJANGO_SETTINGS_MODULE": "backend.exchange.settings", "LOG_LEVEL": "WARNING"}
        root = Path(__file__).resolve().parents[1]
        subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, cwd=root, check=True)
        token, programme = subprocess.run([sys.executable, "-c", SETUP_PARTNER], env=env, cwd=root, check=True,
                                          capture_output=True, text=True).stdout.split()
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "backend.exchange.wsgi:application", "--bind",
                                   f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "gthread", "--threads",
                                   str(concurrency + 2), "--timeout", "600"], env=env, cwd=root)
        base = f"http://127.0.0.1:{port}"
        rows = []
        try:
            wait_until_up(base + "/healthz")
            worker = gunicorn_worker(server.pid)
            for size in sizes:
                path = generate(Path(data_dir) / f"master-{size}.mxf", size)
                baseline = rss_mib(worker)
                sampler = RssSampler(worker).start()
                started = time.perf_counter()
                result = upload_file(ExchangeApi(base, token), path, programme, UploadOptions(concurrency=concurrency),
                                     StateStore(Path(data_dir) / "state"))
                elapsed = time.perf_counter() - started
                peak = sampler.stop()
                assert result["asset"]["size"] == size and result["asset"]["sha256_verified"]
                rows.append((size, elapsed, baseline, peak))
                path.unlink()
        finally:
            server.terminate()
            server.wait()
    print(f"\nAPI process (gunicorn gthread worker) RSS during CLI uploads to the filesystem store, "
          f"part size {part_size // UNITS['MiB']} MiB, concurrency {concurrency}")
    print(f"{'file MiB':>10}{'seconds':>10}{'MiB/s':>8}{'RSS before':>12}{'peak RSS':>10}{'growth':>8}")
    for size, elapsed, baseline, peak in rows:
        mib = size / UNITS["MiB"]
        print(f"{mib:>10.0f}{elapsed:>10.2f}{mib / elapsed:>8.1f}{baseline:>12.1f}{peak:>10.1f}{peak - baseline:>8.1f}")


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
