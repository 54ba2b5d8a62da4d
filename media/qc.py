"""Broadcast technical QC measurements: the filters and their parsing (the report: ``delivery``).

The filters run inside the transcode's single decode pass (see ``transcode``):
``idet`` on the source video before deinterlacing, ``blackdetect`` and
``freezedetect`` on the proxy's pictures, ``ebur128`` (true peak) and
``silencedetect`` on every source audio track before downmixing.  ffmpeg logs most results on stderr; silencedetect logs
under its class name only, so with several tracks its events are written per
track through ``ametadata`` files instead.
"""

from __future__ import annotations

import math
import re
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from media.config import QcThresholds

MAX_EVENT_LINES = 20_000


@dataclass(frozen=True)
class Segment:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return round(self.end - self.start, 3)


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    range_lu: float
    true_peak_dbtp: float


@dataclass(frozen=True)
class FieldDetection:
    tff: int
    bff: int
    progressive: int
    undetermined: int

    @property
    def verdict(self) -> str:
        counts = {"tt": self.tff, "bb": self.bff, "progressive": self.progressive}
        best = max(counts, key=counts.get)
        return best if counts[best] > self.undetermined else "undetermined"


@dataclass
class QcMeasurements:
    duration: float
    loudness: dict[int, Loudness] = field(default_factory=dict)
    silence: dict[int, list[Segment]] = field(default_factory=dict)
    black: list[Segment] = field(default_factory=list)
    freeze: list[Segment] = field(default_factory=list)
    fields: FieldDetection | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["fields_verdict"] = self.fields.verdict if self.fields else None
        return data


# --- the filters --------------------------------------------------------------

def field_filter(stream):
    """Field-order detection; must see the source's own lines, before deinterlacing/scaling."""
    return stream.filter("idet@qc_idet")


def picture_filters(stream, qc: QcThresholds):
    """Black and freeze detection (pass-through).

    Run on the proxy's downscaled pictures: the filter graph is single-threaded, and
    at 1080p these two cost about as much as decoding; averages over a smaller
    picture find the same black and frozen stretches.
    """
    return (
        stream.filter("blackdetect@qc_black", d=qc.black_min_seconds, pix_th=qc.black_pixel_threshold,
                      pic_th=qc.black_picture_ratio)
        .filter("freezedetect@qc_freeze", n=f"{qc.freeze_noise_db}dB", d=qc.freeze_min_seconds)
    )


def audio_filters(stream, track: int, silence_log: Path, qc: QcThresholds):
    """Chain loudness and silence measurement for one audio track (pass-through)."""
    return (
        stream.filter(f"ebur128@qc_loud_{track}", peak="true", framelog="verbose")
        .filter(f"silencedetect@qc_silence_{track}", n=f"{qc.silence_noise_db}dB",
                d=qc.silence_min_seconds)
        .filter(f"ametadata@qc_silence_log_{track}", mode="print", file=str(silence_log))
    )


def silence_log_path(qc_dir: Path, track: int) -> Path:
    return qc_dir / f"silence_a{track}.txt"


# --- parsing ------------------------------------------------------------------

_PREFIX = re.compile(r"^\[(?P<name>[\w@]+) @ 0x[0-9a-f]+\] (?P<text>.*)$")
_NUMBER = r"(-?(?:\d+(?:\.\d+)?|inf))"


class QcLog:
    """Collects QC lines from ffmpeg's stderr as they stream by (bounded memory)."""

    def __init__(self) -> None:
        self.events: deque[tuple[str, str]] = deque(maxlen=MAX_EVENT_LINES)
        self.summaries: dict[str, list[str]] = {}
        self._summary: str | None = None

    def feed(self, line: str) -> None:
        match = _PREFIX.match(line.strip())
        if not match:
            if self._summary is not None:
                self.summaries[self._summary].append(line.strip())
            return
        name, text = match["name"], match["text"]
        self._summary = None
        if name.startswith("ebur128@qc_loud_") and text.startswith("Summary:"):
            # The graph may be configured twice; the last summary is the real one.
            self._summary = name
            self.summaries[name] = []
        elif name.split("@")[0] in ("blackdetect", "freezedetect", "idet"):
            self.events.append((name.split("@")[0], text))

    def measurements(self, duration: float, silence_logs: dict[int, Path]) -> QcMeasurements:
        result = QcMeasurements(duration=duration)
        for name, lines in self.summaries.items():
            result.loudness[int(name.rsplit("_", 1)[1])] = _loudness(lines)
        result.black = _black_segments(self.events)
        result.freeze = _freeze_segments(self.events, duration)
        result.fields = _field_detection(self.events)
        for track, path in silence_logs.items():
            result.silence[track] = _silence_segments(path, duration)
        return result


def _value(lines: list[str], label: str) -> float:
    for line in lines:
        match = re.match(rf"{label}:\s*{_NUMBER}", line)
        if match:
            return float(match[1])
    return math.nan


def _loudness(lines: list[str]) -> Loudness:
    return Loudness(
        integrated_lufs=_value(lines, "I"),
        range_lu=_value(lines, "LRA"),
        true_peak_dbtp=_value(lines, "Peak"),
    )


def _black_segments(events) -> list[Segment]:
    pattern = re.compile(rf"black_start:{_NUMBER} black_end:{_NUMBER}")
    return [
        Segment(float(m[1]), float(m[2]))
        for kind, text in events
        if kind == "blackdetect" and (m := pattern.search(text))
    ]


def _freeze_segments(events, duration: float) -> list[Segment]:
    segments, start = [], None
    for kind, text in events:
        if kind != "freezedetect":
            continue
        if m := re.search(rf"freeze_start: {_NUMBER}", text):
            start = float(m[1])
        elif (m := re.search(rf"freeze_end: {_NUMBER}", text)) and start is not None:
            segments.append(Segment(start, float(m[1])))
            start = None
    if start is not None:  # frozen until the end: ffmpeg reports no end
        segments.append(Segment(start, duration))
    return segments


def _field_detection(events) -> FieldDetection | None:
    pattern = re.compile(
        r"Multi frame detection: TFF:\s*(\d+) BFF:\s*(\d+) Progressive:\s*(\d+) Undetermined:\s*(\d+)"
    )
    found = [m for kind, text in events if kind == "idet" and (m := pattern.search(text))]
    return FieldDetection(*(int(n) for n in found[-1].groups())) if found else None


def _silence_segments(path: Path, duration: float) -> list[Segment]:
    if not path.exists():
        return []
    segments, start = [], None
    for line in path.read_text("utf-8", "replace").splitlines():
        key, _, value = line.partition("=")
        if key == "lavfi.silence_start":
            start = max(0.0, float(value))
        elif key == "lavfi.silence_end" and start is not None:
            segments.append(Segment(start, float(value)))
            start = None
    if start is not None:
        segments.append(Segment(start, duration))
    return segments


def json_safe(value: Any) -> Any:
    """-inf dBTP (digital silence) and NaN are not JSON; keep them readable as text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value
