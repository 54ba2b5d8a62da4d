"""Property: our own output re-ingests with zero findings, and gives back the same cues,
in every format we write, for text in the partners' scripts with styling and placement."""
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subtitles import Cue, CueSettings, Span, SubtitleTrack, ingest, render
from subtitles.markup import numpad_settings, settings_numpad
from subtitles.model import simplify_spans

LETTERS = {
    "he": "אבגדהוזחטיכלמנסעפצקרשתםןףךץ",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "ur": "ابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھیے",
    "el": "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώΑΒΓΔΕ",
    "th": "กขคงจฉชซญดตถทนบปผพฟมยรลวศสหอฮ",
    "vi": "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
    "tr": "abcçdefgğhıijklmnoöprsştuüvyzÇĞİÖŞÜ",
    "zh": "我们今天去北京你好世界谢谢大家收看这部纪录片讲述了丝绸之路的历史",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВ",
}
WRITTEN = (("srt", "a.srt"), ("vtt", "a.vtt"), ("ttml", "a.ttml"))
MAX_LINE = 16  # within every script's line-length limit


@st.composite
def lines_of(draw, language: str):
    letters = LETTERS[language]
    word = st.text(alphabet=letters, min_size=1, max_size=6)
    separator = "" if language in ("zh", "th") else " "

    def line():
        words = draw(st.lists(word, min_size=1, max_size=3))
        glue = draw(st.sampled_from([separator, separator or "、", ", " if separator else ""]))
        return glue.join(words)[:MAX_LINE].strip(" ,、") or words[0][:MAX_LINE]

    return tuple(line() for _ in range(draw(st.integers(1, 2))))


@st.composite
def spans_for(draw, lines):
    styled = []
    for line in lines:
        cuts = sorted(draw(st.sets(st.integers(1, max(1, len(line) - 1)), max_size=2)))
        pieces = [line[a:b] for a, b in zip([0, *cuts], [*cuts, len(line)]) if line[a:b]]
        styled.append([Span(piece, *draw(st.tuples(st.booleans(), st.booleans(), st.booleans())))
                       for piece in pieces])
    return simplify_spans(styled)


@st.composite
def placement(draw):
    """Cue settings in the canonical form that WebVTT and TTML both carry exactly
    (the TTML reader maps regions back to ``position:x%,line-left size:w%`` and a line
    percentage with its alignment)."""
    if draw(st.integers(0, 4)) == 0:  # sometimes one of the numpad positions ASS and SRT ({\\anN}) carry
        return draw(st.sampled_from([None, *(numpad_settings(n) for n in (1, 3, 4, 5, 6, 7, 8, 9))]))
    align = draw(st.sampled_from([None, "start", "end"]))
    vertical = draw(st.sampled_from([None, "rl", "lr"]))
    line = draw(st.one_of(st.none(), st.builds(lambda y, a: f"{y}%{a}", st.integers(1, 99),
                                               st.sampled_from(["", ",end", ",center"]))))
    position = size = None
    if draw(st.booleans()):
        width = draw(st.integers(1, 99))
        x = draw(st.integers(0, 100 - width))
        if (x, width) != (10, 80):  # the writer's default region: indistinguishable from no placement
            position, size = f"{x}%,line-left", f"{width}%"
    value = CueSettings(align=align, vertical=vertical, line=line, position=position, size=size)
    return value or None


@st.composite
def tracks(draw):
    language = draw(st.sampled_from(sorted(LETTERS)))
    cues, start = [], draw(st.integers(0, 5000))
    for index in range(1, draw(st.integers(1, 4)) + 1):
        lines = draw(lines_of(language))
        duration = draw(st.integers(4000, 7000))  # slow enough for every script's reading speed
        cues.append(Cue(index, start, start + duration, lines, spans=draw(spans_for(lines)),
                        settings=draw(placement())))
        start += duration + draw(st.integers(0, 3000))
    return SubtitleTrack(language, cues)


def _srt_placement(settings):
    """SRT carries placement only as a numpad position ({\\anN})."""
    return settings if settings_numpad(settings) else None


def _ttml_placement(settings, direction: str):
    """TTML readers resolve left/right to start/end of the text direction, and a WebVTT
    line number (top line 0) is a region at the top of the frame: line 0%."""
    if not settings:
        return settings
    if settings.align in ("left", "right"):
        start = "left" if direction == "ltr" else "right"
        settings = replace(settings, align="start" if settings.align == start else "end")
    if settings.line and not settings.line.split(",")[0].endswith("%"):
        settings = replace(settings, line="0%" if float(settings.line) >= 0 else None)
    return settings or None


def _without_rlm(cue: Cue, fmt: str, direction: str = "ltr"):
    """The cue as compared: SRT carries only numpad placements; the RLM anchors the
    SRT/WebVTT writers add on right-to-left lines (see bidi.py) are taken off again."""
    lines = tuple(line.strip("\u200f") for line in cue.lines)
    spans = simplify_spans([[Span(s.text.replace("\u200f", ""), s.italic, s.bold, s.underline) for s in line]
                            for line in cue.spans])
    settings = {"srt": _srt_placement(cue.settings), "ttml": _ttml_placement(cue.settings, direction)}.get(
        fmt, cue.settings)
    return (cue.start_ms, cue.end_ms, lines, spans, settings)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tracks())
def test_own_output_reingests_unchanged_with_zero_findings(track):
    for fmt, name in WRITTEN:
        text = render(track, fmt)
        result = ingest(text.encode("utf-8"), filename=name, language=track.language)
        assert result.findings == [], (fmt, text)
        got = [_without_rlm(c, fmt) for c in result.track.cues]
        assert got == [_without_rlm(c, fmt, track.direction) for c in track.cues], (fmt, text)
        assert render(result.track, fmt) == text, fmt  # and writing it again changes nothing
