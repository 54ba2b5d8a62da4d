"""Broadcast technical QC: the measurement filters, their parsing, and the report.

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
from fractions import Fraction
from pathlib import Path
from typing import Any

from media.config import QcThresholds
from media.probe import MediaInfo

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


# --- delivery profile and report ----------------------------------------------

@dataclass(frozen=True)
class DeliveryProfile:
    """A partner's technical delivery spec (the checks ffmpeg can make)."""

    name: str
    width: int
    height: int
    frame_rate: Fraction
    field_orders: tuple[str, ...]  # ffprobe field_order values accepted: tt, bb, progressive
    loudness_target_lufs: float = -23.0
    loudness_tolerance_lu: float = 0.5
    max_true_peak_dbtp: float = -1.0
    max_loudness_range_lu: float | None = None
    max_black_seconds: float = 0.0
    max_freeze_seconds: float = 0.0
    max_silence_seconds: float = 0.0


HD_1080I25 = DeliveryProfile("HD 1080i25 (EBU R128)", 1920, 1080, Fraction(25), ("tt",))
HD_1080P25 = DeliveryProfile("HD 1080p25 (EBU R128)", 1920, 1080, Fraction(25), ("progressive",))
# R128 (v4, 2020) narrows the tolerance to ±0.2 LU where exact normalisation is practicable.
HD_1080I25_R128_STRICT = DeliveryProfile(
    "HD 1080i25 (EBU R128, ±0.2 LU)", 1920, 1080, Fraction(25), ("tt",), loudness_tolerance_lu=0.2
)
SD_576I25 = DeliveryProfile("SD 576i25 (EBU R128)", 720, 576, Fraction(25), ("tt", "bb"))

NOT_CHECKED = (
    ("photosensitive_epilepsy",
     "Flash/pattern (PSE) testing needs a dedicated analyser (e.g. Harding); ffmpeg cannot measure it."),
    ("as11_conformance",
     "AS-11/DPP MXF metadata and structure conformance needs a dedicated validator."),
)


def build_qc_report(measurements: QcMeasurements, info: MediaInfo,
                    profile: DeliveryProfile) -> dict[str, Any]:
    """A JSON-ready QC report; unmeasurable items are ``not_checked``, never passed."""
    checks = _video_checks(measurements, info, profile) + _audio_checks(measurements, profile)
    checks += [_segment_check("black", measurements.black, profile.max_black_seconds)]
    checks += [_segment_check("freeze", measurements.freeze, profile.max_freeze_seconds)]
    checks += [
        _segment_check(f"silence.track{track}", segments, profile.max_silence_seconds)
        for track, segments in sorted(measurements.silence.items())
    ]
    checks += [{"id": item, "status": "not_checked", "detail": why} for item, why in NOT_CHECKED]
    failed = any(check["status"] == "fail" for check in checks)
    return _json_safe({
        "profile": profile.name,
        "status": "fail" if failed else "pass",
        "complete": not any(check["status"] == "not_checked" for check in checks),
        "checks": checks,
        "measurements": measurements.to_dict(),
    })


def _json_safe(value: Any) -> Any:
    """-inf dBTP (digital silence) and NaN are not JSON; keep them readable as text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value


def _check(check_id: str, ok: bool, measured: Any, expected: Any, **extra: Any) -> dict[str, Any]:
    return {"id": check_id, "status": "pass" if ok else "fail", "measured": measured,
            "expected": expected, **extra}


def _video_checks(measurements: QcMeasurements, info: MediaInfo,
                  profile: DeliveryProfile) -> list[dict[str, Any]]:
    if not info.video:
        return [_check("video.present", False, "no video stream", "one video stream")]
    video = info.video[0]
    detected = measurements.fields.verdict if measurements.fields else "undetermined"
    declared = video.field_order
    scan = declared if declared in ("tt", "bb", "tb", "bt", "progressive") else detected
    checks = [
        _check("video.resolution", (video.width, video.height) == (profile.width, profile.height),
               f"{video.width}x{video.height}", f"{profile.width}x{profile.height}"),
        _check("video.frame_rate", video.frame_rate == profile.frame_rate,
               str(video.frame_rate), str(profile.frame_rate)),
        _check("video.field_order", scan in profile.field_orders, scan, list(profile.field_orders),
               declared=declared, detected=detected),
    ]
    if detected != "undetermined" and declared in ("tt", "bb", "progressive") and detected != declared:
        # idet misreads some synthetic or static pictures, so a mismatch is for a human to look at.
        checks.append({"id": "video.field_order_consistency", "status": "warning",
                       "measured": detected, "expected": declared,
                       "detail": "Field order detected in the pictures differs from the flag."})
    return checks


def _audio_checks(measurements: QcMeasurements, profile: DeliveryProfile) -> list[dict[str, Any]]:
    checks = []
    target, tolerance = profile.loudness_target_lufs, profile.loudness_tolerance_lu
    for track, loud in sorted(measurements.loudness.items()):
        checks.append(_check(
            f"audio.track{track}.integrated_loudness",
            abs(loud.integrated_lufs - target) <= tolerance + 1e-9,
            loud.integrated_lufs, f"{target:.1f} ±{tolerance} LUFS"))
        checks.append(_check(
            f"audio.track{track}.true_peak", loud.true_peak_dbtp <= profile.max_true_peak_dbtp,
            loud.true_peak_dbtp, f"≤ {profile.max_true_peak_dbtp} dBTP"))
        lra_ok = profile.max_loudness_range_lu is None or loud.range_lu <= profile.max_loudness_range_lu
        checks.append(_check(f"audio.track{track}.loudness_range", lra_ok, loud.range_lu,
                             profile.max_loudness_range_lu and f"≤ {profile.max_loudness_range_lu} LU"))
    return checks


def _segment_check(kind: str, segments: list[Segment], max_seconds: float) -> dict[str, Any]:
    longest = max((segment.duration for segment in segments), default=0.0)
    return _check(kind, longest <= max_seconds,
                  [{"start": s.start, "end": s.end, "duration": s.duration} for s in segments],
                  f"no segment longer than {max_seconds} s")
