"""Upload throughput: the partner CLI's engine against plain boto3 ``upload_file``.

Both send the same generated file to the same S3 endpoint (a moto server started here unless
``--endpoint`` is given) with the same part size and concurrency. The CLI engine runs as it does
for a partner: presigned part URLs from the storage layer, Content-MD5 per part, the whole-file
SHA-256 computed on the way, the server-side part check before completion.

    .venv/bin/python bench/upload.py                 # 2 GiB
    .venv/bin/python bench/upload.py --size 512MiB --concurrency 4 --part-size 16MiB
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
    args = parser.parse_args()

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


def generate(path: Path, size: int) -> Path:
    block = os.urandom(UNITS["MiB"])
    with open(path, "wb") as out:
        for index in range(0, size, UNITS["MiB"]):
            out.write((index.to_bytes(8, "big") + block)[: min(UNITS["MiB"], size - index)])
    return path


def start_moto() -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
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
