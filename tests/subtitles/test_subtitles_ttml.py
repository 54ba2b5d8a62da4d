"""TTML timing is hierarchical (TTML2 §12): what a paragraph shows, and when, is what the
intermediate synchronic documents say, not what the <p> attributes alone say."""
import pytest

from subtitles import SubtitleImageError, SubtitleParseError, SubtitleUnsafeXMLError, ingest

from .samples import ttml


def _cues(text: str, language: str, **kwargs):
    result = ingest(text.encode("utf-8"), filename="a.ttml", language=language, **kwargs)
    return [(c.start_ms, c.end_ms, c.lines) for c in result.track.cues], result


def test_paragraph_inherits_begin_and_end_from_div_and_body():
    doc = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="he">\n'
           '<body begin="10s" end="60s">\n'
           '<div begin="2s" end="5s"><p>שלום לכולם</p></div>\n'
           '<div begin="20s"><p dur="1.5s">מה שלומך?</p><p begin="3s" end="100s">להתראות</p></div>\n'
           '</body>\n</tt>\n')
    cues, result = _cues(doc, "he")
    # body at 10 s; div +2..+5 s; second div from 30 s, p dur 1.5 s; the last p is cut at body's end (60 s).
    assert cues == [(12_000, 15_000, ("שלום לכולם",)), (30_000, 31_500, ("מה שלומך?",)),
                    (33_000, 60_000, ("להתראות",))]
    assert [c.line_number for c in result.track.cues] == [4, 5, 5]
    assert result.findings == []


def test_timing_on_spans_makes_one_cue_per_change_of_what_is_shown():
    body = ('<p><span begin="1s" end="3s">Καλησπέρα</span>'
            '<span begin="2s" end="3s"> σας!</span></p>')
    cues, result = _cues(ttml(body, "el"), "el")
    assert cues == [(1000, 2000, ("Καλησπέρα",)), (2000, 3000, ("Καλησπέρα σας!",))]
    assert result.findings == []


def test_paragraph_with_only_begin_lasts_as_long_as_its_parent():
    body = '<p begin="1s">สวัสดีครับ</p>'
    doc = ttml(body, "th").replace("<div>", '<div end="4s">')
    assert _cues(doc, "th")[0] == [(1000, 4000, ("สวัสดีครับ",))]


def test_indefinite_end_ends_with_the_programme_when_its_duration_is_known():
    cues, result = _cues(ttml('<p begin="1s">Xin chào các bạn</p>', "vi"), "vi", media_duration_ms=90_000)
    assert cues == [(1000, 90_000, ("Xin chào các bạn",))]
    assert [(f["code"], f["severity"], f["line_number"]) for f in result.findings] == [
        ("open_ended_cue", "warning", 6)]


def test_indefinite_end_without_a_programme_duration_is_refused_with_its_line():
    with pytest.raises(SubtitleParseError) as error:
        _cues(ttml('<p begin="1s">Merhaba</p>', "tr"), "tr")
    assert error.value.line_number == 6 and "no end time" in str(error.value)


def test_styles_are_computed_and_inherited():
    doc = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:tts="http://www.w3.org/ns/ttml#styling" xml:lang="ar">\n'
           '<head><styling><style xml:id="it" tts:fontStyle="italic"/></styling></head>\n'
           '<body><div style="it">\n'
           '<p begin="1s" end="2s" tts:textAlign="start">مرحبا <span tts:fontWeight="bold">بكم</span></p>\n'
           '</div></body></tt>\n')
    cues, result = _cues(doc, "ar")
    cue = result.track.cues[0]
    assert [[(s.text, s.flags) for s in line] for line in cue.spans] == [[("مرحبا ", "i"), ("بكم", "ib")]]
    assert cue.settings.align == "start"


IMSC_IMAGE = ('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:smpte="http://www.smpte-ra.org/schemas/2052-1/2010/smpte"'
              ' xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:profile="http://www.w3.org/ns/ttml/profile/imsc1/image"'
              ' xml:lang="zh">\n<body><div begin="1s" end="2s" smpte:backgroundImage="1.png"/></body></tt>\n')


def test_image_only_imsc_has_its_own_error_code():
    with pytest.raises(SubtitleImageError) as error:
        _cues(IMSC_IMAGE, "zh")
    assert error.value.code == "image_subtitles_unsupported"
    assert "image subtitles are not supported" in str(error.value)


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE tt [<!ENTITY name SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE tt [<!ENTITY a "ααααααααα"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE tt SYSTEM "http://example.invalid/ttml.dtd">',
])
def test_entities_and_dtds_are_refused_never_expanded(doctype):
    doc = ttml('<p begin="1s" end="2s">&name;&b;</p>', "el").replace("<tt ", doctype + "\n<tt ", 1)
    with pytest.raises(SubtitleUnsafeXMLError) as error:
        _cues(doc, "el")
    assert error.value.code == "subtitle_unsafe_xml"


def test_undefined_entity_is_a_parse_error_with_its_line():
    with pytest.raises(SubtitleParseError) as error:
        _cues(ttml('<p begin="1s" end="2s">&nbsp;שלום</p>', "he"), "he")
    assert error.value.line_number == 6 and error.value.code == "subtitle_unparseable"


@pytest.mark.parametrize(("body", "expected"), [
    # A <div> with begin and no end lasts as long as its content (TTML2 §12.4, implicit duration).
    ('<div begin="20s"><p dur="1.5s">Γειά σας</p></div>', [(20_000, 21_500, ("Γειά σας",))]),
    ('<div begin="1s"><div begin="1s"><p begin="1s" dur="1s">Γειά σας</p></div></div>',
     [(3000, 4000, ("Γειά σας",))]),
    ('<div begin="10s"><p begin="1s" end="2s">Γειά</p><p begin="3s" dur="2s">σας</p></div>',
     [(11_000, 12_000, ("Γειά",)), (13_000, 15_000, ("σας",))]),
])
def test_implicit_durations_of_timed_containers(body, expected):
    assert _cues(ttml(body, "el"), "el")[0] == expected
