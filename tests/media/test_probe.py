import json
from fractions import Fraction

import pytest

from media.probe import probe
from media.safety import NotMedia


def test_1080p25_stereo(hd1080):
    info = probe(hd1080)
    assert info.demuxer == "mov" and "mp4" in info.container
    assert info.duration == pytest.approx(2.0, abs=0.05)
    (video,) = info.video
    assert (video.codec, video.width, video.height) == ("h264", 1920, 1080)
    assert video.frame_rate == Fraction(25) and not video.interlaced
    (audio,) = info.audio
    assert (audio.channels, audio.channel_layout, audio.language) == (2, "stereo", "eng")
    assert info.raw["format"]["format_name"] == info.container


def test_interlaced_576i_with_two_languages(sd576i):
    info = probe(sd576i)
    (video,) = info.video
    assert video.field_order == "tt" and video.interlaced
    assert video.sample_aspect_ratio == Fraction(64, 45)
    assert video.display_size == (1024.0, 576.0)
    assert video.frame_rate == Fraction(25)
    assert [a.language for a in info.audio] == ["urd", "ara"]


def test_portrait_video_only_and_audio_only(portrait, video_only, audio_only):
    assert probe(portrait).video[0].display_size == (360.0, 640.0)
    silent = probe(video_only)
    assert silent.video and not silent.audio
    sound = probe(audio_only)
    assert not sound.video and sound.audio[0].language == "aze"
    assert sound.duration == pytest.approx(3.0, abs=0.1)


def test_truncated_file_is_not_media(truncated):
    with pytest.raises(NotMedia, match="truncated"):
        probe(truncated)


def test_summary_is_json_ready(sd576i):
    data = json.loads(json.dumps(probe(sd576i).to_dict()))
    assert data["video"][0]["frame_rate"] == "25"
    assert data["video"][0]["sample_aspect_ratio"] == "64/45"
    assert data["raw"]["streams"][1]["tags"]["language"] == "urd"


def test_what_a_probe_stored_reads_back_for_a_worker_elsewhere(sd576i, tmp_path):
    from media.probe import MediaInfo

    info = probe(sd576i)
    stored = json.loads(json.dumps(info.to_dict()))  # as the asset's technical metadata keeps it
    stored.pop("path")
    again = MediaInfo.from_dict(stored, info.path)
    assert again == info
    assert again.video[0].frame_rate == Fraction(25) and again.video[0].interlaced
    assert [a.language for a in again.audio] == [a.language for a in info.audio]
