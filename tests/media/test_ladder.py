from fractions import Fraction
from pathlib import Path

import pytest

from media.config import TranscodeConfig
from media.ladder import plan_ladder
from media.probe import AudioStream, MediaInfo, VideoStream

CONFIG = TranscodeConfig()  # 1080p / 720p / 480p


def info(width, height, sar=Fraction(1), rate=Fraction(25), field_order="progressive",
         rotation=0, audio=()):
    video = VideoStream(0, "h264", width, height, rate, sar, field_order, rotation)
    return MediaInfo(Path("x"), "mov", "mov", 10.0, 1, None, (video,), tuple(audio))


def sizes(plan):
    return [(v.name, v.width, v.height) for v in plan.video]


def test_full_hd_gets_the_whole_ladder():
    assert sizes(plan_ladder(info(1920, 1080), CONFIG)) == [
        ("1080p", 1920, 1080), ("720p", 1280, 720), ("480p", 854, 480)]


def test_never_upscales():
    assert sizes(plan_ladder(info(1280, 720), CONFIG)) == [("720p", 1280, 720), ("480p", 854, 480)]


def test_source_below_every_rung_keeps_its_size_with_even_dimensions():
    assert sizes(plan_ladder(info(321, 241), CONFIG)) == [("240p", 320, 240)]


def test_anamorphic_pal_keeps_display_aspect_with_square_pixels():
    widescreen = plan_ladder(info(720, 576, Fraction(64, 45), field_order="tt"), CONFIG)
    assert sizes(widescreen) == [("480p", 854, 480)]
    assert widescreen.deinterlace
    four_three = plan_ladder(info(720, 576, Fraction(16, 15), field_order="bb"), CONFIG)
    assert sizes(four_three) == [("480p", 640, 480)]


def test_portrait_and_rotated_sources_use_the_short_side():
    assert sizes(plan_ladder(info(1080, 1920), CONFIG)) == [
        ("1080p", 1080, 1920), ("720p", 720, 1280), ("480p", 480, 854)]
    rotated = plan_ladder(info(1920, 1080, rotation=90), CONFIG)
    assert sizes(rotated)[1] == ("720p", 720, 1280)


@pytest.mark.parametrize("rate, gop", [(Fraction(25), 50), (Fraction(30000, 1001), 60),
                                       (Fraction(50), 100), (Fraction(24000, 1001), 48)])
def test_one_gop_of_two_seconds_for_every_rung(rate, gop):
    plan = plan_ladder(info(1920, 1080, rate=rate), CONFIG)
    assert plan.gop_frames == gop and plan.keyframe_seconds == 2.0
    assert not plan.deinterlace


def test_audio_renditions_keep_languages_and_downmix_to_stereo():
    tracks = [AudioStream(1, "pcm_s24le", 6, "5.1", 48000, "urd"),
              AudioStream(2, "aac", 2, "stereo", 48000, "ara"),
              AudioStream(3, "aac", 1, "mono", 48000, None),
              AudioStream(4, "aac", 2, "stereo", 48000, "urd")]
    plan = plan_ladder(info(1920, 1080, audio=tracks), CONFIG)
    assert [(a.name, a.hls_language, a.channels, a.default) for a in plan.audio] == [
        ("audio_ur", "ur", 2, True), ("audio_ar", "ar", 2, False),
        ("audio_und", None, 1, False), ("audio_ur_2", "ur", 2, False)]
    assert [a.display_name for a in plan.audio] == ["اردو", "العربية", "Audio 3", "اردو"]


def test_audio_only_source_has_no_video_rungs():
    plan = plan_ladder(MediaInfo(Path("x"), "mp3", "mp3", 3.0, 1, None, (),
                                 (AudioStream(0, "mp3", 2, "stereo", 44100, "aze"),)), CONFIG)
    assert plan.video == () and plan.proxy is None and plan.audio[0].hls_language == "az"
