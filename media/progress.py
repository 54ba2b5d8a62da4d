"""Run one long ffmpeg job: percent progress, cancel, time and output-size limits.

ffmpeg writes ``key=value`` blocks ending in ``progress=continue|end`` to
``-progress pipe:1``; stderr carries the log (QC results among it).  Both pipes
are drained by threads so neither can fill up and stall ffmpeg, while the caller's
thread polls for cancellation and limits even when ffmpeg prints nothing.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable

from media import safety
from media.safety import Limits, MediaError, MediaLimitExceeded

ProgressCallback = Callable[[float], None]
CancelHook = Callable[[], bool] | threading.Event

PROGRESS_ARGS = ["-progress", "pipe:1", "-nostats", "-stats_period", "0.5"]


class TranscodeCancelled(MediaError):
    """The caller asked to stop; ffmpeg was killed."""


class TranscodeFailed(MediaError):
    """ffmpeg exited with an error."""


def run_with_progress(
    args: list[str],
    limits: Limits,
    duration: float,
    out_dir: Path,
    on_progress: ProgressCallback | None = None,
    cancel: CancelHook | None = None,
    on_stderr: Callable[[str], None] | None = None,
) -> None:
    """Run ``args`` (which must include PROGRESS_ARGS) until done; raise on any failure."""
    is_cancelled = _cancel_check(cancel)
    deadline = time.monotonic() + limits.transcode_timeout(duration)
    process = safety.popen(args, limits, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    updates: queue.Queue[float | None] = queue.Queue()
    tail: deque[str] = deque(maxlen=30)
    threads = [
        threading.Thread(target=_read_progress, args=(process.stdout, duration, updates), daemon=True),
        threading.Thread(target=_read_stderr, args=(process.stderr, tail, on_stderr), daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        _watch(process, updates, deadline, out_dir, limits, on_progress, is_cancelled)
    finally:
        safety.kill(process)
        for thread in threads:
            thread.join(timeout=5)
    if process.returncode == -signal.SIGXFSZ:
        raise MediaLimitExceeded("An output file exceeded the size limit.")
    if process.returncode != 0:
        reason = safety.error_summary("\n".join(tail).encode())
        raise TranscodeFailed(f"ffmpeg failed: {reason}")
    if on_progress:
        on_progress(100.0)


def _watch(process, updates, deadline, out_dir, limits, on_progress, is_cancelled) -> None:
    while True:
        try:
            percent = updates.get(timeout=0.25)
        except queue.Empty:
            percent = -1.0
        if is_cancelled():
            raise TranscodeCancelled("Processing was cancelled.")
        if percent is None:  # stdout closed: ffmpeg is exiting
            process.wait()
            return
        if time.monotonic() > deadline:
            raise MediaLimitExceeded("ffmpeg exceeded the processing time limit.")
        if percent >= 0:
            if _tree_size(out_dir) > limits.max_output_total_bytes:
                raise MediaLimitExceeded("The outputs exceeded the total size limit.")
            if on_progress:
                on_progress(percent)


def _cancel_check(cancel: CancelHook | None) -> Callable[[], bool]:
    if cancel is None:
        return lambda: False
    if isinstance(cancel, threading.Event):
        return cancel.is_set
    return cancel


def _read_progress(stream, duration: float, updates: queue.Queue) -> None:
    out_time_us = 0
    for raw in stream:
        key, _, value = raw.decode("ascii", "replace").strip().partition("=")
        if key == "out_time_us" and value.lstrip("-").isdigit():
            out_time_us = max(0, int(value))
        elif key == "progress":
            # Hold back 100 until ffmpeg has exited successfully.
            updates.put(min(99.9, 100.0 * out_time_us / 1e6 / duration) if duration > 0 else 0.0)
    updates.put(None)


def _read_stderr(stream, tail: deque, on_stderr) -> None:
    for raw in stream:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        tail.append(line)
        if on_stderr:
            on_stderr(line)


def _tree_size(root: Path) -> int:
    total = 0
    for path in root.rglob("*"):
        try:
            total += path.stat().st_size if path.is_file() else 0
        except FileNotFoundError:  # ffmpeg renames temporary playlists as it goes
            pass
    return total
