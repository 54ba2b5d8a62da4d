import codecs

import pytest

from subtitles import SubtitleEncodingError, decode_subtitle, ingest

from .samples import LEGACY_TEXTS, TEXTS, encode_legacy, sample_cues, srt

CASES = [
    ("zh", "utf-8", "utf-8"),
    ("zh", "utf-8-sig", "utf-8"),
    ("ar", "utf-16", "utf-16"),
    ("ru", "utf-16", "utf-16"),
    ("zh", "gb18030", "gb18030"),
    ("zh", "gbk", "gb18030"),
    ("zh-Hant", "big5", "big5"),
    ("ar", "cp1256", "cp1256"),
    ("ur", "cp1256", "cp1256"),
    ("ru", "cp1251", "cp1251"),
    ("az", "utf-8", "utf-8"),
    ("en", "utf-8", "utf-8"),
]


@pytest.mark.parametrize(("language", "encoding", "detected"), CASES)
def test_each_delivery_encoding_is_detected_and_decoded_exactly(language, encoding, detected):
    text = srt(sample_cues(language))
    result = ingest(text.encode(encoding), filename="episode.srt", language=language)
    assert result.encoding == detected
    assert result.text == text  # BOM gone, nothing else changed
    assert [c.lines for c in result.track.cues] == TEXTS[language]


def test_chinese_that_latin1_would_accept_is_decoded_as_chinese():
    raw = "你好，世界！".encode("gb18030")
    assert raw.decode("latin-1")  # a Latin-1 guess "succeeds" and mangles it
    decoded = decode_subtitle(raw, None, "zh")
    assert (decoded.text, decoded.encoding) == ("你好，世界！", "gb18030")


def test_short_big5_file_is_not_read_as_gb18030():
    decoded = decode_subtitle("謝謝。".encode("big5"), None, "zh-Hant")
    assert (decoded.text, decoded.encoding) == ("謝謝。", "big5")


def test_gb2312_override_is_widened_to_gb18030():
    text = "朱镕基，𠮷野家"  # 镕 and 𠮷 are outside GB2312
    decoded = decode_subtitle(text.encode("gb18030"), "GB2312")
    assert (decoded.text, decoded.encoding) == (text, "gb18030")


def test_explicit_override_wins_over_detection():
    raw = "Добрый вечер".encode("koi8_r")
    assert decode_subtitle(raw, "koi8-r").text == "Добрый вечер"


def test_override_that_contradicts_valid_utf8_is_rejected():
    with pytest.raises(SubtitleEncodingError, match="valid UTF-8"):
        decode_subtitle("مرحبا بكم".encode("utf-8"), "windows-1256")


def test_undecodable_bytes_name_the_line():
    raw = "1\n00:00:01,000 --> 00:00:02,000\n".encode() + "你好".encode("gb18030")
    with pytest.raises(SubtitleEncodingError) as error:
        decode_subtitle(raw, "utf-8")
    assert error.value.line_number == 3


def test_unknown_encoding_name_is_rejected():
    with pytest.raises(SubtitleEncodingError, match="unknown encoding"):
        decode_subtitle(b"abc", "klingon-8")


def test_chinese_track_that_is_no_chinese_encoding_is_an_error_not_a_latin_guess():
    raw = "Grüße aus München, schöne Grüße".encode("cp1252")
    with pytest.raises(SubtitleEncodingError, match="pass the encoding explicitly"):
        decode_subtitle(raw, None, "zh")


@pytest.mark.parametrize("language", sorted(LEGACY_TEXTS))
def test_single_byte_code_pages_are_chosen_by_the_language_script(language):
    codec, texts = LEGACY_TEXTS[language]
    cues = [(a, b, lines) for (a, b), lines in zip([(1_000, 3_500), (4_000, 6_000), (7_000, 9_000)], texts)]
    text = srt(cues)
    raw = encode_legacy(text, codec)
    assert raw != text.encode("utf-8")
    result = ingest(raw, filename="episode.srt", language=language)
    assert result.encoding == codecs.lookup(codec).name
    assert [c.lines for c in result.track.cues] == texts
    assert "encoding_uncertain" not in [f["code"] for f in result.findings]


def test_the_reported_hebrew_sample_is_windows_1255_not_greek():
    raw = "₪ װױ אבג".encode("cp1255")
    assert raw.decode("cp1253") == "¤ ΤΥ ΰαβ"  # what was served before
    decoded = decode_subtitle(raw, None, "he")
    assert (decoded.text, decoded.encoding) == ("₪ װױ אבג", "cp1255")


def test_a_weak_guess_is_reported_with_its_candidates():
    # Two Cyrillic letters: cp1251 and ISO 8859-5 both give Russian letters ("Щи" / "йш").
    result = ingest(srt([(0, 2000, ("Щи",))]).encode("cp1251"), filename="a.srt", language="ru")
    finding = next(f for f in result.findings if f["code"] == "encoding_uncertain")
    assert result.encoding == "cp1251" and "cp1251" in finding["message"] and "iso8859-5" in finding["message"]
    assert result.encoding_confidence <= 0.5


def test_greek_in_iso_8859_7_is_not_read_as_windows_1253():
    raw = "Άλλη μια μέρα στην Αθήνα, Ώρα για ειδήσεις.".encode("iso8859_7")
    assert raw.decode("cp1253") != raw.decode("iso8859_7")
    decoded = decode_subtitle(raw, None, "el")
    assert (decoded.text, decoded.encoding) == ("Άλλη μια μέρα στην Αθήνα, Ώρα για ειδήσεις.", "iso8859-7")


def test_declared_encoding_still_wins():
    raw = "שלום".encode("iso8859_8")
    assert decode_subtitle(raw, "iso-8859-8", "he").text == "שלום"
