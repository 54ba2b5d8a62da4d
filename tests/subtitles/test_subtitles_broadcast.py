"""SCC (CEA-608, 29.97 drop-frame per SMPTE 12M) and EBU STL (EBU Tech 3264), built in
the tests from their specifications (see broadcast.py)."""
import pytest

from subtitles import SubtitleParseError, ingest, render

from .broadcast import drop_frame_number, erase, frame_ms, pop_on, scc, stl


def _cues(result):
    return [(c.start_ms, c.end_ms, c.lines) for c in result.track.cues]


def test_drop_frame_helper_follows_smpte_12m():
    assert drop_frame_number("00:00:59;29") == 1799
    assert drop_frame_number("00:01:00;02") == 1800  # ;00 and ;01 do not exist in minute 1
    assert drop_frame_number("00:10:00;00") == 17982  # minute 10 keeps them
    assert drop_frame_number("01:00:00;00") == 107892


def test_scc_pop_on_captions_with_drop_frame_times():
    # RCL ENM (4 words), per row PAC (2) [+ italics (2)] + text, then EOC: the caption shows
    # on the frame of the first EOC word; ttconv counts one frame per word after the timecode.
    text = scc(pop_on("00:00:01;00", [(14, "¿Qué pasó, señora?"), (15, "Nada, gracias.")], italic_row=15),
               erase("00:00:05;00"),
               pop_on("00:10:00;00", [(15, "Très bien, merci.")]), erase("00:10:04;00"),
               pop_on("01:00:00;00", [(15, "Adiós.")]), erase("01:00:03;00"))
    result = ingest(text.encode("ascii"), filename="episode.scc", language="es")
    lines = text.split("\n\n")[1:]
    eoc = [line.split("\t")[1].split().index("942f") for line in lines[::2]]
    starts = [frame_ms(drop_frame_number(tc) + k) for tc, k in zip(("00:00:01;00", "00:10:00;00", "01:00:00;00"), eoc)]
    ends = [frame_ms(drop_frame_number(tc)) for tc in ("00:00:05;00", "00:10:04;00", "01:00:03;00")]
    assert _cues(result) == [(starts[0], ends[0], ("¿Qué pasó, señora?", "Nada, gracias.")),
                             (starts[1], ends[1], ("Très bien, merci.",)), (starts[2], ends[2], ("Adiós.",))]
    assert ends[2] == 3_602_999  # drop-frame keeps 01:00:03;00 within a frame of wall-clock time
    assert result.source_format == "scc" and result.track.drop_frame
    assert result.track.frame_rate.numerator == 30000
    assert [c.line_number for c in result.track.cues] == [3, 7, 11]
    assert result.track.cues[0].spans[1][0].italic and not result.track.cues[0].spans[0][0].italic


def test_scc_non_drop_frame_timecodes():
    text = scc(pop_on("00:01:00:00", [(15, "Hola.")]), erase("00:01:02:00"))
    result = ingest(text.encode("ascii"), filename="a.scc", language="es")
    assert _cues(result)[0][1] == frame_ms(62 * 30)  # 1860 frames, no labels skipped
    assert not result.track.drop_frame


@pytest.mark.parametrize(("language", "lc", "cct", "lines", "encoding"), [
    ("tr", "29", "00", ["Günaydın, İstanbul!", "Çok güzel bir gün."], "iso6937"),
    ("ar", "7E", "02", ["مرحبا بكم في البرنامج", "كيف حالك؟"], "iso8859-6"),
    ("he", "6C", "04", ["שלום לכולם", "מה שלומך?"], "iso8859-8"),
    ("el", "70", "03", ["Καλησπέρα σας", "Ευχαριστώ πολύ."], "iso8859-7"),
])
def test_stl_text_in_each_code_table_at_25_fps(language, lc, cct, lines, encoding):
    # TCP is 10:00:00:00, so 10:00:01:12 is 1 s and 12 frames of 40 ms into the programme.
    raw = stl("STL25.01", cct, lc, [((10, 0, 1, 12), (10, 0, 4, 0), lines),
                                     ((10, 0, 5, 0), (10, 0, 7, 24), ["1 2 3"], True)])
    result = ingest(raw, filename="episode.stl", language=language)
    assert _cues(result) == [(1480, 4000, tuple(lines)), (5000, 7960, ("1 2 3",))]
    assert (result.source_format, result.encoding, result.track.frame_rate) == ("stl", encoding, 25)
    assert result.track.cues[1].spans[0][0].italic
    assert "encoding" not in " ".join(f["code"] for f in result.findings)
    assert render(result.track, "srt").count("-->") == 2


def test_stl_at_30_fps_is_timed_in_its_own_frames():
    raw = stl("STL30.01", "00", "0A", [((10, 1, 0, 2), (10, 1, 2, 0), ["¡Buenos días!"])])
    result = ingest(raw, filename="a.stl", language="es")
    # ttconv reads STL30.01 as 30000/1001 drop-frame: 10:01:00;02 minus TCP 10:00:00;00.
    start = frame_ms(drop_frame_number("10:01:00;02") - drop_frame_number("10:00:00;00"))
    assert _cues(result)[0][:2] == (start, frame_ms(drop_frame_number("10:01:02;00") - drop_frame_number("10:00:00;00")))
    assert result.track.drop_frame


def test_stl_errors_say_what_is_wrong_not_that_the_encoding_is_unknown():
    raw = stl("STL25.01", "00", "09", [((10, 0, 1, 0), (10, 0, 2, 0), ["Hello"])])
    with pytest.raises(SubtitleParseError, match="frame rate"):
        ingest(raw[:3] + b"STL99.01" + raw[11:], filename="a.stl", language="en")
    with pytest.raises(SubtitleParseError, match="character code table"):
        ingest(raw[:12] + b"07" + raw[14:], filename="a.stl", language="en")
    with pytest.raises(SubtitleParseError, match="TTI blocks"):
        ingest(raw[:-5], filename="a.stl", language="en")
