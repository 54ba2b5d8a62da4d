"""Licensed delivery: what a licensee can list and fetch of a programme's media, and the owner's record of it."""

import datetime

import pytest

from backend.audit.models import AuditEvent
from backend.catalogue.models import Programme
from backend.licensing.models import Licence
from backend.media.models import Asset
from backend.partners.models import Role
from backend.storage import get_storage
from tests.backend.licensing.helpers import approve, offer_rights, publish_programme, request_licence


def window(days_before: int, days_after: int) -> dict:
    today = datetime.date.today()
    return {"window_start": str(today - datetime.timedelta(days=days_before)),
            "window_end": str(today + datetime.timedelta(days=days_after))}


def make_asset(programme: Programme, kind: str, name: str, **fields) -> Asset:
    key = f"partners/PTV/programmes/{programme.pk}/test/{name}"
    content = f"{kind}:{name}".encode()
    get_storage().put_bytes(key, content)
    return Asset.objects.create(programme=programme, kind=kind, storage_key=key, original_filename=name,
                                size=len(content), state=Asset.State.READY, **fields)


@pytest.fixture
def media(ptv):
    programme = Programme.objects.get(pk=publish_programme(ptv))
    return programme, {
        "master": make_asset(programme, Asset.Kind.SOURCE, "master.mxf"),
        "proxy": make_asset(programme, Asset.Kind.PROXY, "proxy.mp4"),
        "poster": make_asset(programme, Asset.Kind.POSTER, "poster.jpg"),
        "m_and_e": make_asset(programme, Asset.Kind.AUDIO, "m-and-e.wav", role=Asset.Role.MUSIC_AND_EFFECTS),
        "urdu_mix": make_asset(programme, Asset.Kind.AUDIO, "main-ur.wav", language="ur", role=Asset.Role.MAIN),
        "arabic_dub": make_asset(programme, Asset.Kind.AUDIO, "dub-ar.wav", language="ar", role=Asset.Role.MAIN),
        "hls": make_asset(programme, Asset.Kind.HLS, "master.m3u8"),
    }


@pytest.fixture
def cctv_licence(ptv, cctv, media):
    programme, _ = media
    offer_rights(ptv, str(programme.pk), **window(30, 700))
    approve(ptv, request_licence(cctv, str(programme.pk), **window(0, 365), subtitle_languages=["zh-Hans"],
                                 dub_languages=["zh-Hans"])["id"])


def listed(client, programme) -> set[str]:
    response = client.get(f"/api/v1/programmes/{programme.pk}/assets/")
    assert response.status_code == 200, response.json()
    return {asset["original_filename"] for asset in response.json()["results"]}


def test_others_see_only_the_published_previews(media, aztv):
    programme, assets = media
    assert listed(aztv.client(), programme) == {"proxy.mp4", "poster.jpg"}
    assert aztv.client().get(f"/api/v1/assets/{assets['master'].pk}/download/").status_code == 404


def test_a_licensee_fetches_masters_and_the_audio_it_may_use(media, cctv, cctv_licence, ptv, client):
    programme, assets = media
    dubbing = cctv.client(Role.DUBBING)
    assert listed(dubbing, programme) == {"master.mxf", "proxy.mp4", "poster.jpg", "m-and-e.wav", "main-ur.wav",
                                          "master.m3u8"}
    assert dubbing.get(f"/api/v1/assets/{assets['arabic_dub'].pk}/download/").status_code == 404

    link = dubbing.get(f"/api/v1/assets/{assets['master'].pk}/download/")
    assert link.status_code == 200
    fetched = client.get(link.json()["url"])
    assert fetched.status_code == 200 and b"".join(fetched.streaming_content) == b"source:master.mxf"

    record = AuditEvent.objects.get(partner=ptv.partner, action="asset.download_link")
    assert (record.actor_username, record.details["by_partner"], record.object_id) == (
        "cctv-dubbing", "CCTV", str(assets["master"].pk))


def test_viewers_of_a_licensee_get_previews_only(media, cctv, cctv_licence):
    _, assets = media
    viewer = cctv.client(Role.VIEWER)
    assert viewer.get(f"/api/v1/assets/{assets['proxy'].pk}/download/").status_code == 200
    refused = viewer.get(f"/api/v1/assets/{assets['master'].pk}/download/")
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"
    # Playback serves the ladder and the subtitles, so the same rule governs it.
    refused = viewer.get(f"/api/v1/assets/{assets['hls'].pk}/playback/")
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"
    assert cctv.client(Role.DUBBING).get(f"/api/v1/assets/{assets['hls'].pk}/playback/").status_code == 200


@pytest.mark.parametrize("path", ["a%5Cb.ts", "%01.ts", "hls%5C..%5C..%5Cmaster.mxf"])
def test_playback_paths_that_are_no_keys_are_a_clear_400(media, cctv, cctv_licence, client, path):
    _, assets = media
    url = cctv.client(Role.DUBBING).get(f"/api/v1/assets/{assets['hls'].pk}/playback/").json()["url"]
    response = client.get(url.replace("master.m3u8", path))
    assert (response.status_code, response.json()["code"]) == (400, "invalid_key")


def test_an_expired_licence_delivers_nothing(cctv, media, cctv_licence):
    programme, assets = media
    # As if the window had ended yesterday (requests for past windows are refused).
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    Licence.objects.filter(licensee=cctv.partner).update(window_start=yesterday - datetime.timedelta(days=30), window_end=yesterday)
    assert listed(cctv.client(), programme) == {"proxy.mp4", "poster.jpg"}
    assert cctv.client().get(f"/api/v1/assets/{assets['master'].pk}/download/").status_code == 404
