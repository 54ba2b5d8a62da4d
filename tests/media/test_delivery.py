"""The default delivery profile accepts what partners exchange, and separates warnings from failures."""

from fractions import Fraction
from pathlib import Path

import pytest

from media.delivery import HD_EXCHANGE, build_qc_report
from media.probe import MediaInfo, VideoStream
from media.qc import FieldDetection, Loudness, QcMeasurements, Segment


def _report(width, height, rate, field_order, sar=Fraction(1), **measured):
    video = VideoStream(0, "h264", width, height, Fraction(rate), sample_aspect_ratio=sar, field_order=field_order)
    info = MediaInfo(Path("master.mxf"), "mxf", "mxf", 60.0, 1, None, video=(video,))
    measurements = QcMeasurements(60.0, loudness={0: Loudness(-23.0, 6.0, -2.0)},
                                  fields=FieldDetection(0, 0, 100, 0), **measured)
    return build_qc_report(measurements, info, HD_EXCHANGE)


@pytest.mark.parametrize("width, height, rate, field_order, sar", [
    (1920, 1080, 25, "tt", Fraction(1)),          # 1080i25
    (1920, 1080, 25, "progressive", Fraction(1)),  # 1080p25
    (1440, 1080, 25, "tt", Fraction(4, 3)),       # HDCAM / XDCAM anamorphic HD, shown 16:9
    (1440, 1080, 25, "progressive", Fraction(4, 3)),
    (1280, 720, 50, "progressive", Fraction(1)),   # 720p50
])
def test_the_formats_partners_exchange_pass(width, height, rate, field_order, sar):
    report = _report(width, height, rate, field_order, sar)
    assert report["status"] == "pass", [c for c in report["checks"] if c["status"] == "fail"]


@pytest.mark.parametrize("width, height, rate, field_order, sar, failing", [
    (1440, 1080, 25, "tt", Fraction(1), "video.resolution"),      # 1440 wide but square pixels: not HD
    (1280, 720, 25, "progressive", Fraction(1), "video.frame_rate"),
    (1280, 720, 50, "tt", Fraction(1), "video.field_order"),      # there is no 720i
    (1920, 1080, Fraction(30000, 1001), "tt", Fraction(1), "video.frame_rate"),
])
def test_other_formats_fail_naming_the_check(width, height, rate, field_order, sar, failing):
    report = _report(width, height, rate, field_order, sar)
    assert report["status"] == "fail"
    assert [c["id"] for c in report["checks"] if c["status"] == "fail"] == [failing]


def test_black_freeze_and_silence_are_warnings_not_failures():
    report = _report(1920, 1080, 25, "progressive", black=[Segment(0.0, 2.0)], freeze=[Segment(10.0, 14.0)],
                     silence={0: [Segment(30.0, 33.0)]})
    assert report["status"] == "pass"
    assert report["warnings"] == ["black", "freeze", "silence.track0"]


def test_loudness_out_of_r128_still_fails():
    video = VideoStream(0, "h264", 1920, 1080, Fraction(25), field_order="progressive")
    info = MediaInfo(Path("master.mxf"), "mxf", "mxf", 60.0, 1, None, video=(video,))
    loud = QcMeasurements(60.0, loudness={0: Loudness(-16.0, 6.0, -0.5)})
    report = build_qc_report(loud, info, HD_EXCHANGE)
    failed = {c["id"] for c in report["checks"] if c["status"] == "fail"}
    assert report["status"] == "fail" and failed == {"audio.track0.integrated_loudness", "audio.track0.true_peak"}
