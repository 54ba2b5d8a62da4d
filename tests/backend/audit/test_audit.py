import pytest

from backend.audit.models import AuditEvent
from backend.partners.models import Role
from tests.backend.catalogue.programme_data import KARAKORAM

URL = "/api/v1/audit-events/"


def test_catalogue_changes_are_audited_with_actor_and_object(ptv):
    editor = ptv.client(Role.EDITOR)
    programme_id = editor.post("/api/v1/programmes/", KARAKORAM, format="json").json()["id"]
    editor.patch(f"/api/v1/programmes/{programme_id}/", {"production_year": 2025}, format="json")
    editor.post(f"/api/v1/programmes/{programme_id}/publish/")

    events = ptv.client().get(URL, {"object_id": programme_id}).json()["results"]
    assert [(e["action"], e["actor"]) for e in events] == [
        ("programme.published", "ptv-editor"),
        ("programme.updated", "ptv-editor"),
        ("programme.created", "ptv-editor"),
    ]
    assert events[1]["details"] == {"fields": ["production_year"]}
    assert all(e["partner"] == "PTV" and e["object_type"] == "programme" for e in events)


def test_audit_log_is_for_the_partners_admins_only(ptv, cctv):
    ptv.client().post("/api/v1/programmes/", KARAKORAM, format="json")
    assert ptv.client(Role.EDITOR).get(URL).status_code == 403
    assert all(e["partner"] == "CCTV" for e in cctv.client().get(URL).json()["results"])
    assert not any(e["action"].startswith("programme.") for e in cctv.client().get(URL).json()["results"])


def test_audit_log_cannot_be_edited_or_deleted(ptv):
    event = AuditEvent.objects.filter(partner=ptv.partner).first()
    event.action = "nothing.happened"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="x")
    assert ptv.client().delete(f"{URL}{event.pk}/").status_code == 405
