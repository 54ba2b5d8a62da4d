"""Subtitle delivery through the API: ingest in any encoding, fetch in any format, dubbing kits, licences."""

import csv
import datetime
import io
import json
import zipfile
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.audit.models import AuditEvent
from backend.partners.models import Role
from backend.subtitles.models import SubtitleTrack
from tests.backend.licensing.helpers import approve, offer_rights, publish_programme, request_licence

URDU_SRT = (
    "1\r\n00:00:01,000 --> 00:00:03,500\r\nشاہراہ قراقرم دنیا کی بلند ترین سڑک ہے۔\r\n\r\n"
    "2\r\n00:00:04,000 --> 00:00:06,250\r\nکیا آپ نے اسے دیکھا ہے؟\r\n\r\n"
)
CHINESE_SRT = (
    "1\n00:00:01,000 --> 00:00:03,000\n喀喇昆仑公路是世界上最高的公路。\n\n"
    "2\n00:00:03,480 --> 00:00:05,040\n工程师们在这里工作了二十年。\n\n"
)
ARABIC_SRT = "1\n00:00:01,000 --> 00:00:02,500\nطريق قراقرم السريع!\n\n"


def upload(client, programme_id, text_or_bytes, *, name="track.srt", file_encoding="utf-8", **fields):
    raw = text_or_bytes if isinstance(text_or_bytes, bytes) else text_or_bytes.encode(file_encoding)
    return client.post(
        f"/api/v1/programmes/{programme_id}/subtitles/",
        {"file": SimpleUploadedFile(name, raw), **fields},
        format="multipart",
    )


@pytest.fixture
def documentary(ptv):
    return publish_programme(ptv)


def window(days_before=30, days_after=365) -> dict:
    today = datetime.date.today()
    return {"window_start": str(today - datetime.timedelta(days=days_before)),
            "window_end": str(today + datetime.timedelta(days=days_after))}


@pytest.fixture
def cctv_licensed_for_chinese(ptv, cctv, documentary):
    """CCTV holds an active licence with Chinese subtitles (and Chinese dubbing) for the documentary."""
    offer_rights(ptv, documentary, **window())
    request = request_licence(cctv, documentary, **window(0, 300), subtitle_languages=["zh-Hans"],
                              dub_languages=["zh-Hans"])
    approve(ptv, request["id"])


def test_urdu_in_windows_1256_is_detected_and_served_as_utf8_in_every_format(ptv, documentary):
    # Windows-1256 lacks ے and ی: Urdu files in it use the Arabic letters, as partners' tools write them.
    text = URDU_SRT.replace("ے", "ي").replace("ی", "ي").replace("۔", ".")
    response = upload(ptv.client(), documentary, text, file_encoding="cp1256", language="ur")
    assert response.status_code == 201, response.json()
    track = response.json()
    assert (track["language"], track["encoding"], track["source_format"], track["cue_count"]) == (
        "ur", "cp1256", "srt", 2)

    client = ptv.client()
    srt = client.get(f"/api/v1/subtitles/{track['id']}/download/", {"format": "srt"})
    assert srt["Content-Type"] == "application/x-subrip; charset=utf-8"
    assert "filename*=UTF-8''" in srt["Content-Disposition"]
    assert unquote(srt["Content-Disposition"].split("''", 1)[1]).endswith(".ur.subtitles.srt")
    body = srt.content.decode("utf-8").replace("\u200f", "")  # RLMs keep RTL punctuation in place
    assert text.splitlines()[2] in body
    assert "00:00:04,000 --> 00:00:06,250" in body

    vtt = client.get(f"/api/v1/subtitles/{track['id']}/download/", {"format": "vtt"})
    assert vtt["Content-Type"] == "text/vtt; charset=utf-8"
    assert vtt.content.decode().startswith("WEBVTT")
    ttml = client.get(f"/api/v1/subtitles/{track['id']}/download/", {"format": "ttml"}).content.decode()
    assert 'xml:lang="ur"' in ttml and 'tts:direction="rtl"' in ttml
    original = client.get(f"/api/v1/subtitles/{track['id']}/download/", {"format": "original"})
    assert original.content == text.encode("cp1256")


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-16", "utf-8-sig"])
def test_chinese_files_in_legacy_encodings_keep_their_text(ptv, documentary, encoding):
    text = CHINESE_SRT if encoding != "big5" else CHINESE_SRT.replace("们", "們").replace("这", "這").replace(
        "师", "師").replace("里", "裡").replace("十", "十").replace("二", "二").replace("昆仑", "崑崙").replace(
        "公路是世界上最高的公路", "公路是世界上最高的公路")
    language = "zh-Hant" if encoding == "big5" else "zh-Hans"
    response = upload(ptv.client(), documentary, text, file_encoding=encoding, language=language)
    assert response.status_code == 201, response.json()
    srt = ptv.client().get(f"/api/v1/subtitles/{response.json()['id']}/download/").content.decode("utf-8")
    for line in text.strip().splitlines():
        if line and not line[0].isdigit():
            assert line in srt


def test_an_explicit_encoding_overrides_detection(ptv, documentary):
    russian = "1\n00:00:01,000 --> 00:00:02,000\nРеки Сибири\n\n"
    response = upload(ptv.client(), documentary, russian, file_encoding="cp1251", language="ru", encoding="cp1251")
    assert response.status_code == 201
    assert response.json()["encoding"] == "cp1251"
    assert "Реки Сибири" in ptv.client().get(f"/api/v1/subtitles/{response.json()['id']}/download/").content.decode()


def test_an_unparseable_file_is_rejected_saying_where(ptv, documentary):
    broken = ("[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Text\n"
              "Dialogue: 0,0:00:0x.00,0:00:02.00,Default,Bakı gecələri\n")
    response = upload(ptv.client(), documentary, broken, language="az-Latn", name="broken.ass")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["line"]) == ("subtitle_unparseable", 6)
    assert "line 6" in body["detail"]
    assert not SubtitleTrack.objects.exists()


def test_a_bad_cue_in_a_readable_file_is_a_finding_with_its_line(ptv, documentary):
    damaged = "1\n00:00:01,000 --> 00:00:02,000\nБаку\n\n2\n00:00:0X,000 -> soon\nİstanbul\n"
    response = upload(ptv.client(), documentary, damaged, language="az-Latn")
    assert response.status_code == 201
    assert {"code": "unparseable_line", "line_number": 6} in [
        {"code": f["code"], "line_number": f["line_number"]} for f in response.json()["findings"]]


def test_a_file_that_is_not_subtitles_is_rejected(ptv, documentary):
    response = upload(ptv.client(), documentary, b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4,
                      language="en", name="episode.srt")
    assert response.status_code == 400
    assert response.json()["code"] in {"subtitle_unparseable", "subtitle_encoding"}


def test_a_parseable_file_with_problems_is_stored_with_its_findings(ptv, documentary):
    overlapping = ("1\n00:00:01,000 --> 00:00:04,000\nFirst\n\n2\n00:00:03,000 --> 00:00:05,000\nSecond\n\n"
                   "3\n00:00:06,000 --> 00:00:06,000\nZero\n\n")
    response = upload(ptv.client(), documentary, overlapping, language="en")
    assert response.status_code == 201
    codes = {finding["code"] for finding in response.json()["findings"]}
    assert {"overlap", "non_positive_duration"} <= codes


def test_oversized_files_and_bad_parameters_are_refused(ptv, documentary, settings):
    settings.SUBTITLE_MAX_BYTES = 100
    too_big = upload(ptv.client(), documentary, CHINESE_SRT * 5, language="zh-Hans")
    assert too_big.status_code == 400 and too_big.json()["code"] == "file_too_large"
    settings.SUBTITLE_MAX_BYTES = 10_000
    bad_tag = upload(ptv.client(), documentary, CHINESE_SRT, language="chinese")
    assert bad_tag.status_code == 400 and bad_tag.json()["errors"][0]["field"] == "language"
    bad_encoding = upload(ptv.client(), documentary, CHINESE_SRT, language="zh-Hans", encoding="no-such-codec")
    assert bad_encoding.status_code == 400
    assert not SubtitleTrack.objects.exists()


def test_only_the_owners_editors_deliver_subtitles(ptv, cctv, documentary):
    assert upload(cctv.client(), documentary, CHINESE_SRT, language="zh-Hans").status_code == 403
    assert upload(ptv.client(Role.VIEWER), documentary, CHINESE_SRT, language="zh-Hans").status_code == 403
    draft = ptv.client().post("/api/v1/programmes/", {"title": {"en": "Draft"}, "original_language": "en"},
                              format="json").json()["id"]
    assert upload(cctv.client(), draft, CHINESE_SRT, language="zh-Hans").status_code == 404


def test_licensees_fetch_only_their_licensed_languages(ptv, cctv, aztv, documentary, cctv_licensed_for_chinese):
    chinese = upload(ptv.client(), documentary, CHINESE_SRT, language="zh-Hans").json()["id"]
    arabic = upload(ptv.client(), documentary, ARABIC_SRT, language="ar").json()["id"]

    dubbing = cctv.client(Role.DUBBING)
    listed = dubbing.get(f"/api/v1/programmes/{documentary}/subtitles/").json()
    assert [track["id"] for track in listed] == [chinese]
    fetched = dubbing.get(f"/api/v1/subtitles/{chinese}/download/", {"format": "vtt"})
    assert fetched.status_code == 200 and "喀喇昆仑公路" in fetched.content.decode()
    assert dubbing.get(f"/api/v1/subtitles/{arabic}/download/").status_code == 404
    assert aztv.client().get(f"/api/v1/subtitles/{chinese}/download/").status_code == 404
    assert cctv.client(Role.VIEWER).get(f"/api/v1/subtitles/{chinese}/download/").status_code == 403

    fetches = AuditEvent.objects.filter(partner=ptv.partner, action="subtitle.downloaded", object_id=chinese)
    assert [(e.actor_username, e.details["by_partner"], e.details["format"]) for e in fetches] == [
        ("cctv-dubbing", "CCTV", "vtt")]


def test_dubbing_kit_has_tracks_dialogue_scripts_and_a_manifest(ptv, cctv, documentary, cctv_licensed_for_chinese):
    upload(ptv.client(), documentary, CHINESE_SRT, language="zh-Hans")
    upload(ptv.client(), documentary, ARABIC_SRT, language="ar")
    response = cctv.client(Role.DUBBING).get(f"/api/v1/programmes/{documentary}/dubbing-kit/",
                                             {"languages": "zh-Hans"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert names == {"zh-Hans/subtitles/zh-Hans.srt", "zh-Hans/subtitles/zh-Hans.vtt",
                     "zh-Hans/subtitles/dialogue-script.zh-Hans.csv", "manifest.json"}
    script = archive.read("zh-Hans/subtitles/dialogue-script.zh-Hans.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(script)))
    # 00:00:05,040 at the default 25 fps is frame 1 of second 5.
    assert rows[2][1:] == ["00:00:03:12", "00:00:05:01", "工程师们在这里工作了二十年。"]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["languages"] == ["zh-Hans"] and manifest["music_and_effects"] == []

    refused = cctv.client(Role.DUBBING).get(f"/api/v1/programmes/{documentary}/dubbing-kit/", {"languages": "ar"})
    assert refused.status_code == 403 and refused.json()["code"] == "not_licensed"
    assert AuditEvent.objects.filter(partner=ptv.partner, action="dubbing_kit.downloaded").count() == 1


def test_dubbing_kit_without_a_licence_does_not_exist(ptv, aztv, documentary):
    upload(ptv.client(), documentary, CHINESE_SRT, language="zh-Hans")
    response = aztv.client(Role.DUBBING).get(f"/api/v1/programmes/{documentary}/dubbing-kit/",
                                             {"languages": "zh-Hans"})
    assert response.status_code == 404
    missing = ptv.client().get(f"/api/v1/programmes/{documentary}/dubbing-kit/", {"languages": "ru"})
    assert missing.status_code == 404 and missing.json()["code"] == "no_subtitles"


IMSC_IMAGE = ('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:smpte="http://www.smpte-ra.org/schemas/2052-1/2010/smpte"'
              ' xml:lang="zh"><body><div begin="1s" end="2s" smpte:backgroundImage="#img1"/></body></tt>\n')


def test_image_subtitles_and_unsafe_xml_have_their_own_codes(ptv, documentary):
    image = upload(ptv.client(), documentary, IMSC_IMAGE, language="zh-Hans", name="track.ttml")
    assert (image.status_code, image.json()["code"]) == (400, "image_subtitles_unsupported")
    entity = ('<?xml version="1.0"?>\n<!DOCTYPE tt [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
              '<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="1s" end="2s">&x;</p></div></body></tt>')
    unsafe = upload(ptv.client(), documentary, entity, language="he", name="track.ttml")
    assert (unsafe.status_code, unsafe.json()["code"]) == (400, "subtitle_unsafe_xml")
    assert not SubtitleTrack.objects.exists()


def test_styles_and_placement_are_stored_and_old_rows_still_render(ptv, documentary):
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000 align:start line:10%\n<i>Καλησπέρα</i> σας\n\n"
           "00:00:03.000 --> 00:00:04.000\nΕυχαριστώ\n")
    response = upload(ptv.client(), documentary, vtt, language="el", name="track.vtt")
    assert response.status_code == 201, response.json()
    track = SubtitleTrack.objects.get(pk=response.json()["id"])
    assert track.cues == [
        [1000, 2000, ["Καλησπέρα σας"], {"spans": [[["Καλησπέρα", "i"], [" σας", ""]]],
                                          "settings": {"align": "start", "line": "10%"}}],
        [3000, 4000, ["Ευχαριστώ"]]]
    client = ptv.client()
    srt = client.get(f"/api/v1/subtitles/{track.pk}/download/", {"format": "srt"}).content.decode()
    assert "<i>Καλησπέρα</i> σας" in srt
    out = client.get(f"/api/v1/subtitles/{track.pk}/download/", {"format": "vtt"}).content.decode()
    assert "00:00:01.000 --> 00:00:02.000 line:10% align:start\n<i>Καλησπέρα</i> σας" in out

    SubtitleTrack.objects.filter(pk=track.pk).update(cues=[[1000, 2000, ["Καλησπέρα σας"]]])  # a row stored before
    old = client.get(f"/api/v1/subtitles/{track.pk}/download/", {"format": "ttml"}).content.decode()
    assert 'begin="00:00:01.000" end="00:00:02.000" region="r1">Καλησπέρα σας</p>' in old


def test_ebu_stl_and_scc_deliveries_are_accepted(ptv, documentary):
    from tests.subtitles.broadcast import erase, pop_on, scc, stl

    raw = stl("STL25.01", "02", "7E", [((10, 0, 1, 0), (10, 0, 3, 12), ["طريق قراقرم السريع"])])
    response = upload(ptv.client(), documentary, raw, language="ar", name="episode.stl")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["source_format"], body["encoding"], body["cue_count"]) == ("stl", "iso8859-6", 1)
    srt = ptv.client().get(f"/api/v1/subtitles/{body['id']}/download/", {"format": "srt"}).content.decode()
    assert "00:00:01,000 --> 00:00:03,480" in srt and "طريق قراقرم السريع" in srt

    captions = scc(pop_on("00:00:02;00", [(15, "Buenas noches.")]), erase("00:00:04;00"))
    response = upload(ptv.client(), documentary, captions, language="es", name="episode.scc")
    assert response.status_code == 201, response.json()
    assert (response.json()["source_format"], response.json()["frame_rate"]) == ("scc", "30000/1001")


def test_a_valid_webvtt_file_with_no_cues_is_stored_with_a_finding(ptv, documentary):
    notes_only = "WEBVTT\n\nNOTE یہ فائل ابھی خالی ہے، ترجمہ جاری ہے\n"
    response = upload(ptv.client(), documentary, notes_only, language="ur", name="track.vtt")
    assert response.status_code == 201, response.json()
    assert response.json()["cue_count"] == 0
    assert [f["code"] for f in response.json()["findings"]] == ["no_cues"]
