"""Poster frame, N thumbnails and a contact strip from one short ffmpeg run.

Each picture gets its own input seeked with ``-ss`` (fast keyframe seek, then
accurate decode) and capped with ``-t``, so the cost does not grow with the
programme's length: a two-hour master is never decoded end to end here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ffmpeg

from media import safety
from media.ladder import fit_size
from media.probe import MediaInfo
from media.safety import Limits, MediaError

FFMPEG = "ffmpeg"
POSTER_FILE = "poster.jpg"
STRIP_FILE = "strip.jpg"
# Decode at most this much after each seek point: one frame for a thumbnail,
# a second's worth for the poster's ``thumbnail`` filter to choose from.
THUMB_READ_SECONDS = 1.0
POSTER_READ_SECONDS = 2.0


@dataclass(frozen=True)
class Thumbnails:
    poster: Path | None
    frames: tuple[Path, ...]
    strip: Path | None


def make_thumbnails(info: MediaInfo, out_dir: Path | str, count: int = 5, size: int = 180,
                    poster_size: int = 720, limits: Limits = Limits()) -> Thumbnails:
    """Write poster.jpg, thumb_NN.jpg and strip.jpg into ``out_dir`` (audio-only: nothing)."""
    out_dir = Path(out_dir).resolve()
    if not info.video:
        return Thumbnails(None, (), None)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = tuple(out_dir / f"thumb_{i:02d}.jpg" for i in range(count))
    times = [info.duration * (i + 0.5) / count for i in range(count)]
    # The poster comes from 10% in, past any slate or black lead-in, best of ~1 s of frames.
    poster = _picture(info, info.duration * 0.1, poster_size, POSTER_READ_SECONDS, limits)
    poster = poster.filter("thumbnail", n=25)
    pictures = [_picture(info, at, size, THUMB_READ_SECONDS, limits).split() for at in times]
    outputs = [ffmpeg.output(poster, str(out_dir / POSTER_FILE), vframes=1, **{"q:v": 2})]
    outputs += [ffmpeg.output(p[0], str(path), vframes=1, **{"q:v": 3})
                for p, path in zip(pictures, frames)]
    strip = ffmpeg.filter([p[1] for p in pictures], "hstack", inputs=count)
    outputs.append(ffmpeg.output(strip, str(out_dir / STRIP_FILE), vframes=1, **{"q:v": 3}))
    command = ffmpeg.compile(ffmpeg.merge_outputs(*outputs),
                             cmd=[FFMPEG, "-hide_banner", "-nostdin", "-y", "-loglevel", "error"])
    done = safety.run(command, limits, timeout=limits.probe_timeout + 10 * count)
    if done.returncode != 0:
        raise MediaError(f"Thumbnails failed: {safety.error_summary(done.stderr)}")
    return Thumbnails(out_dir / POSTER_FILE, frames, out_dir / STRIP_FILE)


def _picture(info: MediaInfo, at: float, size: int, read_seconds: float, limits: Limits):
    video = info.video[0]
    source = ffmpeg.input(safety.input_url(info.path), ss=f"{at:.3f}", t=read_seconds,
                          **safety.input_options(info.demuxer, limits, info.path))
    stream = source[str(video.index)]
    if video.interlaced:
        stream = stream.filter("bwdif", mode="send_frame")
    width, height = fit_size(video, size)
    return stream.filter("scale", width, height).filter("setsar", 1)
