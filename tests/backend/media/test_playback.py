"""HLS playback over a real API server: a real ladder made by the pipeline, on the filesystem store
and on an S3 server. Links die with the API token that made them; variant playlists name the
store's short-lived signed URLs; playback and signed media answer web players on other origins."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from backend.media import pipeline, playback
from backend.media.models import Asset
from backend.partners.models import Role, User
from tests.backend.media.conftest import (  # noqa: F401  (fixtures)
    clip_dir,
    documentary,
    fast_media,
    ffprobe_json,
    fs_store,
    s3_server,
    s3_store,
    store_source,
    urdu_clip,
)

pytestmark = pytest.mark.slow
PLAYER_ORIGIN = "http://player.example:8080"  # a web page on another origin
CHINESE_SRT = "1\n00:00:01,000 --> 00:00:02,000\n喀喇昆仑公路是世界上最高的公路。\n\n"


@pytest.fixture(params=["fs_store", "s3_store"])
def store(request):
    return request.param, request.getfixturevalue(request.param)


@pytest.fixture
def ladder(store, documentary, urdu_clip, fast_media) -> Asset:
    source = store_source(documentary, urdu_clip)
    assert pipeline.process(source.pk) == Asset.State.READY, Asset.objects.get(pk=source.pk).state_reason
    return Asset.objects.get(parent=source, kind=Asset.Kind.HLS)


def api(base: str, token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    session.base = base
    return session


def playback_url(session: requests.Session, hls: Asset) -> str:
    response = session.get(f"{session.base}/api/v1/assets/{hls.pk}/playback/", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["url"]


def variant_uri(master: str) -> str:
    return re.search(r"#EXT-X-STREAM-INF:.*\n(.*)", master)[1]


def issue_token(session: requests.Session) -> tuple[str, str]:
    issued = session.post(f"{session.base}/api/v1/tokens/", timeout=30).json()
    return issued["token"], issued["token_key"]


@pytest.mark.parametrize("store", ["fs_store"], indirect=True)
def test_revoking_the_api_token_ends_playback_at_the_next_playlist_request(store, ladder, ptv):
    base = store[1].url
    token, token_key = issue_token(api(base, ptv.admin_token))
    url = playback_url(api(base, token), ladder)
    variant = urljoin(url, variant_uri(requests.get(url, timeout=30).text))
    assert requests.get(variant, timeout=30).status_code == 200

    assert api(base, token).delete(f"{base}/api/v1/tokens/{token_key}/", timeout=30).status_code == 204
    for playlist in (url, variant):
        refused = requests.get(playlist, timeout=30)
        assert (refused.status_code, refused.json()["code"]) == (403, "playback_revoked")
    # Other tokens of the same user still play: the link belongs to the token that made it.
    assert requests.get(playback_url(api(base, ptv.admin_token), ladder), timeout=30).status_code == 200


@pytest.mark.parametrize("store", ["fs_store"], indirect=True)
def test_a_deactivated_user_or_a_role_that_may_not_fetch_media_stops_playing(store, ladder, ptv):
    base = store[1].url
    token, _ = issue_token(api(base, ptv.admin_token))
    url = playback_url(api(base, token), ladder)
    User.objects.filter(pk=ptv.admin.pk).update(role=Role.VIEWER)
    refused = requests.get(url, timeout=30)
    assert (refused.status_code, refused.json()["code"]) == (403, "role_not_allowed")
    User.objects.filter(pk=ptv.admin.pk).update(role=Role.ADMIN, is_active=False)
    refused = requests.get(url, timeout=30)
    assert (refused.status_code, refused.json()["code"]) == (403, "playback_revoked")
    User.objects.filter(pk=ptv.admin.pk).update(is_active=True)
    assert requests.get(url, timeout=30).status_code == 200


def signed_media(variant_text: str) -> list[str]:
    uris = re.findall(r'#EXT-X-MAP:URI="([^"]+)"', variant_text)
    return uris + [line for line in variant_text.splitlines() if line and not line.startswith("#")]


def expires_in(url: str) -> int:
    """Seconds the store will honour ``url``: S3's X-Amz-Expires, or the filesystem store's expiry."""
    query = parse_qs(urlsplit(url).query)
    if "X-Amz-Expires" in query:
        return int(query["X-Amz-Expires"][0])
    return int(query["expires"][0]) - int(time.time())


def test_variant_playlists_name_the_stores_short_lived_urls_so_segments_skip_the_api(store, ladder, ptv, settings):
    name, server = store
    url = playback_url(api(server.url, ptv.admin_token), ladder)
    variant_text = requests.get(urljoin(url, variant_uri(requests.get(url, timeout=30).text)), timeout=30).text
    duration = sum(float(d) for d in re.findall(r"#EXTINF:([0-9.]+)", variant_text))
    uris = signed_media(variant_text)
    assert len(uris) >= 2 and len(set(uris)) == 1  # init section and segments: the one signed file
    media = uris[0]
    assert not media.startswith(url.rsplit("/", 1)[0])  # not back through the playback endpoint
    if name == "s3_store":
        assert not media.startswith(server.url) and "X-Amz-Signature=" in media
    else:
        assert media.startswith(f"{server.url}/api/v1/storage/objects/")
    # A few minutes beyond the programme: a VOD player reads the playlist once.
    assert abs(expires_in(media) - (settings.PLAYBACK_MEDIA_URL_EXPIRY + int(duration + 0.999))) <= 2

    # The segment a player asks for is exactly those bytes of the rendition.
    length, offset = map(int, re.search(r"#EXT-X-BYTERANGE:(\d+)@(\d+)", variant_text).groups())
    segment = requests.get(media, headers={"Range": f"bytes={offset}-{offset + length - 1}"}, timeout=30)
    assert segment.status_code == 206 and len(segment.content) == length
    whole = requests.get(media, timeout=30).content
    assert segment.content == whole[offset:offset + length]


@pytest.mark.parametrize("store", ["fs_store"], indirect=True)
def test_each_variant_request_signs_anew_and_the_store_refuses_stale_urls(store, ladder, ptv, settings):
    url = playback_url(api(store[1].url, ptv.admin_token), ladder)
    variant = urljoin(url, variant_uri(requests.get(url, timeout=30).text))
    first = signed_media(requests.get(variant, timeout=30).text)[0]
    time.sleep(1.1)
    renewed = signed_media(requests.get(variant, timeout=30).text)[0]
    assert expires_in(renewed) > expires_in(first) - 1 and renewed != first

    settings.PLAYBACK_MEDIA_URL_EXPIRY = -60  # signed as if the few minutes had passed
    stale = signed_media(requests.get(variant, timeout=30).text)[0]
    refused = requests.get(stale, timeout=30)
    assert (refused.status_code, refused.json()["code"]) == (403, "signature_expired")


def assert_cors(response: requests.Response) -> None:
    assert response.headers.get("Access-Control-Allow-Origin") == "*", dict(response.headers)
    exposed = {h.strip().lower() for h in response.headers.get("Access-Control-Expose-Headers", "").split(",")}
    assert {"content-length", "content-range"} <= exposed


@pytest.mark.parametrize("store", ["fs_store"], indirect=True)
def test_playlists_and_signed_media_answer_players_on_other_origins(store, ladder, ptv):
    base = store[1].url
    session = api(base, ptv.admin_token)
    response = session.post(f"{base}/api/v1/programmes/{ladder.programme_id}/subtitles/",
                            files={"file": ("zh.srt", CHINESE_SRT.encode())}, data={"language": "zh-Hans"})
    assert response.status_code == 201, response.text
    url = playback_url(session, ladder)
    origin = {"Origin": PLAYER_ORIGIN}

    # hls.js asks for byte ranges: the browser's preflight must allow the Range header.
    preflight = requests.options(url, headers={**origin, "Access-Control-Request-Method": "GET",
                                               "Access-Control-Request-Headers": "range"}, timeout=30)
    assert preflight.status_code == 200
    assert preflight.headers.get("Access-Control-Allow-Origin") == "*"
    assert "range" in preflight.headers.get("Access-Control-Allow-Headers", "").lower()

    master = requests.get(url, headers=origin, timeout=30)
    assert_cors(master)
    subtitle_playlist = urljoin(url, re.search(r'TYPE=SUBTITLES.*URI="([^"]+)"', master.text)[1])
    subtitle = requests.get(subtitle_playlist, headers=origin, timeout=30)
    assert_cors(subtitle)
    vtt = requests.get(urljoin(subtitle_playlist, signed_media(subtitle.text)[0]), headers=origin, timeout=30)
    assert_cors(vtt)
    assert "喀喇昆仑公路是世界上最高的公路。" in vtt.content.decode()

    variant = requests.get(urljoin(url, variant_uri(master.text)), headers=origin, timeout=30)
    assert_cors(variant)
    media = signed_media(variant.text)[0]
    segment = requests.get(media, headers={**origin, "Range": "bytes=0-99"}, timeout=30)
    assert segment.status_code == 206
    assert_cors(segment)
    # Errors reach the page too (a player shows why), and the media redirect kept for older playlists.
    assert_cors(requests.get(url.replace("master.m3u8", "no-such.m3u8"), headers=origin, timeout=30))

    # The token-authenticated API itself stays closed to other origins.
    me = session.get(f"{base}/api/v1/me/", headers=origin, timeout=30)
    assert me.status_code == 200 and "Access-Control-Allow-Origin" not in me.headers


@pytest.mark.parametrize("store", ["fs_store"], indirect=True)
def test_playback_origins_can_be_restricted(store, ladder, ptv, settings):
    settings.CORS_ALLOW_ALL_ORIGINS = False
    settings.CORS_ALLOWED_ORIGINS = [PLAYER_ORIGIN]
    url = playback_url(api(store[1].url, ptv.admin_token), ladder)
    allowed = requests.get(url, headers={"Origin": PLAYER_ORIGIN}, timeout=30)
    assert allowed.headers.get("Access-Control-Allow-Origin") == PLAYER_ORIGIN
    other = requests.get(url, headers={"Origin": "http://elsewhere.example"}, timeout=30)
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.parametrize("store", ["fs_store"], indirect=True)
def test_webvtt_is_mapped_to_the_ladders_first_picture(store, ladder, ptv, tmp_path):
    base = store[1].url
    session = api(base, ptv.admin_token)
    session.post(f"{base}/api/v1/programmes/{ladder.programme_id}/subtitles/",
                 files={"file": ("zh.srt", CHINESE_SRT.encode())}, data={"language": "zh-Hans"})
    url = playback_url(session, ladder)
    master = requests.get(url, timeout=30).text
    subtitle_playlist = urljoin(url, re.search(r'TYPE=SUBTITLES.*URI="([^"]+)"', master)[1])
    vtt = requests.get(urljoin(subtitle_playlist, signed_media(requests.get(subtitle_playlist).text)[0])).text

    # The first video presentation time, probed here from the stored rendition itself.
    media = signed_media(requests.get(urljoin(url, variant_uri(master)), timeout=30).text)[0]
    local = tmp_path / "rendition.mp4"
    local.write_bytes(requests.get(media, timeout=30).content)
    start = float(ffprobe_json(str(local), "-select_streams", "v", "-show_entries", "stream=start_time")
                  ["streams"][0]["start_time"])
    lines = vtt.splitlines()
    assert lines[0] == "WEBVTT"
    assert lines[1] == f"X-TIMESTAMP-MAP=MPEGTS:{round(start * 90000)},LOCAL:00:00:00.000"
    assert "00:00:01.000 --> 00:00:02.000" in vtt


@pytest.mark.parametrize("store", ["fs_store"], indirect=True)
def test_a_link_no_api_token_asked_for_lives_with_its_user(store, ladder, ptv):
    """Links asked for without an API token (a browser session) have no token to die with: the
    user's checks alone apply."""
    url = store[1].url + playback.playback_path(ladder, ptv.admin, None)
    assert requests.get(url, timeout=30).status_code == 200
    User.objects.filter(pk=ptv.admin.pk).update(is_active=False)
    refused = requests.get(url, timeout=30)
    assert (refused.status_code, refused.json()["code"]) == (403, "playback_revoked")
