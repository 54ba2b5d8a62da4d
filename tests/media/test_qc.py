"""QC figures measured in the transcode pass, against clips with known content."""

import json

import pytest

from media.delivery import HD_1080I25, HD_1080I25_R128_STRICT, HD_1080P25, SD_576I25, build_qc_report


def checks_by_id(report):
    return {check["id"]: check for check in report["checks"]}


def test_loudness_true_peak_and_range_of_known_tones(qc_clip, transcoded):
    _, _, result, _ = transcoded(qc_clip)
    steady, loud = result.measurements.loudness[0], result.measurements.loudness[1]
    assert steady.integrated_lufs == pytest.approx(-23.0, abs=0.2)
    assert steady.true_peak_dbtp == pytest.approx(-23.0, abs=0.3)
    assert steady.range_lu == pytest.approx(0.0, abs=0.5)
    assert loud.true_peak_dbtp == pytest.approx(-0.45, abs=0.3)
    assert loud.integrated_lufs == pytest.approx(-0.45, abs=0.5)


def test_black_freeze_and_silence_segments(qc_clip, transcoded):
    _, _, result, _ = transcoded(qc_clip)
    m = result.measurements
    (black,) = m.black
    assert (black.start, black.end) == (pytest.approx(1.0, abs=0.04), pytest.approx(2.0, abs=0.04))
    (freeze,) = m.freeze
    assert freeze.start == pytest.approx(1.0, abs=0.08) and freeze.end == pytest.approx(2.0, abs=0.08)
    assert m.silence[0] == []
    (silence,) = m.silence[1]
    # Silence runs to the end of the clip, where ffmpeg reports no end of its own.
    assert silence.start == pytest.approx(1.5, abs=0.05) and silence.end == pytest.approx(4.0, abs=0.05)


def test_report_against_a_delivery_profile(qc_clip, transcoded):
    info, _, result, _ = transcoded(qc_clip)
    report = build_qc_report(result.measurements, info, HD_1080P25)
    json.dumps(report, allow_nan=False)
    checks = checks_by_id(report)
    assert report["status"] == "fail" and report["complete"] is False
    assert checks["audio.track0.integrated_loudness"]["status"] == "pass"
    assert checks["audio.track0.true_peak"]["status"] == "pass"
    assert checks["audio.track1.integrated_loudness"]["status"] == "fail"
    assert checks["audio.track1.true_peak"]["status"] == "fail"
    assert checks["video.resolution"]["status"] == "fail"
    assert checks["video.resolution"]["measured"] == "320x240"
    assert checks["black"]["status"] == "fail" and checks["silence.track1"]["status"] == "fail"
    assert checks["silence.track0"]["status"] == "pass"
    for item in ("photosensitive_epilepsy", "as11_conformance"):
        assert checks[item]["status"] == "not_checked"


def test_strict_r128_tolerance_is_tighter(qc_clip, transcoded):
    info, _, result, _ = transcoded(qc_clip)
    shifted = result.measurements
    loudness = shifted.loudness[0]
    shifted.loudness = {0: type(loudness)(loudness.integrated_lufs - 0.4, 0.0, -23.0)}
    assert checks_by_id(build_qc_report(shifted, info, HD_1080P25))[
        "audio.track0.integrated_loudness"]["status"] == "pass"
    assert checks_by_id(build_qc_report(shifted, info, HD_1080I25_R128_STRICT))[
        "audio.track0.integrated_loudness"]["status"] == "fail"


def test_resolution_frame_rate_and_scan_of_1080p25(hd1080, transcoded):
    info, _, result, _ = transcoded(hd1080)
    progressive = checks_by_id(build_qc_report(result.measurements, info, HD_1080P25))
    assert progressive["video.resolution"]["status"] == "pass"
    assert progressive["video.frame_rate"]["status"] == "pass"
    assert progressive["video.field_order"]["status"] == "pass"
    interlaced = checks_by_id(build_qc_report(result.measurements, info, HD_1080I25))
    assert interlaced["video.field_order"]["status"] == "fail"
    assert interlaced["video.field_order"]["measured"] == "progressive"


def test_field_order_of_576i(sd576i, transcoded):
    info, _, result, _ = transcoded(sd576i)
    assert result.measurements.fields.verdict == "tt"
    checks = checks_by_id(build_qc_report(result.measurements, info, SD_576I25))
    assert checks["video.field_order"]["status"] == "pass"
    assert checks["video.field_order"]["detected"] == "tt"
    assert checks["video.resolution"]["status"] == "pass"
