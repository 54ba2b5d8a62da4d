"""WebVTT read as the W3C parsing algorithm reads it ("WebVTT file parsing",
"collect a WebVTT timestamp", "parse the WebVTT cue settings")."""
import pytest

from subtitles import SubtitleParseError, ingest, render


def _read(text: str, language: str = "el", filename: str = "a.vtt"):
    return ingest(text.encode("utf-8"), filename=filename, language=language)


def _cues(result):
    return [(c.start_ms, c.end_ms, c.lines) for c in result.track.cues]


def _codes(result):
    return [(f["code"], f["line_number"]) for f in result.findings]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_cr_lf_and_crlf_are_all_line_terminators(newline):
    text = newline.join(["WEBVTT", "", "00:00:01.000 --> 00:00:02.500", "Καλησπέρα σας,", "αγαπητοί φίλοι!", "",
                         "00:00:03.000 --> 00:00:04.000", "Ευχαριστώ.", ""])
    result = _read(text)
    assert _cues(result) == [(1000, 2500, ("Καλησπέρα σας,", "αγαπητοί φίλοι!")), (3000, 4000, ("Ευχαριστώ.",))]
    assert [c.line_number for c in result.track.cues] == [3, 7]


@pytest.mark.parametrize("timestamp", ["00:00:00.00", "00:00", "00:00:01", "0:01.000", "00:1:01.000",
                                       "00:00:60.000", "00:60.000", "00:00,500", "00:00.5000"])
def test_timestamps_the_spec_rejects_drop_their_cue(timestamp):
    text = f"WEBVTT\n\n{timestamp} --> 00:00:09.000\nשלום\n\n00:00:10.000 --> 00:00:11.000\nתודה\n"
    result = _read(text, "he")
    assert _cues(result) == [(10_000, 11_000, ("תודה",))]
    assert _codes(result) == [("bad_timecode", 3)]


@pytest.mark.parametrize(("timestamp", "ms"), [("01:02.003", 62_003), ("1:00:00.000", 3_600_000),
                                               ("100:00:00.001", 360_000_001), ("59:59.999", 3_599_999)])
def test_timestamps_the_spec_accepts(timestamp, ms):
    result = _read(f"WEBVTT\n\n{timestamp} --> 999:00:00.000\nสวัสดี\n", "th")
    assert result.track.cues[0].start_ms == ms


def test_form_feed_is_whitespace_around_the_arrow_and_text_inside_a_line():
    text = "WEBVTT\n\n00:00:01.000\f-->\f00:00:02.000\nMerhaba\fdünya\n"
    assert _cues(_read(text, "tr")) == [(1000, 2000, ("Merhaba\fdünya",))]


def test_nul_becomes_replacement_character():
    assert _cues(_read("WEBVTT\n\n00:01.000 --> 00:02.000\nXin\x00chào\n", "vi"))[0][2] == ("Xin\ufffdchào",)


def test_line_and_paragraph_separators_are_not_line_breaks_in_any_format():
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n你好\u2028世界\u2029再见\n"
    track = _read(text, "zh").track
    assert track.cues[0].lines == ("你好\u2028世界\u2029再见",)
    for fmt in ("srt", "vtt", "ttml"):
        again = ingest(render(track, fmt).encode(), filename=f"a.{fmt}", language="zh")
        assert again.track.cues[0].lines == ("你好\u2028世界\u2029再见",), fmt


@pytest.mark.parametrize("text", ["WEBVTTX\n\n00:01.000 --> 00:02.000\nΓειά\n", "\ufeffWEBVT\n\nΓειά\n",
                                  "WEBVTT-\n\n00:01.000 --> 00:02.000\nΓειά\n"])
def test_signature_is_required(text):
    with pytest.raises(SubtitleParseError) as error:
        _read(text)
    assert error.value.line_number == 1 and "WEBVTT" in str(error.value)


def test_vtt_named_file_without_signature_is_read_as_srt_with_a_finding():
    text = "1\n00:00:01,000 --> 00:00:02,000\nمرحبا\n"
    result = _read(text, "ar")
    assert result.source_format == "srt" and _cues(result) == [(1000, 2000, ("مرحبا",))]
    assert _codes(result) == [("missing_webvtt_signature", 1)]


@pytest.mark.parametrize("text", [
    "WEBVTT\n",
    "WEBVTT - only notes\n\nNOTE یہ صرف ایک نوٹ ہے\n\nSTYLE\n::cue { color: yellow }\n",
    "WEBVTT\n\nREGION\nid:top width:40% lines:3\n",
])
def test_valid_file_without_cues_is_accepted_with_a_finding(text):
    result = _read(text, "ur")
    assert result.track.cues == [] and _codes(result) == [("no_cues", None)]


def test_file_whose_cues_the_spec_drops_is_accepted_with_findings():
    result = _read("WEBVTT\n\n00:01.000 --> 00:02,000\nHi\n", "el")
    assert result.track.cues == [] and _codes(result) == [("bad_timecode", 3), ("no_cues", None)]


def test_cue_settings_are_parsed_kept_and_invalid_ones_skipped():
    text = ("WEBVTT\n\nREGION\nid:bottom width:40% lines:3 regionanchor:0%,100% viewportanchor:10%,90% scroll:up\n\n"
            "1\n00:01.000 --> 00:02.000 align:start line:10% position:20%,line-left size:50% vertical:lr\n"
            "Γειά σου\n\n"
            "2\n00:03.000 --> 00:04.000 align:middle line:-1 position:120% size:50 region:nowhere bogus\n"
            "Ευχαριστώ\n\n"
            "3\n00:05.000 --> 00:06.000 region:bottom\nΑντίο\n")
    cues = _read(text).track.cues
    assert cues[0].settings.as_dict() == {"align": "start", "line": "10%", "position": "20%,line-left",
                                          "size": "50%", "vertical": "lr"}
    assert cues[1].settings.as_dict() == {"line": "-1"}
    assert cues[2].settings.region == ("id:bottom width:40% lines:3 regionanchor:0%,100% "
                                       "viewportanchor:10%,90% scroll:up")
    out = render(_read(text).track, "vtt")
    assert "REGION\nid:bottom width:40% lines:3" in out
    assert "00:00:05.000 --> 00:00:06.000 region:bottom\n" in out
    assert [c.settings for c in _read(out).track.cues] == [c.settings for c in cues]


def test_settings_and_styles_travel_through_ttml_and_back():
    text = ("WEBVTT\n\n00:01.000 --> 00:02.000 align:start line:10% position:20%,line-left size:50%\n"
            "<i>שלום</i> <b>עולם</b>\n\n"
            "00:03.000 --> 00:04.000 vertical:rl line:90%,end\n<u>你好</u>\n")
    track = _read(text, "he").track
    ttml = render(track, "ttml")
    assert 'tts:textAlign="start"' in ttml and 'tts:writingMode="tbrl"' in ttml
    assert 'tts:origin="20% 10%" tts:extent="50% 90%" tts:displayAlign="before"' in ttml
    assert '<span tts:fontStyle="italic">שלום</span>' in ttml
    back = ingest(ttml.encode(), filename="a.ttml", language="he")
    assert back.findings == []
    assert [(c.settings, c.spans) for c in back.track.cues] == [(c.settings, c.spans) for c in track.cues]


def test_a_webvtt_region_becomes_a_ttml_region_placed_by_its_anchors():
    text = ("WEBVTT\n\nREGION\nid:left width:40% lines:3 regionanchor:0%,100% viewportanchor:10%,90%\n\n"
            "00:01.000 --> 00:04.000 region:left\nฉันชื่อสมชาย\n")
    track = _read(text, "th").track
    ttml = render(track, "ttml")
    # 3 lines × 6vh = 18% high; its bottom-left corner (anchor 0%,100%) on 10%,90%.
    assert '<region xml:id="r2" tts:origin="10% 72%" tts:extent="40% 18%" tts:displayAlign="after"/>' in ttml
    back = ingest(ttml.encode(), filename="a.ttml", language="th").track.cues[0]
    assert back.settings.as_dict() == {"line": "90%,end", "position": "10%,line-left", "size": "40%"}


def test_header_without_blank_line_and_a_second_arrow_line_start_new_cues():
    # "Collect a WebVTT block": in the header, a line with "-->" ends the header; in a cue,
    # a later line with "-->" is not text but the start of the next block.
    text = ("WEBVTT\n00:01.000 --> 00:02.000\nمرحبا\n00:03.000 --> 00:04.000\nأهلا وسهلا\n")
    result = _read(text, "ar")
    assert _cues(result) == [(1000, 2000, ("مرحبا",)), (3000, 4000, ("أهلا وسهلا",))]
    assert result.findings == []


def test_text_block_that_is_not_a_cue_is_ignored_with_a_finding():
    text = "WEBVTT\n\nשורה תועה\nעוד שורה\n\n00:01.000 --> 00:02.000\nשלום\n"
    result = _read(text, "he")
    assert _cues(result) == [(1000, 2000, ("שלום",))]
    assert _codes(result) == [("unparseable_line", 3)]
