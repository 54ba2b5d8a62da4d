"""Our own output: every format re-ingests with zero findings, one rule for blank lines,
never an end before a begin, styles carried where the format can say them."""
import pytest

from subtitles import Cue, Span, SubtitleTrack, ingest, render

FORMATS = (("srt", "a.srt"), ("vtt", "a.vtt"), ("ttml", "a.ttml"))


def _read(text: str, name: str, language: str):
    return ingest(text.encode("utf-8"), filename=name, language=language)


def test_srt_timecode_without_milliseconds_is_a_finding_not_silence():
    result = _read("1\n00:00:01 --> 00:00:10\nΚαλημέρα\n", "a.srt", "el")
    assert [(c.start_ms, c.end_ms) for c in result.track.cues] == [(1000, 10_000)]
    assert [(f["code"], f["line_number"]) for f in result.findings] == [("timecode_without_milliseconds", 2)]


def test_negative_duration_is_flagged_at_ingest_and_never_written_backwards():
    result = _read("1\n00:00:01,000 --> 00:00:00,999\nİyi akşamlar\n", "a.srt", "tr")
    assert [f["code"] for f in result.findings] == ["non_positive_duration"]
    ttml = render(result.track, "ttml")
    assert 'begin="00:00:01.000" end="00:00:01.000"' in ttml
    assert "00:00:01,000 --> 00:00:01,000" in render(result.track, "srt")
    assert "00:00:01.000 --> 00:00:01.000" in render(result.track, "vtt")


def test_ttml_output_uses_ttml_colour_syntax_and_reingests_without_findings():
    track = _read("1\n00:00:01,000 --> 00:00:03,000\nمرحبا بكم\n", "a.srt", "ar").track
    ttml = render(track, "ttml")
    assert "rgba(" not in ttml and 'tts:backgroundColor="#000000cc"' in ttml
    assert _read(ttml, "a.ttml", "ar").findings == []


def test_blank_line_inside_a_cue_follows_one_rule_in_every_format():
    track = SubtitleTrack("th", [Cue(1, 0, 2000, ("สวัสดีครับ", "", "ยินดีต้อนรับ"))])
    for fmt, name in FORMATS:
        assert _read(render(track, fmt), name, "th").track.cues[0].lines == ("สวัสดีครับ", "ยินดีต้อนรับ"), fmt


def test_italic_bold_underline_survive_every_format():
    spans = ((Span("Chào "), Span("các bạn", italic=True)), (Span("thân mến", bold=True, underline=True),))
    track = SubtitleTrack("vi", [Cue(1, 0, 2500, ("Chào các bạn", "thân mến"), spans=spans)])
    for fmt, name in FORMATS:
        again = _read(render(track, fmt), name, "vi")
        assert again.track.cues[0].spans == spans, fmt
        assert again.findings == [], fmt
    assert "Chào <i>các bạn</i>\n<b><u>thân mến</u></b>" in render(track, "srt")


def test_srt_italic_over_two_lines_is_read_as_italic_on_both():
    cue = _read("1\n00:00:01,000 --> 00:00:02,000\n<i>你好，\n世界！</i>\n", "a.srt", "zh").track.cues[0]
    assert cue.spans == ((Span("你好，", italic=True),), (Span("世界！", italic=True),))


@pytest.mark.parametrize("language", ["he", "ur"])
def test_rtl_marks_sit_inside_styled_spans(language):
    word = "שלום" if language == "he" else "شکریہ"
    spans = ((Span("- "), Span(word, italic=True)),)
    lines = ("- " + word,)
    track = SubtitleTrack(language, [Cue(1, 0, 2000, lines, spans=spans)])
    srt = render(track, "srt")
    assert srt.splitlines()[2].startswith("\u200f- <i>")
    again = _read(srt, "a.srt", language).track.cues[0]
    # The line ends with a right-to-left letter, so only its start needs the mark.
    assert again.lines == ("\u200f- " + word,)
    assert again.spans == ((Span("\u200f- "), Span(word, italic=True)),)


def test_srt_numpad_override_is_placement_in_every_format():
    text = "1\n00:00:01,000 --> 00:00:04,000\n{\\an8}صفحے کے اوپر\nیہ اوپر ہے\n"
    cue = _read(text, "a.srt", "ur").track.cues[0]
    assert cue.lines == ("صفحے کے اوپر", "یہ اوپر ہے") and cue.settings.as_dict() == {"line": "0"}
    track = SubtitleTrack("ur", [cue])
    assert render(track, "srt").splitlines()[2] == "{\\an8}صفحے کے اوپر"
    assert "00:00:01.000 --> 00:00:04.000 line:0\n" in render(track, "vtt")
    assert 'tts:displayAlign="before"' in render(track, "ttml")


def test_left_and_right_reach_ttml_as_start_and_end_of_the_text_direction():
    from subtitles import CueSettings

    left = CueSettings(align="left")
    hebrew = render(SubtitleTrack("he", [Cue(1, 0, 2000, ("שלום",), settings=left)]), "ttml")
    turkish = render(SubtitleTrack("tr", [Cue(1, 0, 2000, ("Merhaba",), settings=left)]), "ttml")
    assert 'tts:textAlign="end"' in hebrew and 'tts:textAlign="start"' in turkish
