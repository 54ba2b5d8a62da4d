"""The portal's pages through Django's test client: sign-in, the API's access rules, languages."""

import re

import pytest

from backend.catalogue.models import Programme
from backend.partners.models import Role
from tests.backend.catalogue.programme_data import BAKU_NIGHTS, KARAKORAM
from tests.backend.licensing.helpers import OFFER, REQUEST
from tests.backend.portal.conftest import PASSWORD, make_person

pytestmark = pytest.mark.usefixtures("eager_tasks")


def csrf_from(response) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def karakoram(ptv, django_capture_on_commit_callbacks) -> str:
    """PTV's published documentary, indexed by the real task on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        editor = ptv.client(Role.EDITOR)
        programme_id = editor.post("/api/v1/programmes/", KARAKORAM, format="json").json()["id"]
        assert editor.post(f"/api/v1/programmes/{programme_id}/publish/").status_code == 200
    return programme_id


@pytest.fixture
def baku_draft(aztv) -> str:
    return aztv.client(Role.EDITOR).post("/api/v1/programmes/", BAKU_NIGHTS, format="json").json()["id"]


# Sign-in


def test_pages_ask_for_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_sign_in_with_password_and_csrf_then_sign_out(ptv):
    from django.test import Client

    user = make_person(ptv, Role.LICENSING)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/sign-in/")
    token = page.cookies["csrftoken"].value
    # Without the CSRF token the form is refused.
    assert browser.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 403
    wrong = browser.post("/sign-in/", {"username": user.username, "password": "nope", "csrfmiddlewaretoken": token})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    signed = browser.post("/sign-in/", {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert signed.status_code == 302 and signed["Location"] == "/"
    catalogue = browser.get("/")
    assert catalogue.status_code == 200 and user.username in catalogue.content.decode()
    out = browser.post("/sign-out/", {"csrfmiddlewaretoken": csrf_from(catalogue)})
    assert out.status_code == 302
    assert browser.get("/").status_code == 302


def test_users_of_an_inactive_partner_cannot_sign_in(ptv, client):
    user = make_person(ptv, Role.EDITOR)
    ptv.partner.is_active = False
    ptv.partner.save()
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


# The API with the session: the page's scripts act through it, CSRF enforced.


def test_the_api_accepts_the_session_and_enforces_csrf(ptv, karakoram, signed_in):
    browser = signed_in(ptv, Role.EDITOR)
    me = browser.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == browser.user.username
    url = f"/api/v1/programmes/{karakoram}/unpublish/"
    refused = browser.post(url)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    token = csrf_from(browser.get(f"/programmes/{karakoram}/"))
    assert browser.post(url, headers={"X-CSRFToken": token}).status_code == 200
    assert Programme.objects.get(pk=karakoram).state == Programme.State.DRAFT


def test_tokens_still_work_and_need_no_csrf(ptv, karakoram):
    assert ptv.client().post(f"/api/v1/programmes/{karakoram}/unpublish/").status_code == 200


# Visibility and roles: the API's selectors and permission classes.


def test_other_partners_drafts_are_404_and_published_programmes_visible(ptv, cctv, karakoram, baku_draft, signed_in):
    browser = signed_in(cctv, Role.VIEWER)
    assert browser.get(f"/programmes/{baku_draft}/").status_code == 404
    assert browser.get(f"/programmes/{baku_draft}/edit/").status_code == 404
    page = browser.get(f"/programmes/{karakoram}/")
    assert page.status_code == 200 and "喀喇昆仑公路" in page.content.decode()


def test_only_the_owners_editors_edit_and_deliver(ptv, cctv, karakoram, signed_in):
    assert signed_in(cctv, Role.EDITOR).get(f"/programmes/{karakoram}/deliver/").status_code == 403
    assert signed_in(ptv, Role.VIEWER).get(f"/programmes/{karakoram}/deliver/").status_code == 403
    assert signed_in(ptv, Role.LICENSING).get(f"/programmes/{karakoram}/edit/").status_code == 403
    assert signed_in(ptv, Role.EDITOR).get(f"/programmes/{karakoram}/deliver/").status_code == 200


def test_404_pages_are_pages_and_api_404s_stay_json(ptv, signed_in):
    browser = signed_in(ptv, Role.VIEWER, accept="text/html,application/xhtml+xml,*/*;q=0.8")
    page = browser.get("/programmes/00000000-0000-0000-0000-000000000000/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    script = signed_in(ptv, Role.VIEWER)
    not_a_page = script.get("/programmes/00000000-0000-0000-0000-000000000000/")
    assert not_a_page.status_code == 404 and not_a_page.json()["code"] == "not_found"
    api = script.get("/api/v1/programmes/00000000-0000-0000-0000-000000000000/")
    assert api.status_code == 404 and api.json()["code"] == "not_found"


def test_the_request_form_is_for_other_partners_licensing_team(ptv, cctv, karakoram, signed_in):
    assert 'id="request-form"' in signed_in(cctv, Role.LICENSING).get(f"/programmes/{karakoram}/").content.decode()
    assert 'id="request-form"' not in signed_in(cctv, Role.VIEWER).get(f"/programmes/{karakoram}/").content.decode()
    owner = signed_in(ptv, Role.LICENSING).get(f"/programmes/{karakoram}/").content.decode()
    assert 'id="request-form"' not in owner and 'id="offer-form"' in owner


def test_dubbing_downloads_only_with_a_licence(ptv, cctv, karakoram, signed_in):
    dubbing = signed_in(cctv, Role.DUBBING)
    assert dubbing.get(f"/programmes/{karakoram}/dubbing/").status_code == 404
    srt = "1\n00:00:01,000 --> 00:00:03,000\n喀喇昆仑公路是世界上最高的公路。\n\n".encode("gb18030")
    from django.core.files.uploadedfile import SimpleUploadedFile

    delivered = ptv.client(Role.EDITOR).post(f"/api/v1/programmes/{karakoram}/subtitles/",
                                             {"file": SimpleUploadedFile("zh.srt", srt), "language": "zh-Hans"})
    assert delivered.status_code == 201, delivered.json()
    offer = {**OFFER, "window_start": "2026-01-01", "window_end": "2030-12-31"}
    assert ptv.client(Role.LICENSING).post(f"/api/v1/programmes/{karakoram}/offers/", offer,
                                           format="json").status_code == 201
    request = {**REQUEST, "programme": karakoram, "window_start": "2026-01-01", "window_end": "2029-12-31"}
    made = cctv.client(Role.LICENSING).post("/api/v1/licence-requests/", request, format="json")
    assert made.status_code == 201, made.json()
    assert ptv.client(Role.LICENSING).post(f"/api/v1/licence-requests/{made.json()['id']}/approve/").status_code == 200
    page = dubbing.get(f"/programmes/{karakoram}/dubbing/")
    assert page.status_code == 200
    html = page.content.decode()
    track = delivered.json()["id"]
    assert f"/api/v1/subtitles/{track}/download/?format=srt" in html
    # The links are the API's, and the session opens them.
    assert "喀喇昆仑公路是世界上最高的公路" in dubbing.get(f"/api/v1/subtitles/{track}/download/?format=srt").content.decode()
    licensing = signed_in(cctv, Role.LICENSING).get("/licensing/").content.decode()
    assert 'data-state="active"' in licensing


# Languages


def test_accept_language_picks_the_interface_and_the_metadata(ptv, karakoram, signed_in):
    urdu = signed_in(ptv, Role.VIEWER, accept_language="ur").get(f"/programmes/{karakoram}/").content.decode()
    assert '<html lang="ur" dir="rtl">' in urdu
    assert "اصل زبان" in urdu  # "Original language" from the Urdu catalogue
    assert '<span lang="ur" dir="auto">شاہراہ قراقرم</span>' in urdu
    chinese = signed_in(ptv, Role.VIEWER, accept_language="zh-CN,zh;q=0.9").get(f"/programmes/{karakoram}/")
    html = chinese.content.decode()
    assert '<html lang="zh-hans" dir="ltr">' in html and "原始语言" in html
    assert '<span lang="zh-Hans" dir="auto">喀喇昆仑公路</span>' in html
    # No Russian title: the original (Urdu) one, marked as Urdu, in a Russian page.
    russian = signed_in(ptv, Role.VIEWER, accept_language="ru").get(f"/programmes/{karakoram}/").content.decode()
    assert '<html lang="ru" dir="ltr">' in russian and "Язык оригинала" in russian
    assert '<h1><span lang="ur" dir="auto">شاہراہ قراقرم</span></h1>' in russian


def test_the_language_switch_uses_set_language(ptv, karakoram, signed_in):
    browser = signed_in(ptv, Role.VIEWER, accept_language="en")
    page = browser.get("/")
    switched = browser.post("/i18n/setlang/", {"language": "ar", "next": "/", "csrfmiddlewaretoken": csrf_from(page)})
    assert switched.status_code == 302
    arabic = browser.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic and "الكتالوج" in arabic
    azerbaijani = browser.post("/i18n/setlang/", {"language": "az", "next": "/", "csrfmiddlewaretoken": csrf_from(page)})
    assert azerbaijani.status_code == 302 and "Kataloq" in browser.get("/").content.decode()


def test_every_catalogue_compiles_and_translates(settings):
    from django.utils import translation

    expected = {"zh-hans": "节目目录", "ar": "الكتالوج", "ur": "فہرستِ پروگرام", "az": "Kataloq", "ru": "Каталог"}
    assert {code for code, _ in settings.LANGUAGES} == {"en", *expected}
    for language, catalogue in expected.items():
        with translation.override(language):
            assert translation.gettext("Catalogue") == catalogue, f"{language}: run `make install` (compilemessages)"


def test_api_details_stay_english_whatever_the_accept_language(cctv, baku_draft):
    response = cctv.client().get(f"/api/v1/programmes/{baku_draft}/", headers={"Accept-Language": "ar"})
    assert response.status_code == 404 and response.json() == {"code": "not_found", "detail": "Not found."}
    assert "Content-Language" not in response


def test_portal_pages_send_a_strict_csp_and_the_api_does_not(ptv, signed_in):
    browser = signed_in(ptv, Role.VIEWER)
    page = browser.get("/")
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in page.content.decode() and " on" not in re.sub(r"<[^>]*>", "", "")
    assert not re.search(r"<[^>]+\son[a-z]+=", page.content.decode())  # no inline event handlers either
    assert "Content-Security-Policy" not in browser.get("/api/v1/me/")


# Catalogue search and the programme form


def test_search_finds_urdu_typed_on_an_arabic_keyboard(ptv, cctv, karakoram, signed_in):
    browser = signed_in(cctv, Role.VIEWER, accept_language="ur")
    # شاہراہ typed with Arabic letters: ه (U+0647) for ہ (U+06C1).
    # The filter form's empty inputs mean "any", as absent parameters do in the API.
    html = browser.get("/", {"q": "شاهراه", "avail_territory": "", "avail_from": "", "genre": ""}).content.decode()
    assert 'role="alert"' not in html
    assert f'href="/programmes/{karakoram}/"' in html
    assert '<span lang="ur" dir="auto">شاہراہ قراقرم</span>' in html
    nothing = browser.get("/", {"q": "喀喇昆仑", "genre": "music"}).content.decode()
    assert f'href="/programmes/{karakoram}/"' not in nothing


def test_search_errors_name_the_parameter(ptv, karakoram, signed_in):
    html = signed_in(ptv, Role.VIEWER).get("/", {"avail_territory": "XX", "avail_media": "vod"}).content.decode()
    assert 'role="alert"' in html and "avail_" in html


def test_the_programme_form_creates_through_the_api_serializer(ptv, signed_in):
    browser = signed_in(ptv, Role.EDITOR)
    form = browser.get("/programmes/new/")
    token = csrf_from(form)
    bad = browser.post("/programmes/new/", {
        "csrfmiddlewaretoken": token, "title:ur": "لاہور کی گلیاں", "original_language": "ur", "countries": "PK, QQ",
    })
    assert bad.status_code == 200 and "countries.1" in bad.content.decode()
    good = browser.post("/programmes/new/", {
        "csrfmiddlewaretoken": token, "title:ur": "لاہور کی گلیاں", "title:zh-Hans": "拉合尔的街巷",
        "title:az-Latn": "Lahor küçələri", "synopsis:ru": "Улицы старого Лахора.", "original_language": "ur",
        "countries": "pk", "production_year": "2025", "duration_minutes": "52", "genres": ["documentary"],
    })
    assert good.status_code == 302
    created = Programme.objects.get(owner=ptv.partner, title__ur="لاہور کی گلیاں")
    assert created.title["zh-Hans"] == "拉合尔的街巷" and created.countries == ["PK"]
    assert created.duration_seconds == 52 * 60 and created.synopsis == {"ru": "Улицы старого Лахора."}
    edited = browser.post(f"/programmes/{created.pk}/edit/", {
        "csrfmiddlewaretoken": token, "title:ur": "لاہور کی گلیاں", "title:ar": "أزقة لاهور", "original_language": "ur",
    })
    assert edited.status_code == 302
    created.refresh_from_db()
    assert created.title == {"ur": "لاہور کی گلیاں", "ar": "أزقة لاهور"}


def test_the_qc_summary_of_the_owners_source(ptv, karakoram, signed_in):
    from backend.media.models import Asset

    report = {"profile": "hd-exchange", "status": "fail", "warnings": [], "complete": False, "checks": [
        {"id": "video.resolution", "status": "fail", "measured": "640x360", "expected": ["1920x1080"]},
        {"id": "black", "status": "pass", "measured": [], "expected": 0},
        {"id": "photosensitive_epilepsy", "status": "not_checked", "detail": "needs a dedicated analyser"},
    ]}
    Asset.objects.create(programme_id=karakoram, kind=Asset.Kind.SOURCE, storage_key="k", size=1, state=Asset.State.READY,
                         qc_report=report)
    html = signed_in(ptv, Role.EDITOR, accept_language="ru").get(f"/programmes/{karakoram}/").content.decode()
    assert "Проверка качества" in html and "640x360" in html and "needs a dedicated analyser" in html
    assert "Не проверено" in html and "[]" not in html
