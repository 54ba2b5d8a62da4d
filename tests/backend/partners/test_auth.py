from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

from backend.audit.models import AuditEvent
from backend.partners.models import Partner, Role

ME = "/api/v1/me/"


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_me_names_user_partner_and_role(ptv):
    response = ptv.client().get(ME)
    assert response.status_code == 200
    assert response.json() == {
        "username": "ptv-admin",
        "role": "admin",
        "partner": {"code": "PTV", "name": "PTV broadcaster", "country": "PK"},
    }


@pytest.mark.parametrize(
    "header, code",
    [
        (None, "not_authenticated"),
        ("Token", "authentication_failed"),
        ("Token exl_0000000000000000000000000000000000000000000000000000000000000000", "authentication_failed"),
        ("Token a b", "authentication_failed"),
    ],
)
def test_missing_or_bad_token_is_401_with_a_code(ptv, header, code):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == code


def test_non_ascii_token_is_401_not_500(ptv):
    response = APIClient().get(ME, HTTP_AUTHORIZATION="Token пароль".encode().decode("latin-1"))
    assert response.status_code == 401


def test_tokens_are_stored_hashed(ptv):
    stored = AuthToken.objects.get(user=ptv.admin)
    assert ptv.admin_token.startswith("exl_")
    assert ptv.admin_token not in (stored.digest, stored.token_key)
    assert ptv.admin_token.startswith(stored.token_key)


def test_a_revoked_token_stops_working_and_others_keep_working(ptv):
    issued = ptv.client().post("/api/v1/tokens/").json()
    second = with_token(issued["token"])
    assert second.get(ME).status_code == 200
    listed = ptv.client().get("/api/v1/tokens/").json()
    assert {t["token_key"] for t in listed} == set(AuthToken.objects.values_list("token_key", flat=True))
    assert all("token" not in t for t in listed)

    assert second.delete(f"/api/v1/tokens/{issued['token_key']}/").status_code == 204
    assert second.get(ME).status_code == 401
    assert ptv.client().get(ME).status_code == 200
    assert AuditEvent.objects.filter(action="token.revoked", object_id=issued["token_key"]).exists()


def test_a_user_cannot_revoke_someone_elses_token(ptv, cctv):
    key = AuthToken.objects.get(user=cctv.admin).token_key
    assert ptv.client().delete(f"/api/v1/tokens/{key}/").status_code == 404
    assert cctv.client().get(ME).status_code == 200


def test_tokens_of_a_deactivated_partner_stop_working(ptv):
    Partner.objects.filter(pk=ptv.partner.pk).update(is_active=False)
    assert ptv.client().get(ME).status_code == 401


@pytest.mark.django_db
def test_create_partner_command_prints_a_working_token_once():
    out, err = StringIO(), StringIO()
    call_command("create_partner", "CCTV", name="China Central Television", country="cn", admin="cctv-root",
                 stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert with_token(token).get(ME).json()["partner"] == {
        "code": "CCTV", "name": "China Central Television", "country": "CN"}
    assert token not in err.getvalue()
    assert AuditEvent.objects.filter(action="token.issued", actor_username="cctv-root").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, country, message",
    [("cctv", "CN", "partner code"), ("CCTV", "XX", "country code")],
)
def test_create_partner_command_rejects_bad_input(code, country, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_partner", code, name="X", country=country, admin="someone", stdout=StringIO())
    assert not Partner.objects.exists()


def test_create_partner_command_refuses_a_duplicate_code(ptv):
    with pytest.raises(CommandError, match="exists"):
        call_command("create_partner", "PTV", name="Again", admin="other", stdout=StringIO())


def test_admins_add_users_with_roles_and_others_cannot(ptv):
    response = ptv.client().post("/api/v1/users/", {"username": "dubbing-lahore", "role": "dubbing"}, format="json")
    assert response.status_code == 201
    assert with_token(response.json()["token"]).get(ME).json()["role"] == "dubbing"

    editor = ptv.client(Role.EDITOR)
    refused = editor.post("/api/v1/users/", {"username": "sneaky", "role": "admin"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"


def test_unknown_role_names_the_field(ptv):
    response = ptv.client().post("/api/v1/users/", {"username": "x-user", "role": "owner"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "role"
