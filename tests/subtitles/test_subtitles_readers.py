from fractions import Fraction

import pytest

from subtitles import Span, SubtitleParseError, ingest, render, sniff_format

from .samples import ASS_HEADER, TEXTS, sample_cues, srt, ttml, vtt


def _ingest(text: str, filename: str, language: str = "en", **kwargs):
    return ingest(text.encode("utf-8"), filename=filename, language=language, **kwargs)


def _codes(result) -> list[tuple[str, int | None]]:
    return [(f["code"], f["line_number"]) for f in result.findings]


@pytest.mark.parametrize("language", ["ar", "zh", "ru"])
def test_srt_and_vtt_read_timing_and_text(language):
    for text, name in ((srt(sample_cues(language)), "a.srt"), (vtt(sample_cues(language)), "a.vtt")):
        track = _ingest(text, name, language).track
        assert [(c.start_ms, c.end_ms, c.lines) for c in track.cues] == sample_cues(language)


def test_srt_markup_is_kept_raw_and_removed_from_text():
    text = "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>Salam</i>, <font color=\"red\">dünya</font>\n"
    cue = _ingest(text, "a.srt", "az").track.cues[0]
    assert cue.lines == ("Salam, dünya",)
    assert cue.raw_lines == ("{\\an8}<i>Salam</i>, <font color=\"red\">dünya</font>",)


def test_vtt_tags_entities_and_ruby():
    text = ("WEBVTT\nKind: captions\n\nNOTE a comment\n\nintro\n00:01.500 --> 00:02.000 align:start\n"
            "<v Ali>كيف حالك؟</v> &amp; <00:00:01.800><ruby>北<rt>běi</rt></ruby>\n")
    cue = _ingest(text, "x.vtt", "ar").track.cues[0]
    assert (cue.start_ms, cue.end_ms, cue.lines) == (1500, 2000, ("كيف حالك؟ & 北",))


def test_ttml_frames_ticks_dur_and_nesting():
    body = ('<p begin="00:00:01:12" end="00:00:02:00">第一行<br/>第二行</p>\n'
            '<p begin="40000000t" dur="1.5s"><span>  Дважды   пробел </span></p>')
    result = _ingest(ttml(body, "zh", 'ttp:frameRate="25" ttp:tickRate="10000000"'), "a.xml", "zh")
    cues = result.track.cues
    assert [(c.start_ms, c.end_ms, c.lines) for c in cues] == [
        (1480, 2000, ("第一行", "第二行")), (4000, 5500, ("Дважды пробел",))]
    assert result.track.frame_rate == 25 and result.source_format == "ttml"
    assert [c.line_number for c in cues] == [6, 7]


def test_ttml_ntsc_drop_frame_rate_is_kept_on_the_track():
    attrs = 'ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001" ttp:dropMode="dropNTSC"'
    track = _ingest(ttml('<p begin="1s" end="2s">Hi</p>', "en", attrs), "a.ttml").track
    assert (track.frame_rate, track.drop_frame) == (Fraction(30000, 1001), True)


def test_ass_reads_events_with_line_numbers_and_plain_text():
    text = ASS_HEADER + ("Dialogue: 0,0:00:01.00,0:00:02.50,Default,,0,0,0,,{\\i1}Добрый{\\i0} вечер\\Nдрузья, привет\n"
                         "Comment: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,not shown\n"
                         "Dialogue: 0,0:00:05.00,0:00:06.00,Default,,0,0,0,,Спасибо\n")
    result = _ingest(text, "a.ass", "ru")
    assert [(c.start_ms, c.end_ms, c.lines, c.line_number) for c in result.track.cues] == [
        (1000, 2500, ("Добрый вечер", "друзья, привет"), 10), (5000, 6000, ("Спасибо",), 12)]


def test_broken_lines_among_good_cues_become_findings_with_line_numbers():
    text = ("1\n00:00:01,000 --> 00:00:02,000\nGood evening\n\n"
            "2\n00:00:03,000 --> 00:00:6x,000\nlost cue\n\n"
            "stray text\n\n"
            "3\n00:00:07,000 --> 00:00:08,000\nThank you\n")
    result = _ingest(text, "a.srt")
    assert [c.lines for c in result.track.cues] == [("Good evening",), ("Thank you",)]
    assert _codes(result) == [("bad_timecode", 6), ("unparseable_line", 9)]


def test_missing_blank_line_between_cues_still_splits_them():
    text = "1\n00:00:01,000 --> 00:00:02,000\nOne\n2\n00:00:03,000 --> 00:00:04,000\nTwo\n"
    assert [c.lines for c in _ingest(text, "a.srt").track.cues] == [("One",), ("Two",)]


MALFORMED = [
    ("srt", "a.srt", "Hello\nworld\n", 1),
    ("srt", "a.srt", "1\n00:00:01,000 --> 2s\nHi\n", 2),
    ("srt", "a.srt", "1\n00:00:01,000 --> 00:99:02,000\nHi\n", 2),
    ("vtt", "a.vtt", "WEBVT\n\n00:01.000 --> 00:02.000\nHi\n", 1),
    ("ttml", "a.ttml", ttml('<p begin="1s" end="2s">Hi</span></p>'), 6),
    ("ttml", "a.ttml", ttml('<p begin="soon" end="2s">Hi</p>'), 6),
    ("ttml", "a.ttml", ttml('<p begin="1s">never ends</p>'), 6),
    ("ass", "a.ass", ASS_HEADER + "Dialogue: 0,0:00:0x.00,0:00:02.00,Default,,0,0,0,,Hi\n", 10),
    ("ass", "a.ass", ASS_HEADER + "Dialogue: 0,0:00:01.00\n", 10),
    ("ass", "a.ass", ASS_HEADER, 1),
]


@pytest.mark.parametrize(("fmt", "name", "text", "line"), MALFORMED)
def test_unreadable_files_are_rejected_with_the_failing_line(fmt, name, text, line):
    with pytest.raises(SubtitleParseError) as error:
        _ingest(text, name)
    assert error.value.line_number == line, error.value
    assert f"line {line}" in str(error.value)


def test_format_is_sniffed_from_content_and_the_name_is_only_a_hint():
    assert sniff_format(vtt(sample_cues("en")), "wrong.srt") == "vtt"
    assert sniff_format(srt(sample_cues("en")), "wrong.vtt") == "srt"
    assert sniff_format(ttml("<p/>"), "a.txt") == "ttml"
    assert sniff_format(ASS_HEADER, "a.txt") == "ass"
    assert sniff_format("no cues yet\n", "a.srt") == "srt"
    assert sniff_format("Scenarist_SCC V1.0\n\n00:00:00;00\t9420", "a.txt") == "scc"
    with pytest.raises(SubtitleParseError, match="MicroDVD files are not supported"):
        sniff_format("{1}{25}Merhaba", "a.sub")


def test_every_language_sample_reads_back_from_every_input_format():
    for language, lines in TEXTS.items():
        body = "\n".join(f'<p begin="{a}ms" end="{b}ms">{"<br/>".join(ls)}</p>' for a, b, ls in sample_cues(language))
        track = _ingest(ttml(body, language), "a.ttml", language).track
        assert [c.lines for c in track.cues] == lines


def test_ass_styles_and_numpad_alignment_become_spans_and_settings():
    header = ASS_HEADER.replace("Style: Default,", "Style: Sign,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,"
                                "0,-1,0,0,100,100,0,0,1,2,2,9,10,10,10,1\nStyle: Default,")
    text = header + ("Dialogue: 0,0:00:01.00,0:00:04.00,Sign,,0,0,0,,طريق الحرير\n"
                     "Dialogue: 0,0:00:05.00,0:00:09.00,Default,,0,0,0,,{\\an4}你好，{\\u1}世界{\\u0}\n")
    first, second = _ingest(text, "a.ass", "ar").track.cues
    assert first.spans == ((Span("طريق الحرير", italic=True),),)  # the style is italic (-1)
    assert first.settings.as_dict() == {"align": "right", "line": "0"}  # 9: top right
    assert second.spans == ((Span("你好，"), Span("世界", underline=True)),)
    assert second.settings.as_dict() == {"line": "50%,center", "align": "left"}  # 4: middle left
    vtt = render(_ingest(text, "a.ass", "ar").track, "vtt")
    assert "00:00:01.000 --> 00:00:04.000 line:0 align:right\n" in vtt
