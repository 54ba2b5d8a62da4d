"""Delivery profiles (a partner's technical spec, as far as ffmpeg can check it) and the QC report.

A profile accepts one or more picture formats. The default, ``hd-exchange``, accepts what
partners actually exchange: 1080i25, 1080p25, 1440×1080 anamorphic HD (pixel aspect 4:3,
shown 16:9) interlaced or progressive, and 720p50. Each check either fails the delivery or,
where a programme may legitimately do so (black at a part break, silence in a scene), only
warns: the report's ``status`` says whether the delivery passes, ``warnings`` what a person
should look at.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from media.probe import MediaInfo, VideoStream
from media.qc import QcMeasurements, Segment, json_safe

SCANS = ("tt", "bb", "tb", "bt", "progressive")


@dataclass(frozen=True)
class VideoFormat:
    name: str
    width: int
    height: int
    frame_rate: Fraction
    field_orders: tuple[str, ...]  # ffprobe field_order values accepted: tt, bb, progressive
    sample_aspect_ratio: Fraction | None = Fraction(1)  # None: any (SD is flagged 16:15, 64:45, 12:11…)

    def size_matches(self, video: VideoStream) -> bool:
        return (video.width, video.height) == (self.width, self.height) and self.sample_aspect_ratio in (
            None, video.sample_aspect_ratio)

    @property
    def size(self) -> str:
        sar = "" if self.sample_aspect_ratio in (None, 1) else f" (pixel aspect {self.sample_aspect_ratio})"
        return f"{self.width}x{self.height}{sar}"


@dataclass(frozen=True)
class DeliveryProfile:
    name: str
    formats: tuple[VideoFormat, ...]
    loudness_target_lufs: float = -23.0
    loudness_tolerance_lu: float = 0.5
    max_true_peak_dbtp: float = -1.0
    max_loudness_range_lu: float | None = None
    max_black_seconds: float = 0.0
    max_freeze_seconds: float = 0.0
    max_silence_seconds: float = 0.0
    # Check ids (or their prefix before the first dot) that warn instead of failing.
    warn_only: frozenset[str] = frozenset()


FORMAT_1080I25 = VideoFormat("1080i25", 1920, 1080, Fraction(25), ("tt",))
FORMAT_1080P25 = VideoFormat("1080p25", 1920, 1080, Fraction(25), ("progressive",))
FORMAT_1440I25 = VideoFormat("1440x1080i25 anamorphic", 1440, 1080, Fraction(25), ("tt",), Fraction(4, 3))
FORMAT_1440P25 = VideoFormat("1440x1080p25 anamorphic", 1440, 1080, Fraction(25), ("progressive",), Fraction(4, 3))
FORMAT_720P50 = VideoFormat("720p50", 1280, 720, Fraction(50), ("progressive",))
FORMAT_576I25 = VideoFormat("576i25", 720, 576, Fraction(25), ("tt", "bb"), sample_aspect_ratio=None)

HD_EXCHANGE = DeliveryProfile(
    "HD exchange: 1080i25, 1080p25, 1440x1080 anamorphic, 720p50 (EBU R128)",
    (FORMAT_1080I25, FORMAT_1080P25, FORMAT_1440I25, FORMAT_1440P25, FORMAT_720P50),
    warn_only=frozenset({"black", "freeze", "silence", "video.field_order_consistency"}),
)
HD_1080I25 = DeliveryProfile("HD 1080i25 (EBU R128)", (FORMAT_1080I25,))
HD_1080P25 = DeliveryProfile("HD 1080p25 (EBU R128)", (FORMAT_1080P25,))
# R128 (v4, 2020) narrows the tolerance to ±0.2 LU where exact normalisation is practicable.
HD_1080I25_R128_STRICT = DeliveryProfile("HD 1080i25 (EBU R128, ±0.2 LU)", (FORMAT_1080I25,), loudness_tolerance_lu=0.2)
SD_576I25 = DeliveryProfile("SD 576i25 (EBU R128)", (FORMAT_576I25,))

PROFILES = {
    "hd-exchange": HD_EXCHANGE,
    "hd-1080i25": HD_1080I25,
    "hd-1080p25": HD_1080P25,
    "hd-1080i25-strict": HD_1080I25_R128_STRICT,
    "sd-576i25": SD_576I25,
}

NOT_CHECKED = (
    ("photosensitive_epilepsy",
     "Flash/pattern (PSE) testing needs a dedicated analyser (e.g. Harding); ffmpeg cannot measure it."),
    ("as11_conformance",
     "AS-11/DPP MXF metadata and structure conformance needs a dedicated validator."),
)


def build_qc_report(measurements: QcMeasurements, info: MediaInfo, profile: DeliveryProfile) -> dict[str, Any]:
    """A JSON-ready QC report; unmeasurable items are ``not_checked``, never passed."""
    checks = _video_checks(measurements, info, profile) + _audio_checks(measurements, profile)
    checks += [_segment_check("black", measurements.black, profile.max_black_seconds)]
    checks += [_segment_check("freeze", measurements.freeze, profile.max_freeze_seconds)]
    checks += [
        _segment_check(f"silence.track{track}", segments, profile.max_silence_seconds)
        for track, segments in sorted(measurements.silence.items())
    ]
    checks = [_soften(check, profile) for check in checks]
    checks += [{"id": item, "status": "not_checked", "detail": why} for item, why in NOT_CHECKED]
    return json_safe({
        "profile": profile.name,
        "status": "fail" if any(check["status"] == "fail" for check in checks) else "pass",
        "warnings": [check["id"] for check in checks if check["status"] == "warning"],
        "complete": not any(check["status"] == "not_checked" for check in checks),
        "checks": checks,
        "measurements": measurements.to_dict(),
    })


def _soften(check: dict[str, Any], profile: DeliveryProfile) -> dict[str, Any]:
    if check["status"] == "fail" and {check["id"], check["id"].split(".")[0]} & profile.warn_only:
        return {**check, "status": "warning"}
    return check


def _check(check_id: str, ok: bool, measured: Any, expected: Any, **extra: Any) -> dict[str, Any]:
    return {"id": check_id, "status": "pass" if ok else "fail", "measured": measured,
            "expected": expected, **extra}


def _video_checks(measurements: QcMeasurements, info: MediaInfo, profile: DeliveryProfile) -> list[dict[str, Any]]:
    if not info.video:
        return [_check("video.present", False, "no video stream", "one video stream")]
    video = info.video[0]
    detected = measurements.fields.verdict if measurements.fields else "undetermined"
    declared = video.field_order
    scan = declared if declared in SCANS else detected
    sized = [fmt for fmt in profile.formats if fmt.size_matches(video)]
    timed = [fmt for fmt in sized if fmt.frame_rate == video.frame_rate] or sized or list(profile.formats)
    sar = "" if video.sample_aspect_ratio == 1 else f" (pixel aspect {video.sample_aspect_ratio})"
    checks = [
        _check("video.resolution", bool(sized), f"{video.width}x{video.height}{sar}",
               sorted({fmt.size for fmt in profile.formats})),
        _check("video.frame_rate", any(fmt.frame_rate == video.frame_rate for fmt in sized or profile.formats),
               str(video.frame_rate), sorted({str(fmt.frame_rate) for fmt in sized or profile.formats})),
        _check("video.field_order", any(scan in fmt.field_orders for fmt in timed), scan,
               sorted({order for fmt in timed for order in fmt.field_orders}), declared=declared, detected=detected,
               formats=[fmt.name for fmt in profile.formats]),
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
