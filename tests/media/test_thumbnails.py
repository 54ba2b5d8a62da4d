from media.probe import probe
from media.thumbnails import make_thumbnails


def size(probe_json, path):
    stream = probe_json(path, "-show_entries", "stream=width,height")["streams"][0]
    return stream["width"], stream["height"]


def test_poster_thumbnails_and_strip(hd1080, tmp_path, probe_json):
    result = make_thumbnails(probe(hd1080), tmp_path, count=4, size=90, poster_size=360)
    assert size(probe_json, result.poster) == (640, 360)
    assert len(result.frames) == 4
    assert all(size(probe_json, frame) == (160, 90) for frame in result.frames)
    assert size(probe_json, result.strip) == (640, 90)
    # Frames come from different moments of the moving test pattern.
    assert len({frame.read_bytes() for frame in result.frames}) == 4


def test_anamorphic_interlaced_thumbnails_use_display_aspect(sd576i, tmp_path, probe_json):
    result = make_thumbnails(probe(sd576i), tmp_path, count=3, size=90)
    assert size(probe_json, result.frames[0]) == (160, 90)
    assert size(probe_json, result.poster) == (1024, 576)


def test_audio_only_has_no_pictures(audio_only, tmp_path):
    result = make_thumbnails(probe(audio_only), tmp_path)
    assert result.poster is None and result.frames == () and result.strip is None
    assert not list(tmp_path.iterdir())
