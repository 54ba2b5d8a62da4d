"""Benchmark the one-pass ladder (not a test; not run in CI).

    .venv/bin/python bench/transcode.py [--seconds 60] [--repeat N] [--source FILE] [--keep DIR]

On a generated 1080p25 source with stereo audio it times:
  (p) the whole pipeline from ``uploaded`` to ``ready``: an Asset in the embedded store, probed,
      transcoded, QC'd and thumbnailed by ``backend.media.pipeline.process``, outputs stored and
      registered (Django on SQLite in a temporary data directory);
  (a) ``transcode()``: ladder + proxy + QC in one ffmpeg process, with progress parsing;
  (b) the identical ffmpeg command (printed) run by hand with ``subprocess.run``;
and, for the ladder alone (no proxy, no QC), one process with ``split`` against
one ffmpeg run per rung, each decoding the source again.
"""

from __future__ import annotations

import argparse
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ffmpeg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from media import safety  # noqa: E402
from media.config import TranscodeConfig  # noqa: E402
from media.ladder import LadderPlan, VideoRendition, plan_ladder  # noqa: E402
from media.probe import MediaInfo, probe  # noqa: E402
from media.transcode import build_command, transcode  # noqa: E402


def make_source(path: Path, seconds: int) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=s=1920x1080:r=25:d={seconds}",
         "-f", "lavfi", "-i", f"sine=f=1000:d={seconds}:sample_rate=48000",
         "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-c:a", "aac", "-ac", "2",
         "-metadata:s:a:0", "language=eng", str(path)],
        check=True,
    )


def cpu_seconds() -> float:
    """CPU used by this process and its waited-for children (ffmpeg, ffprobe)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(run) -> tuple[float, float]:
    """Wall-clock and CPU seconds; CPU is the fairer figure on a shared, busy machine."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    run()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return min(wall for wall, _ in runs), min(cpu for _, cpu in runs)


def by_hand(command: list[str]) -> None:
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def ladder_only(info: MediaInfo, plan: LadderPlan, config: TranscodeConfig, out_dir: Path,
                rungs: tuple[VideoRendition, ...]) -> list[str]:
    """Video rungs only, one process: decode once, split, scale, encode, HLS."""
    source = ffmpeg.input(safety.input_url(info.path),
                          **safety.input_options(info.demuxer, safety.Limits()))
    video = source[str(plan.video_index)]
    branches = video.split() if len(rungs) > 1 else None
    streams = [
        (branches[i] if branches else video).filter("scale", r.width, r.height).filter("setsar", 1)
        for i, r in enumerate(rungs)
    ]
    options = {
        "f": "hls", "hls_time": config.segment_seconds, "hls_playlist_type": "vod",
        "hls_segment_type": "fmp4", "hls_flags": "independent_segments+single_file",
        "hls_segment_filename": str(out_dir / "%v" / "media.mp4"),
        "var_stream_map": " ".join(f"v:{i},name:{r.name}" for i, r in enumerate(rungs)),
        "c:v": config.video_codec, "preset": config.x264_preset, "pix_fmt": config.pix_fmt,
        "g": plan.gop_frames, "keyint_min": plan.gop_frames, "sc_threshold": 0,
    }
    for i, rung in enumerate(rungs):
        options.update({f"b:v:{i}": f"{rung.video_kbps}k", f"maxrate:v:{i}": f"{rung.maxrate_kbps}k",
                        f"bufsize:v:{i}": f"{rung.bufsize_kbps}k"})
    output = ffmpeg.output(*streams, str(out_dir / "%v" / "index.m3u8"), **options)
    return ffmpeg.compile(output, cmd=["ffmpeg", "-hide_banner", "-nostdin", "-y"])


def pipeline_runner(source: Path, work: Path):
    """(p): a callable that takes a fresh source asset from uploaded to ready through the pipeline."""
    import os

    os.environ.update(DATA_DIR=str(work / "data"), DJANGO_SETTINGS_MODULE="backend.exchange.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from backend.catalogue import services as catalogue
    from backend.media import pipeline
    from backend.media.models import Asset
    from backend.storage import get_storage
    from backend.partners import services as partners

    call_command("migrate", verbosity=0)
    _, admin, _ = partners.create_partner(code="PTV", name="PTV", country="PK", admin_username="bench")
    programme = catalogue.create_programme(admin, {"title": {"en": "Bench"}, "original_language": "en"})
    key = f"partners/PTV/programmes/{programme.pk}/sources/bench/{source.name}"
    stored = get_storage().put_file(key, source)

    def run() -> None:
        Asset.objects.filter(storage_key=key).delete()
        asset = Asset.objects.create(programme=programme, kind=Asset.Kind.SOURCE, storage_key=key,
                                     original_filename=source.name, size=stored.size)
        state = pipeline.process(asset.pk)
        assert state == Asset.State.READY, Asset.objects.get(pk=asset.pk).state_reason

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=1, help="alternate (a)/(b) runs, keep the best")
    parser.add_argument("--source", type=Path, help="reuse a 1080p25 source instead of generating one")
    parser.add_argument("--keep", type=Path, help="work directory to keep (default: a temp dir)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-transcode-"))
    work.mkdir(parents=True, exist_ok=True)
    source = args.source or work / "source_1080p25.mp4"
    if not args.source:
        print(f"generating {args.seconds} s 1080p25 source in {work} ...", flush=True)
        make_source(source, args.seconds)

    config = TranscodeConfig()
    info = probe(source)
    plan = plan_ladder(info, config)
    print("ladder:", ", ".join(f"{r.name} {r.width}x{r.height}" for r in plan.video),
          f"+ proxy {plan.proxy.width}x{plan.proxy.height}; preset {config.x264_preset}")

    command = build_command(info, work / "b", plan, config)
    print("\n(b) command run by hand:\n" + shlex.join(command) + "\n", flush=True)
    (work / "b" / "qc").mkdir(parents=True, exist_ok=True)
    runs = {"p": [], "a": [], "b": []}
    sides = {"p": pipeline_runner(source, work), "a": lambda: transcode(info, work / "a", plan, config),
             "b": lambda: by_hand(command)}
    for repeat in range(args.repeat):
        # Rotate the order so no side always runs first on a shared machine.
        order = list(sides)[repeat % 3:] + list(sides)[:repeat % 3]
        for side in order:
            runs[side].append(timed(sides[side]))
    runs_a, runs_b = runs["a"], runs["b"]
    seconds_p, seconds_a, seconds_b = best(runs["p"]), best(runs_a), best(runs_b)
    rows = [("(p) pipeline: uploaded -> ready (+ thumbnails)", seconds_p),
            ("(a) transcode(): ladder+proxy+QC, one pass", seconds_a),
            ("(b) identical ffmpeg command by hand", seconds_b)]

    one_pass = ladder_only(info, plan, config, work / "c", plan.video)
    seconds_c = timed(lambda: by_hand(one_pass))
    rows.append((f"ladder only, one process ({len(plan.video)} rungs, split)", seconds_c))
    separate = [ladder_only(info, plan, config, work / f"d{i}", (rung,))
                for i, rung in enumerate(plan.video)]
    seconds_d = timed(lambda: [by_hand(rung_command) for rung_command in separate])
    rows.append((f"ladder only, {len(plan.video)} separate ffmpeg runs", seconds_d))

    print(f"{'run':<48} {'wall s':>7} {'x realtime':>10} {'CPU s':>7}")
    for name, (wall, cpu) in rows:
        print(f"{name:<48} {wall:>7.1f} {info.duration / wall:>10.2f} {cpu:>7.1f}")
    print("all (a) runs, wall/CPU:", [f"{w:.1f}/{c:.1f}" for w, c in runs_a])
    print("all (b) runs, wall/CPU:", [f"{w:.1f}/{c:.1f}" for w, c in runs_b])
    print("all (p) runs, wall/CPU:", [f"{w:.1f}/{c:.1f}" for w, c in runs["p"]])
    print(f"\nratio (p)/(b): wall {seconds_p[0] / seconds_b[0]:.3f}, "
          f"CPU {seconds_p[1] / seconds_b[1]:.3f}   (target <= 1.10)")
    print(f"ratio (a)/(b): wall {seconds_a[0] / seconds_b[0]:.3f}, "
          f"CPU {seconds_a[1] / seconds_b[1]:.3f}   (target <= 1.10)")
    print(f"ratio separate/one-pass ladder: wall {seconds_d[0] / seconds_c[0]:.3f}, "
          f"CPU {seconds_d[1] / seconds_c[1]:.3f}")


if __name__ == "__main__":
    main()
