"""Work scheduling under load: broker throughput, index lag after a write flood, media start
behind an index flood; on the embedded broker and on Redis, in one run.

    .venv/bin/python bench/queues.py [--tasks 1000] [--writes 2000] [--flood 2000] [--brokers embedded redis]

Each broker gets a fresh data directory (SQLite database, store, embedded search) and the
processes `make run` starts: gunicorn, a worker on media.long, and a default worker (with
beat) on everything else. Redis is `redis-server --port 6399 --save ""`, started here if the
binary is installed (else its row says it was skipped).

- broker alone: N messages put, then got and acknowledged, through kombu in this process.
- throughput: N empty tasks (exchange.ping) published with no worker running, then drained
  by the default worker (concurrency 2): tasks/s from its first to its last "succeeded".
- index lag: --writes PATCHes of published programmes through the API (HTTP, 4 clients), in
  rounds over 200 programmes, each round's title with its own word; lag is the time from the
  last write's response until a search finds the last round's word in every programme.
- media start: --flood index jobs queued, then a source's upload completes; the time until
  the asset is transcoding (the issue measured 471-497 s behind ~2,400 index tasks).

Bars (issue #15): throughput >= 100 tasks/s embedded, index lag <= 10 s, media start <= 10 s.
The machine's load average is printed: other work on it skews every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
REDIS_PORT = 6399
PROGRAMMES = 200
BARS = {"throughput": (">=", 100.0), "index_lag": ("<=", 10.0), "media_start": ("<=", 10.0)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1000, help="empty tasks for the throughput run")
    parser.add_argument("--writes", type=int, default=2000, help="catalogue writes through the API")
    parser.add_argument("--flood", type=int, default=2000, help="index jobs queued in front of the media job")
    parser.add_argument("--brokers", nargs="+", default=["embedded", "redis"], choices=["embedded", "redis"])
    parser.add_argument("--child", help=argparse.SUPPRESS)  # one broker's run, in its own process
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_broker(args)))
        return 0
    rows = {}
    for broker in args.brokers:
        rows[broker] = measure_in_child(broker, args)
    print_table(rows, args)
    return 0


def measure_in_child(broker: str, args) -> dict:
    redis = None
    if broker == "redis":
        if shutil.which("redis-server") is None:
            return {"skipped": "redis-server is not installed (Debian: apt-get install redis-server)"}
        redis = subprocess.Popen(["redis-server", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"],
                                 stdout=subprocess.DEVNULL)
        time.sleep(0.5)
    data_dir = Path(tempfile.mkdtemp(prefix=f"bench-queues-{broker}-"))
    env = {**os.environ, "DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "backend.exchange.settings"}
    env.pop("DATABASE_URL", None)
    env.pop("ELASTICSEARCH_URL", None)
    if broker == "redis":
        env["CELERY_BROKER_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
    else:
        env.pop("CELERY_BROKER_URL", None)
    try:
        result = subprocess.run(
            [sys.executable, __file__, "--child", broker, "--tasks", str(args.tasks), "--writes", str(args.writes),
             "--flood", str(args.flood)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=1800)
        if result.returncode != 0:
            return {"skipped": f"failed: {result.stderr.strip().splitlines()[-1:]}"}
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        if redis:
            redis.terminate()
            redis.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


# --- one broker's run (child process) ---------------------------------------------------


class Processes:
    """The processes of `make run` on this data directory, stopped on exit."""

    def __init__(self, data_dir: Path):
        self.data_dir, self.started = data_dir, []

    def start(self, name: str, args: list[str], ready: str | None = None) -> Path:
        log = self.data_dir / f"{name}.log"
        env = {**os.environ, "REMAP_SIGTERM": "SIGQUIT"}
        process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.started.append(process)
        if ready:
            deadline = time.monotonic() + 120
            while ready not in log.read_text(errors="replace"):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{name} did not start:\n{log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.1)
        return log

    def worker(self, name: str, queues: str, concurrency: int, beat: bool = False) -> Path:
        args = [str(BIN / "celery"), "-A", "workers", "worker", "--queues", queues, "--concurrency", str(concurrency),
                "--hostname", f"{name}@%h", "--loglevel", "INFO", "--without-mingle", "--without-gossip"]
        if beat:
            args += ["--beat", "--schedule", str(self.data_dir / "celerybeat-schedule")]
        return self.start(name, args, ready=f"{name}@")

    def stop(self) -> None:
        for process in self.started:
            process.terminate()
        for process in self.started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def run_broker(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("search_index", verbosity=0)
    data_dir = Path(os.environ["DATA_DIR"])
    processes = Processes(data_dir)
    try:
        put_rate, get_rate = transport_rates(args.tasks)
        publish_rate = publish_pings(args.tasks)
        default_log = processes.worker("default", "media.short,index,notify,maintenance", 2, beat=True)
        throughput = drain_rate(default_log, args.tasks)
        processes.worker("media", "media.long", 1)
        port = free_port()
        processes.start("api", [str(BIN / "gunicorn"), "backend.exchange.wsgi:application", "--bind",
                                f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"], ready="Booting worker")
        index_lag, write_rate = measure_index_lag(f"http://127.0.0.1:{port}", args.writes)
        media_start, depth_then = measure_media_start(args.flood, data_dir)
    finally:
        processes.stop()
    return {"put": put_rate, "get": get_rate, "publish": publish_rate, "throughput": throughput, "index_lag": index_lag, "write_rate": write_rate,
            "media_start": media_start, "flood_left": depth_then}


def transport_rates(count: int) -> tuple[float, float]:
    """The broker alone, through kombu (no Celery, no worker): messages put/s, then got and acked/s."""
    from workers import app

    with app.connection_for_write() as conn:
        queue = conn.SimpleQueue("bench.transport")
        started = time.monotonic()
        for number in range(count):
            queue.put({"n": number})
        put_rate = count / (time.monotonic() - started)
        started = time.monotonic()
        for _ in range(count):
            queue.get(timeout=10).ack()
        get_rate = count / (time.monotonic() - started)
        queue.close()
    return put_rate, get_rate


def publish_pings(count: int) -> float:
    from workers import tasks

    started = time.monotonic()
    for _ in range(count):
        tasks.ping.delay()
    return count / (time.monotonic() - started)


def drain_rate(log: Path, count: int) -> float:
    """Tasks/s between the first and the last "succeeded" of exchange.ping in the worker's log."""
    deadline = time.monotonic() + 600
    while True:
        stamps = [line[1:24] for line in log.read_text(errors="replace").splitlines()
                  if "exchange.ping[" in line and "succeeded" in line]
        if len(stamps) >= count or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    from datetime import datetime

    times = sorted(datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f") for stamp in stamps)
    return (len(times) - 1) / (times[-1] - times[0]).total_seconds()


def measure_index_lag(api: str, writes: int) -> tuple[float, float]:
    from backend.catalogue import services
    from backend.partners import services as partners
    from backend.search.engine import search_backend
    from search.query import SearchQuery

    _, admin, token = partners.create_partner(code="PTV", name="PTV", country="PK", admin_username="ptv-admin")
    ids = []
    for number in range(PROGRAMMES):
        created = services.create_programme(admin, {"title": {"en": f"Programme {number}"}, "original_language": "ur"})
        services.publish(admin, created)
        ids.append(str(created.pk))
    rounds = max(writes // PROGRAMMES, 1)
    wait_until(lambda: search_backend().search(SearchQuery(text="programme")).total == PROGRAMMES, 120)

    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"

    def write(job: tuple[int, str]) -> None:
        round_number, programme_id = job
        response = session.patch(f"{api}/api/v1/programmes/{programme_id}/",
                                 json={"title": {"en": f"Programme round{round_number}"}}, timeout=60)
        response.raise_for_status()

    jobs = [(round_number, programme_id) for round_number in range(rounds) for programme_id in ids]
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        for first in range(0, len(jobs), PROGRAMMES):  # a round ends before the next begins
            list(pool.map(write, jobs[first:first + PROGRAMMES]))
    last_write = time.monotonic()
    last_word = f"round{rounds - 1}"

    def reflected() -> bool:
        backend = search_backend()
        return (backend.search(SearchQuery(text=last_word)).total == PROGRAMMES
                and (rounds == 1 or backend.search(SearchQuery(text=f"round{rounds - 2}")).total == 0))

    wait_until(reflected, 600)
    return time.monotonic() - last_write, len(jobs) / (last_write - started)


def measure_media_start(flood: int, data_dir: Path) -> tuple[float, int]:
    from django.db import transaction

    from backend.catalogue.models import Programme
    from backend.common.health import queue_depths
    from backend.media import signals
    from backend.media.models import Asset
    from backend.storage import get_storage
    from workers.tasks import search as search_tasks

    for _ in range(flood):
        search_tasks.index_pending.delay()
    clip = data_dir / "clip.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=3", "-f", "lavfi",
                    "-i", "sine=d=3", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(clip)], check=True)
    programme = Programme.objects.first()
    key = f"partners/PTV/programmes/{programme.pk}/sources/bench/clip.mp4"
    info = get_storage().put_file(key, clip)
    with transaction.atomic():
        source = Asset.objects.create(programme=programme, kind=Asset.Kind.SOURCE, storage_key=key, size=info.size,
                                      original_filename="clip.mp4", state=Asset.State.UPLOADED)
        signals.notify_uploaded(source.pk)  # what a completed upload does
    completed = time.monotonic()
    wait_until(lambda: Asset.objects.filter(pk=source.pk, state__in=["transcoding", "ready"]).exists(), 900)
    started = time.monotonic() - completed
    return started, queue_depths(("index",))["index"]


def wait_until(check, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not done after {timeout} s")
        time.sleep(0.1)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the table ---------------------------------------------------------------------------


def verdict(name: str, value: float) -> str:
    op, bar = BARS[name]
    ok = value >= bar if op == ">=" else value <= bar
    return f"{'ok' if ok else 'MISSED'} ({op} {bar:g})"


def print_table(rows: dict[str, dict], args) -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'broker':<10} {'measure':<52} {'value':>10}  bar")
    for broker, row in rows.items():
        if "skipped" in row:
            print(f"{broker:<10} skipped: {row['skipped']}")
            continue
        lines = [
            ("put", f"broker alone (kombu): messages put/s ({args.tasks})", row["put"], None),
            ("get", f"broker alone (kombu): messages got and acked/s ({args.tasks})", row["get"], None),
            ("publish", f"publish, empty tasks/s ({args.tasks})", row["publish"], None),
            ("throughput", f"throughput, empty tasks/s drained ({args.tasks}, concurrency 2)", row["throughput"],
             "throughput"),
            ("write_rate", f"catalogue writes/s through the API ({args.writes})", row["write_rate"], None),
            ("index_lag", f"index lag after {args.writes} writes, s", row["index_lag"], "index_lag"),
            ("media_start", f"upload-complete to transcoding behind {args.flood} index jobs, s", row["media_start"],
             "media_start"),
            ("flood_left", "  index jobs still queued when it started", row["flood_left"], None),
        ]
        for _, label, value, bar in lines:
            bar_text = verdict(bar, value) if bar and (bar != "throughput" or broker == "embedded") else ""
            print(f"{broker:<10} {label:<52} {value:>10.1f}  {bar_text}")


if __name__ == "__main__":
    sys.exit(main())
