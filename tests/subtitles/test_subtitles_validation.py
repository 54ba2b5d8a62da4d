import pytest

from subtitles import Cue, SubtitleTrack, ingest, validate_track


def _track(language: str, *cues: tuple[int, int, tuple[str, ...]]) -> SubtitleTrack:
    return SubtitleTrack(language, [Cue(i, a, b, lines, line_number=i * 4 - 2) for i, (a, b, lines) in
                                    enumerate(cues, 1)])


def _codes(findings) -> list[tuple[str, str, int]]:
    return [(f["code"], f["severity"], f["cue_index"]) for f in findings]


def test_clean_track_has_no_findings():
    track = _track("en", (0, 2000, ("Good evening.",)), (2500, 4000, ("Thank you.",)))
    assert validate_track(track, media_duration_ms=5000) == []


def test_overlapping_cues():
    track = _track("ru", (0, 3000, ("Добрый вечер.",)), (2000, 4000, ("Спасибо.",)), (4000, 5000, ("Да.",)))
    findings = validate_track(track)
    assert _codes(findings) == [("overlap", "warning", 2)]
    assert findings[0]["line_number"] == 6 and "1000 ms" in findings[0]["message"]


@pytest.mark.parametrize("end", [1000, 500])
def test_zero_and_negative_durations(end):
    assert _codes(validate_track(_track("en", (1000, end, ("Hi",))))) == [("non_positive_duration", "error", 1)]


def test_cues_past_the_end_of_the_media():
    track = _track("az", (1000, 2000, ("Salam",)), (9000, 11000, ("Sağ olun",)), (12000, 13000, ("Əla",)))
    assert _codes(validate_track(track, media_duration_ms=10000)) == [
        ("past_media_end", "warning", 2), ("past_media_end", "error", 3)]


def test_reading_speed_limit_depends_on_the_script():
    # 12 characters a second: fine for Russian (17), too fast for Chinese (9).
    ru = _track("ru", (0, 1000, ("Добрый вечер",)))
    zh = _track("zh", (0, 1000, ("我们今天去北京好吗你呢我们",)))
    assert validate_track(ru) == []
    assert _codes(validate_track(zh)) == [("reading_speed", "warning", 1)]


def test_arabic_reading_speed_ignores_harakat_and_bidi_marks():
    vowelled = "\u200fمَرْحَبًا بِكُمْ\u200f"  # 9 visible characters, 7 harakat, 2 RLM
    assert validate_track(_track("ar", (0, 600, (vowelled,)))) == []  # 15 per second
    assert _codes(validate_track(_track("ar", (0, 500, (vowelled,))))) == [("reading_speed", "warning", 1)]


def test_line_length_limit_depends_on_the_script():
    latin = "A documentary about the Silk Road and Baku"  # 42
    assert validate_track(_track("en", (0, 9000, (latin,)))) == []
    assert _codes(validate_track(_track("en", (0, 9000, (latin + "!",))))) == [("line_too_long", "warning", 1)]
    chinese = "这部纪录片讲述了丝绸之路的历史和文化"  # 18 > 16
    assert _codes(validate_track(_track("zh", (0, 9000, (chinese,))))) == [("line_too_long", "warning", 1)]


def test_empty_cue():
    assert _codes(validate_track(_track("ur", (0, 1000, ("  ",))))) == [("empty_cue", "warning", 1)]


def test_unknown_markup_is_reported_with_its_line():
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<blink>Привет</blink>\n\n00:03.000 --> 00:04.000\n<i>Пока</i>\n"
    result = ingest(text.encode(), filename="a.vtt", language="ru")
    assert [(f["code"], f["cue_index"], f["line_number"]) for f in result.findings] == [("unknown_markup", 1, 3)]
    assert result.track.cues[0].lines == ("Привет",)


def test_ingest_runs_reader_findings_and_rules_together():
    text = "1\n00:00:01,000 --> 00:00:00,500\nБах\n\n2\n00:00:02,000 --> 00:00:03,000\n\n"
    result = ingest(text.encode("cp1251"), filename="a.srt", language="ru", media_duration_ms=2500)
    # Three Cyrillic letters also read as Russian in ISO 8859-5: the guess is reported as weak.
    assert [f["code"] for f in result.findings] == [
        "encoding_uncertain", "non_positive_duration", "past_media_end", "empty_cue"]
