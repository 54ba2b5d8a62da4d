"""Building blocks for licensing tests: a published PTV documentary and its offers."""

from backend.partners.models import Role
from tests.backend.catalogue.programme_data import KARAKORAM, programme

PROGRAMMES = "/api/v1/programmes/"
REQUESTS = "/api/v1/licence-requests/"
LICENCES = "/api/v1/licences/"

# PTV offers its documentary for 2027-2028 across the SCO and the Arab League, on VOD and TV.
OFFER = {
    "territories": ["SCO", "ARAB_LEAGUE"],
    "media": ["vod", "linear_tv"],
    "subtitle_languages": ["zh-Hans", "ar", "ru", "en"],
    "dub_languages": ["zh-Hans", "ar"],
    "window_start": "2027-01-01",
    "window_end": "2028-12-31",
    "exclusivity_allowed": True,
    "terms": "free_exchange",
    "notes": "交换节目 — برنامج للتبادل",
}

# CCTV asks for exclusive VOD rights in China with Chinese subtitles for 2027.
REQUEST = {
    "territories": ["CN"],
    "media": ["vod"],
    "subtitle_languages": ["zh-Hans"],
    "window_start": "2027-01-01",
    "window_end": "2027-12-31",
    "exclusive": True,
    "message": "用于央视频点播",
}


def publish_programme(access, **overrides) -> str:
    editor = access.client(Role.EDITOR)
    created = editor.post(PROGRAMMES, programme(**overrides) if overrides else KARAKORAM, format="json")
    assert created.status_code == 201, created.json()
    programme_id = created.json()["id"]
    assert editor.post(f"{PROGRAMMES}{programme_id}/publish/").status_code == 200
    return programme_id


def offer_rights(access, programme_id: str, **overrides) -> dict:
    response = access.client(Role.LICENSING).post(
        f"{PROGRAMMES}{programme_id}/offers/", {**OFFER, **overrides}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def request_licence(access, programme_id: str, **overrides) -> dict:
    response = access.client(Role.LICENSING).post(
        REQUESTS, {**REQUEST, "programme": programme_id, **overrides}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def approve(access, request_id: str, reason: str = "") -> dict:
    response = access.client(Role.LICENSING).post(f"{REQUESTS}{request_id}/approve/", {"reason": reason},
                                                  format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def error_codes(response) -> list[tuple[str, str]]:
    return [(error["field"], error["code"]) for error in response.json()["errors"]]
