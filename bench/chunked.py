"""Benchmark chunked transcoding against one pass, and model time-to-ready with more workers.

    .venv/bin/python bench/chunked.py                      # 10 min 640x360 noisy source (a few minutes)
    .venv/bin/python bench/chunked.py --full               # 10 min 1080p25 20 Mbit/s, default ladder
    .venv/bin/python bench/chunked.py --minutes 30 --size 960x540 --chunk-seconds 60

Measured on this machine, each run from the same cached source:
  (a) the one-pass ffmpeg command of ``transcode`` (ladder + proxy + QC) run by hand;
  (b) chunked with 1 worker process: the tasks of a chunked run as the pipeline queues them
      (media.chunk.audio for each audio part, hls and proxy, then media.chunk.video for every
      chunk) through a process pool of one (standing in for Celery workers), then ``assemble``
      in this process;
  (c) the same with 2 worker processes.
CPU is user+system of every process involved (pool workers and their ffmpeg children).

Then a MODEL, not a measurement: the time-to-ready of a 60-min programme on k workers (each a
machine like this one taking one task at a time), from the per-chunk, audio and assembly times
measured in (b): chunk tasks cost what a chunk of the same length cost here, the audio tasks and
the assembly scale with duration; tasks are taken first come first served (audio parts first,
then chunks in order); the assembly starts when the last task ends.  Not modelled: moving
chunk outputs between machines through the store, queue latency, the assembly's thumbnails and
uploads (as in one pass).
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from media import chunks  # noqa: E402
from media.config import ProxySpec, Rung, TranscodeConfig  # noqa: E402
from media.ladder import plan_ladder  # noqa: E402
from media.probe import probe  # noqa: E402
from media.transcode import QC_DIR, build_command  # noqa: E402

SHORT_LADDER = TranscodeConfig(
    rungs=(Rung("360p", 360, 1200), Rung("240p", 240, 600), Rung("144p", 144, 250)),
    proxy=ProxySpec(size=180, video_kbps=300),
)
MODEL_MINUTES = 60
MODEL_WORKERS = (1, 4, 16, 64)


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def make_source(path: Path, size: str, seconds: int, full: bool) -> None:
    """testsrc2 with temporal noise (so x264 has real work), a 1 kHz tone; generated once."""
    rate = ["-b:v", "20M", "-maxrate", "20M", "-bufsize", "20M"] if full else ["-crf", "20"]
    partial = path.with_suffix(".part.mp4")
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=s={size}:r=25:d={seconds},noise=alls=10:allf=t",
         "-f", "lavfi", "-i", f"sine=f=1000:d={seconds}:sample_rate=48000",
         "-c:v", "libx264", "-preset", "ultrafast", *rate, "-g", "50", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-ac", "2", "-metadata:s:a:0", "language=eng", str(partial)],
        check=True,
    )
    partial.rename(path)


def _task(kind: str, info, chunk_plan, index: int, out_dir: Path, config) -> tuple[str, int, float, float]:
    """One queue task in a pool worker: (kind, index, wall s, CPU s of its ffmpeg)."""
    wall = time.perf_counter()
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    if kind == "audio":
        chunks.transcode_audio(info, chunk_plan, out_dir, config, parts=(chunks.AUDIO_PARTS[index],))
    else:
        chunks.transcode_chunk(info, chunk_plan, index, out_dir, config)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    return kind, index, time.perf_counter() - wall, used


def run_chunked(info, chunk_plan, config, work: Path, workers: int) -> dict:
    chunk_dirs = [work / "chunks" / f"{c.index:04d}" for c in chunk_plan.chunks]
    wall, cpu = time.perf_counter(), cpu_seconds()
    pool = ProcessPoolExecutor(max_workers=workers)
    futures = [pool.submit(_task, "audio", info, chunk_plan, k, work / "audio", config)
               for k in range(len(chunks.AUDIO_PARTS))]
    futures += [pool.submit(_task, "chunk", info, chunk_plan, c.index, d, config)
                for c, d in zip(chunk_plan.chunks, chunk_dirs)]
    tasks = [future.result() for future in futures]
    pool.shutdown(wait=True)  # workers reaped: their CPU (and their ffmpeg's) is counted
    assembly_wall, assembly_cpu = time.perf_counter(), cpu_seconds()
    chunks.assemble(info, chunk_plan, chunk_dirs, work / "audio", work / "out", config)
    assembly = (time.perf_counter() - assembly_wall, cpu_seconds() - assembly_cpu)
    return {"wall": time.perf_counter() - wall, "cpu": cpu_seconds() - cpu, "tasks": tasks,
            "assembly": assembly}


def by_hand(command: list[str]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - wall, cpu_seconds() - cpu


def model(measured: dict, chunk_plan, duration: float, minutes: int, workers: int) -> float:
    """Time-to-ready (s) of a ``minutes`` programme on ``workers`` workers, from a 1-worker run."""
    length = float(chunk_plan.chunks[1].start - chunk_plan.chunks[0].start)
    full = [wall for kind, index, wall, _ in measured["tasks"]
            if kind == "chunk" and chunk_plan.chunks[index].end is not None]
    per_chunk = sum(full) / len(full)
    programme = minutes * 60
    count = max(1, math.floor(programme / length))  # the plan's last chunk absorbs the tail
    last = per_chunk * (programme - (count - 1) * length) / length
    audio = [wall for kind, _, wall, _ in measured["tasks"] if kind == "audio"]
    scale = programme / duration
    queue = [part * scale for part in audio] + [per_chunk] * (count - 1) + [last]
    free = [0.0] * workers  # first come, first served: each task to the first free worker
    heapq.heapify(free)
    end = 0.0
    for cost in queue:
        start = heapq.heappop(free)
        end = max(end, start + cost)
        heapq.heappush(free, start + cost)
    return end + measured["assembly"][0] * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--size", default="640x360")
    parser.add_argument("--full", action="store_true", help="1920x1080 20 Mbit/s source, default ladder")
    parser.add_argument("--chunk-seconds", type=float, default=chunks.DEFAULT_CHUNK_SECONDS)
    parser.add_argument("--cache", type=Path, default=Path(__file__).resolve().parents[1] / "var" / "bench-cache")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side; the best is shown")
    parser.add_argument("--keep", type=Path, help="work directory to keep (default: a temp dir)")
    args = parser.parse_args()
    size = "1920x1080" if args.full else args.size
    seconds = round(args.minutes * 60)
    config = TranscodeConfig() if args.full else SHORT_LADDER
    args.cache.mkdir(parents=True, exist_ok=True)
    source = args.cache / f"chunked_{size}_{seconds}s{'_20M' if args.full else ''}.mp4"
    if not source.exists():
        print(f"generating {seconds} s {size} source into {source} ...", flush=True)
        make_source(source, size, seconds, args.full)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-chunked-"))
    work.mkdir(parents=True, exist_ok=True)

    info = probe(source)
    plan = plan_ladder(info, config)
    # The threshold is lowered below the source's length so that it is chunked.
    chunk_plan = chunks.plan_chunks(info, config, threshold_seconds=min(600, info.duration / 2),
                                    chunk_seconds=args.chunk_seconds)
    print(f"source {size} 25p {info.duration:.0f} s, {info.bit_rate / 1e6:.1f} Mbit/s; ladder",
          ", ".join(f"{r.name} {r.width}x{r.height}" for r in plan.video),
          f"+ proxy {plan.proxy.width}x{plan.proxy.height}; preset {config.x264_preset};",
          f"{os.cpu_count()} CPUs; chunk plan: {chunk_plan.reason}; load average",
          " ".join(f"{v:.1f}" for v in os.getloadavg()), flush=True)

    command = build_command(info, work / "one", plan, config)
    (work / "one" / QC_DIR).mkdir(parents=True, exist_ok=True)
    print("(a) command run by hand:\n" + shlex.join(command) + "\n", flush=True)
    ones, runs_by = [], {1: [], 2: []}
    for repeat in range(args.repeat):
        # Rotate the order so no side always runs first on a shared machine.
        sides = ["a", 1, 2][repeat % 3:] + ["a", 1, 2][:repeat % 3]
        for side in sides:
            if side == "a":
                ones.append(by_hand(command))
                print(f"(a) one pass: {ones[-1][0]:.1f} s wall, {ones[-1][1]:.1f} s CPU", flush=True)
            else:
                run = run_chunked(info, chunk_plan, config, work / f"chunked{side}", side)
                runs_by[side].append(run)
                print(f"chunked, {side} worker(s): {run['wall']:.1f} s wall, {run['cpu']:.1f} s CPU", flush=True)
    # Best of the repeats: the least disturbed by other work on the machine.
    one = (min(w for w, _ in ones), min(c for _, c in ones))
    runs = {w: min(rs, key=lambda r: r["cpu"]) for w, rs in runs_by.items()}

    rows = [("(a) one pass, ffmpeg by hand", *one)]
    rows += [(f"({'bc'[w - 1]}) chunked, {w} worker process{'es' if w > 1 else ''}", r["wall"], r["cpu"])
             for w, r in runs.items()]
    print("load average at the end (1, 5, 15 min):", " ".join(f"{v:.1f}" for v in os.getloadavg()))
    print(f"\n{'run':<40} {'wall s':>8} {'x realtime':>10} {'CPU s':>8} {'CPU / (a)':>9}")
    for name, wall, cpu in rows:
        print(f"{name:<40} {wall:>8.1f} {info.duration / wall:>10.2f} {cpu:>8.1f} {cpu / one[1]:>9.3f}")
    measured = runs[1]
    print("\nper task, 1 worker (wall / CPU s):",
          ", ".join(f"{kind} {chunks.AUDIO_PARTS[index] if kind == 'audio' else index}: {wall:.1f}/{cpu:.1f}"
                    for kind, index, wall, cpu in measured["tasks"]),
          f"; assembly: {measured['assembly'][0]:.2f}/{measured['assembly'][1]:.2f}")
    print(f"CPU chunked (1 worker) / one pass: {measured['cpu'] / one[1]:.3f}   (target <= 1.05)")

    print(f"\nMODEL (not measured): time-to-ready of a {MODEL_MINUTES}-min programme like this source,"
          f" chunks of {float(chunk_plan.chunks[1].start):.0f} s, from the 1-worker task times above;"
          f" one pass would take about {one[0] * MODEL_MINUTES * 60 / info.duration:.0f} s")
    print(f"{'workers':>8} {'ready s':>9} {'speed-up':>9} {'0.8 x k':>8} {'efficiency':>10}")
    base = model(measured, chunk_plan, info.duration, MODEL_MINUTES, 1)
    for k in MODEL_WORKERS:
        ready = model(measured, chunk_plan, info.duration, MODEL_MINUTES, k)
        print(f"{k:>8} {ready:>9.0f} {base / ready:>9.2f} {0.8 * k:>8.1f} {base / ready / k:>10.2f}")


if __name__ == "__main__":
    main()
