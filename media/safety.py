"""Guard rails around ffmpeg/ffprobe for untrusted uploads.

An uploaded "video" may really be a playlist (HLS, ffconcat), an SDP file or an
XML manifest that makes ffmpeg open other local files or URLs.  Three layers
stop that:

1. ``sniff`` reads the first bytes and rejects text and playlists outright, and
   maps known binary containers to exactly one ffmpeg demuxer.
2. ``input_options`` forces that demuxer (``-f``) and allows no other
   (``-format_whitelist``), so ffmpeg's own probing can never pick hls/concat;
   ``-protocol_whitelist file`` plus an absolute ``file:`` URL keeps the path
   from being read as a URL.
3. ``run`` applies a wall-clock timeout and an output file size limit
   (RLIMIT_FSIZE) to the child process.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path


class MediaError(Exception):
    """Base class; ``reason`` is a human sentence safe to show to users."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NotMedia(MediaError):
    """The file is not playable audio/video (text, truncated, unknown container)."""


class UnsafeMedia(MediaError):
    """The file would make ffmpeg follow references to other files or URLs."""


class MediaLimitExceeded(MediaError):
    """A time or size limit was hit while processing."""


@dataclass(frozen=True)
class Limits:
    max_input_bytes: int = 500 * 1024**3
    max_output_file_bytes: int = 200 * 1024**3
    max_output_total_bytes: int = 500 * 1024**3
    probe_timeout: float = 60.0
    # Transcode budget: fixed overhead plus a multiple of the media duration.
    transcode_timeout_base: float = 300.0
    transcode_timeout_per_second: float = 10.0
    probesize: int = 50 * 1024**2
    analyzeduration_us: int = 20_000_000

    def transcode_timeout(self, duration: float) -> float:
        return self.transcode_timeout_base + self.transcode_timeout_per_second * duration


SNIFF_BYTES = 64 * 1024

# Text that ffmpeg would treat as a list of other inputs.
_REFERENCE_MARKERS: tuple[tuple[bytes, str], ...] = (
    (b"#EXTM3U", "an HLS/M3U playlist"),
    (b"#EXTINF", "an M3U playlist"),
    (b"ffconcat", "an ffconcat list"),
    (b"file ", "a concat list"),
    (b"v=0", "an SDP session description"),
    (b"[playlist]", "a PLS playlist"),
    (b"<?xml", "an XML manifest (DASH/SMIL/TTML)"),
    (b"<mpd", "a DASH manifest"),
    (b"<smil", "a SMIL playlist"),
    (b"<asx", "an ASX playlist"),
)
_URL_MARKERS = (b"://", b"file:", b"concat:", b"subfile,", b"data:")

_MOV_TOP_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot", b"uuid"}


def sniff(path: Path) -> str:
    """Return the ffmpeg demuxer for ``path`` or raise NotMedia/UnsafeMedia."""
    size = path.stat().st_size
    if size == 0:
        raise NotMedia("The file is empty.")
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    demuxer = _demuxer_from_magic(head)
    if demuxer:
        return demuxer
    _reject_references(head)
    if _looks_like_text(head):
        raise NotMedia("The file is text, not audio or video.")
    raise NotMedia("The file is not in a recognised audio/video container.")


def check_size(path: Path, limits: Limits) -> None:
    size = path.stat().st_size
    if size > limits.max_input_bytes:
        raise MediaLimitExceeded(
            f"The file is {size} bytes; the limit is {limits.max_input_bytes} bytes."
        )


def _demuxer_from_magic(head: bytes) -> str | None:
    if head[4:8] in _MOV_TOP_BOXES:
        return "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    if head.startswith(b"\x06\x0e\x2b\x34"):
        return "mxf"
    if _is_mpegts(head):
        return "mpegts"
    if head.startswith(b"\x00\x00\x01\xba"):
        return "mpeg"
    riff = head[:4] in (b"RIFF", b"RF64", b"BW64")
    if riff and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        # MPEG audio sync word: layer bits 00 mean ADTS AAC, others MPEG-1/2 audio.
        return "aac" if head[1] & 0x06 == 0 else "mp3"
    return None


def _is_mpegts(head: bytes) -> bool:
    for packet, offset in ((188, 0), (192, 4)):
        if len(head) >= offset + 3 * packet and all(
            head[offset + i * packet] == 0x47 for i in range(3)
        ):
            return True
    return False


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sniff boundary is still text.
        if exc.start < len(head) - 4:
            return False
    return True


def _reject_references(head: bytes) -> None:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = text.lower()
    for marker, what in _REFERENCE_MARKERS:
        marker = marker.lower()
        if lowered.startswith(marker) or b"\n" + marker in lowered:
            raise UnsafeMedia(f"The file is {what}, not media; it was not opened.")
    if any(marker in lowered for marker in _URL_MARKERS):
        raise UnsafeMedia("The file is text that references other files or URLs; it was not opened.")


@dataclass(frozen=True)
class RemoteSource:
    """A source read over HTTP(S) from the object store (a presigned URL), e.g. by a chunk task
    that needs only a time range of a large master: ffmpeg may then use that scheme and nothing else."""

    url: str

    def __post_init__(self) -> None:
        if self.scheme not in _REMOTE_PROTOCOLS:
            raise UnsafeMedia("A remote source must be an http or https URL.")

    @property
    def scheme(self) -> str:
        return self.url.partition("://")[0].lower()

    def __str__(self) -> str:  # never the signature: this ends up in logs and technical metadata
        return self.url.partition("?")[0]


# https needs tls and tcp below it; nothing that opens files, pipes or other URLs.
_REMOTE_PROTOCOLS = {"https": "https,tls,tcp", "http": "http,tcp"}


def input_url(location: Path | RemoteSource) -> str:
    """An absolute ``file:`` URL so names like ``http:x.mp4`` stay local paths; a RemoteSource's URL."""
    if isinstance(location, RemoteSource):
        return location.url
    return "file:" + str(Path(location).resolve())


def input_options(demuxer: str, limits: Limits, location: Path | RemoteSource | None = None) -> dict[str, str]:
    """Per-input ffmpeg/ffprobe options pinning the demuxer and protocol (``file``, or the remote source's)."""
    remote = isinstance(location, RemoteSource)
    options = {
        "f": demuxer,
        "format_whitelist": demuxer,
        "protocol_whitelist": _REMOTE_PROTOCOLS[location.scheme] if remote else "file",
        "probesize": str(limits.probesize),
        "analyzeduration": str(limits.analyzeduration_us),
    }
    if demuxer == "mov":
        # Data references can point at other files; ffmpeg's default is off, keep it so.
        options["enable_drefs"] = "0"
    return options


def flatten(options: dict[str, str]) -> list[str]:
    return [item for key, value in options.items() for item in (f"-{key}", value)]


# util-linux's setpriv sets the parent-death signal (prctl PR_SET_PDEATHSIG) and then execs the
# command: ffmpeg is killed when the process that started it dies, even by SIGKILL, without
# a preexec_fn (unsafe in a process that runs threads). Linux only; elsewhere it is left out.
_DIE_WITH_PARENT = ["setpriv", "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []


def popen(args: list[str], limits: Limits, **kwargs) -> subprocess.Popen:
    """Start ffmpeg/ffprobe in its own session, dying with its parent, with the output file size limit applied."""
    process = subprocess.Popen(_DIE_WITH_PARENT + args, stdin=subprocess.DEVNULL, start_new_session=True, **kwargs)
    # Set from the parent (no preexec_fn: unsafe when the worker runs threads).  A write
    # past the limit raises SIGXFSZ, which Popen has restored to its default: terminate.
    limit = limits.max_output_file_bytes
    try:
        resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (limit, limit))
    except ProcessLookupError:  # already gone: nothing left to limit
        pass
    return process


def kill(process: subprocess.Popen) -> None:
    """Kill the child's whole process group (ffmpeg has no children, but be sure)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


def run(args: list[str], limits: Limits, timeout: float) -> subprocess.CompletedProcess:
    """Run to completion with a wall-clock timeout; output captured as bytes."""
    process = popen(args, limits, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill(process)
        raise MediaLimitExceeded(f"{Path(args[0]).name} took longer than {timeout:.0f} s.")
    if process.returncode == -signal.SIGXFSZ:
        raise MediaLimitExceeded("An output file exceeded the size limit.")
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


_GENERIC_ERRORS = frozenset({"Conversion failed!", "Exiting normally, received signal 15."})


# A path on the worker (ffmpeg names its input as file:/…/source.mxf): shown by its last segment only.
_PATH = re.compile(r"(?:file:)?(?:/[^/\s:'\"]+)+/([^/\s:'\"]+)")
# A presigned URL carries a signature: never shown.
_URL = re.compile(r"https?://\S+")


def error_summary(stderr: bytes, max_chars: int = 300) -> str:
    """The last meaningful ffmpeg error line, shortened, for a human reason (never a server path)."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line and line not in _GENERIC_ERRORS]
    line = _URL.sub("the source URL", lines[-1] if lines else "unknown error")
    return _PATH.sub(r"\1", line)[:max_chars]
