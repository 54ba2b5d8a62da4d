import csv
import io
from fractions import Fraction

import pytest

from subtitles import Cue, SubtitleTrack, dialogue_csv, ingest, render

from .samples import TEXTS, sample_cues, srt

RLM = "\u200f"


def _read(text: str, name: str, language: str):
    return ingest(text.encode("utf-8"), filename=name, language=language).track


def _round_trip(language: str) -> tuple[str, str]:
    original = srt(sample_cues(language))
    track = _read(original, "in.srt", language)
    as_vtt = render(track, "vtt")
    as_ttml = render(_read(as_vtt, "x.vtt", language), "ttml")
    back = render(_read(as_ttml, "x.ttml", language), "srt")
    return render(track, "srt"), back


@pytest.mark.parametrize("language", ["zh", "zh-Hant", "az", "ru", "en"])
def test_round_trip_keeps_timing_and_text_exactly(language):
    first, back = _round_trip(language)
    assert back == first == srt(sample_cues(language))


@pytest.mark.parametrize("language", ["ar", "ur"])
def test_round_trip_of_rtl_text_keeps_order_and_anchors_punctuation_once(language):
    first, back = _round_trip(language)
    assert back == first  # stable: the RLM anchors are added once, then kept
    track = _read(back, "back.srt", language)
    assert [(c.start_ms, c.end_ms) for c in track.cues] == [(a, b) for a, b, _ in sample_cues(language)]
    assert [tuple(line.strip(RLM) for line in c.lines) for c in track.cues] == TEXTS[language]
    for cue in track.cues:
        for line in cue.lines:
            # e.g. "- کيا آپ تيار ہيں؟" starts with a dash; "يہ ايک پروگرام ہے." ends with a full stop
            assert line.strip(RLM) == line or (line[0] == RLM or line[-1] == RLM)


def test_rtl_lines_get_rlm_only_where_an_edge_is_neutral():
    track = _read(srt([(0, 2000, ("مرحبا بكم!", "- كيف حالك؟", "شكراً"))]), "a.srt", "ar")
    assert track.cues[0].lines == ("مرحبا بكم!", "- كيف حالك؟", "شكراً")
    body = render(track, "srt").splitlines()[2:]
    assert body == ["مرحبا بكم!" + RLM, RLM + "- كيف حالك؟", "شكراً"]


def test_source_bidi_controls_survive_every_format():
    line = "\u202bقال: \u2066BBC News\u2069 اليوم.\u202c"  # RLE … LRI … PDI … PDF
    track = _read(srt([(0, 2000, (line, "نعم\u200e."))]), "a.srt", "ar")
    for fmt, name in (("srt", "a.srt"), ("vtt", "a.vtt"), ("ttml", "a.ttml")):
        again = _read(render(track, fmt), name, "ar")
        assert [l.strip(RLM) for l in again.cues[0].lines] == [line, "نعم\u200e."], fmt


def test_ttml_output_declares_language_direction_and_imsc_profile():
    ur = render(_read(srt(sample_cues("ur")), "a.srt", "ur"), "ttml")
    assert 'xml:lang="ur"' in ur and 'tts:direction="rtl"' in ur
    assert 'ttp:profile="http://www.w3.org/ns/ttml/profile/imsc1/text"' in ur
    assert RLM not in ur  # TTML carries direction itself
    assert "tts:direction" not in render(_read(srt(sample_cues("zh")), "a.srt", "zh"), "ttml")


def test_markup_characters_in_text_are_escaped_and_come_back():
    track = SubtitleTrack("en", [Cue(1, 0, 1000, ("Tom & Jerry <3 --> fin", "&amp; is an entity"))])
    for fmt, name in (("vtt", "a.vtt"), ("ttml", "a.ttml")):
        assert _read(render(track, fmt), name, "en").cues[0].lines == track.cues[0].lines


def test_ttml_keeps_significant_spaces():
    track = _read(srt([(0, 1000, ("a  b",))]), "a.srt", "en")
    assert _read(render(track, "ttml"), "a.ttml", "en").cues[0].lines == ("a  b",)


def test_offset_and_pal_speed_up():
    text = srt([(60_000, 62_000, ("Salam",))])
    shifted = ingest(text.encode(), filename="a.srt", language="az", offset_ms=-1500).track.cues[0]
    assert (shifted.start_ms, shifted.end_ms) == (58_500, 60_500)
    pal = ingest(text.encode(), filename="a.srt", language="az", frame_rate="23.976", target_frame_rate=25).track
    factor = Fraction(24000, 1001) / 25
    assert (pal.cues[0].start_ms, pal.cues[0].end_ms) == (round(60_000 * factor), round(62_000 * factor))
    assert (pal.cues[0].start_ms, pal.frame_rate) == (57_542, 25)


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_dialogue_csv_at_25_fps():
    track = _read(srt([(1_000, 3_020, ("Добрый вечер,", "друзья!")), (3_723_480, 3_725_000, ("Спасибо.",))]),
                  "a.srt", "ru")
    assert _csv_rows(dialogue_csv(track, 25)) == [
        ["cue", "timecode_in", "timecode_out", "text"],
        ["1", "00:00:01:00", "00:00:03:01", "Добрый вечер,\nдрузья!"],
        ["2", "01:02:03:12", "01:02:05:00", "Спасибо."],
    ]


def test_dialogue_csv_at_2997_drop_frame():
    # 60.060 s is frame 1800: labels 00:01:00;00 and ;01 do not exist in drop-frame.
    track = _read(srt([(59_993, 60_060, ("کيا؟",)), (600_000, 3_600_000, ("ہاں.",))]), "a.srt", "ur")
    rows = _csv_rows(dialogue_csv(track, "29.97"))
    assert rows[1:] == [["1", "00:00:59;28", "00:01:00;02", "کيا؟"], ["2", "00:10:00;00", "01:00:00;00", "ہاں."]]
    assert _csv_rows(dialogue_csv(track, "29.97", drop_frame=False))[2][1:3] == ["00:09:59:12", "00:59:56:12"]
